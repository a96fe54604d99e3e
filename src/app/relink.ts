/**
 * `propsync relink`: lifts the tombstone a CRM deletion or merge left on a record (a contact, a
 * company), so the next run reads it again and may pair it (or create it) in that CRM. The
 * tombstone is marked, not dropped, because an unchanged record is not in the next run's delta:
 * the run reads marked records by id, and drops the tombstone once the record is linked again.
 */
import type { TenantConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import { ValidationError } from '../core/errors.js';
import { runLabel } from '../report/run-label.js';
import type { StateStore } from '../state/port.js';
import { type ScopeFilter, scopesOf } from './state-scopes.js';

export interface RelinkOutcome {
  readonly connection: string;
  readonly kind: string;
  readonly crmId: string;
  readonly reason: string;
}

/** Lifts the record's tombstone in every scope the filter allows that has one. */
export async function relinkRecord(
  config: TenantConfig,
  store: StateStore,
  propstreetId: string,
  options: ScopeFilter & { readonly clock: Clock },
): Promise<RelinkOutcome[]> {
  const scopes = scopesOf(config, options);
  const out: RelinkOutcome[] = [];
  const at = options.clock.now().toISOString();
  for (const scope of scopes) {
    const [tombstone] = await store.tombstonesByPropstreetIds(scope, [propstreetId]);
    if (!tombstone) continue;
    await store.commit(scope, { upsertTombstones: [{ ...tombstone, relinkedAt: at }] });
    out.push({
      connection: scope.connection,
      kind: scope.kind,
      crmId: tombstone.crmId,
      reason: tombstone.reason,
    });
  }
  if (out.length === 0)
    throw new ValidationError(
      `${propstreetId} has no tombstone in ${scopes.map(runLabel).join(', ')} (see \`propsync status\`)`,
      { propstreetId: [propstreetId] },
    );
  return out;
}
