/**
 * Conflicts a person resolves: `propsync conflicts` lists the open ones (the state store keeps
 * them, as the last real run that read each pair planned them: a quiet rerun does not lose
 * them), `propsync resolve` records a choice that the next run applies through the same plan.
 */
import type { TenantConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import { ValidationError } from '../core/errors.js';
import { runLabel } from '../report/run-label.js';
import type { ConflictResolution, OpenConflict, Scope, StateStore } from '../state/port.js';
import { type ScopeFilter, scopesOf } from './state-scopes.js';

/** A conflict's id on the command line: `<propstreetId>:<field>`. */
const conflictId = (c: { propstreetId: string; field: string }) => `${c.propstreetId}:${c.field}`;

function parseConflictId(id: string): { propstreetId: string; field: string } {
  // Field names have no colon; a Propstreet id might.
  const at = id.lastIndexOf(':');
  if (at <= 0 || at === id.length - 1)
    throw new ValidationError(
      `conflict id ${id}: expected <propstreetId>:<field> (see \`propsync conflicts\`)`,
      {
        conflict: [id],
      },
    );
  return { propstreetId: id.slice(0, at), field: id.slice(at + 1) };
}

export interface ListedConflict extends OpenConflict {
  readonly id: string;
  readonly connection: string;
  /** The object kind of the record (`contacts`, `companies`). */
  readonly kind: string;
}

export async function listOpenConflicts(
  config: TenantConfig,
  store: StateStore,
  options: ScopeFilter & { readonly limit: number },
): Promise<{ total: number; conflicts: ListedConflict[] }> {
  let total = 0;
  const conflicts: ListedConflict[] = [];
  for (const scope of scopesOf(config, options)) {
    total += await store.countConflicts(scope);
    for (const c of await store.listConflicts(scope, { limit: options.limit }))
      conflicts.push({ ...c, id: conflictId(c), connection: scope.connection, kind: scope.kind });
  }
  return { total, conflicts: conflicts.slice(0, options.limit) };
}

export type Choice =
  | { readonly take: 'propstreet' | 'crm' }
  | { readonly take: 'value'; readonly value: string | null };

/** Records (or with null withdraws) a person's choice; the next run applies it. */
export async function resolveOpenConflict(
  config: TenantConfig,
  store: StateStore,
  id: string,
  choice: Choice | null,
  options: ScopeFilter & { readonly clock: Clock },
): Promise<ListedConflict> {
  const key = parseConflictId(id);
  const found: { scope: Scope; conflict: ListedConflict }[] = [];
  for (const scope of scopesOf(config, options)) {
    const open = await store.conflictsByPropstreetIds(scope, [key.propstreetId]);
    const hit = open.find((c) => c.field === key.field);
    if (hit) found.push({ scope, conflict: { ...hit, id, connection: scope.connection, kind: scope.kind } });
  }
  const [target, ...others] = found;
  if (!target)
    throw new ValidationError(`no open conflict ${id} (see \`propsync conflicts\`)`, { conflict: [id] });
  if (others.length > 0)
    throw new ValidationError(
      `conflict ${id} is open in ${found.map((f) => runLabel(f.scope)).join(' and ')}: choose one with -c and --kind`,
      { conflict: [id] },
    );
  const resolution: ConflictResolution | null =
    choice === null
      ? null
      : {
          take: choice.take,
          value: choice.take === 'value' ? choice.value : null,
          at: options.clock.now().toISOString(),
        };
  await store.resolveConflict(target.scope, key, resolution);
  return { ...target.conflict, resolution };
}
