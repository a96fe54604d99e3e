/**
 * `propsync relink`: lifts the tombstone a CRM deletion or merge left on a contact, so the next
 * run reads the contact again and may pair it (or create it) in that CRM. The tombstone is
 * marked, not dropped, because an unchanged contact is not in the next run's delta: the run
 * reads marked contacts by id, and drops the tombstone once the contact is linked again.
 */
import type { TenantConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import { ValidationError } from '../core/errors.js';
import type { StateStore } from '../state/port.js';

export interface RelinkOutcome {
  readonly connection: string;
  readonly crmId: string;
  readonly reason: string;
}

export async function relinkContact(
  config: TenantConfig,
  store: StateStore,
  propstreetId: string,
  options: { readonly connections?: readonly string[]; readonly clock: Clock },
): Promise<RelinkOutcome[]> {
  const names = options.connections?.length ? options.connections : config.connections.map((c) => c.name);
  const known = config.connections.map((c) => c.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new ValidationError(`--connection ${unknown.join(', ')}: expected one of ${known.join(', ')}`, {
      connection: unknown,
    });
  const out: RelinkOutcome[] = [];
  const at = options.clock.now().toISOString();
  for (const connection of names) {
    const scope = { tenant: config.tenant, connection };
    const [tombstone] = await store.tombstonesByPropstreetIds(scope, [propstreetId]);
    if (!tombstone) continue;
    await store.commit(scope, { upsertTombstones: [{ ...tombstone, relinkedAt: at }] });
    out.push({ connection, crmId: tombstone.crmId, reason: tombstone.reason });
  }
  if (out.length === 0)
    throw new ValidationError(
      `contact ${propstreetId} has no tombstone in ${names.join(', ')} (see \`propsync status\`)`,
      { propstreetId: [propstreetId] },
    );
  return out;
}
