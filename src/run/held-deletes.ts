/**
 * CRM deletions held for a bridge's other connections (engine/sibling-lag.ts), kept from run to
 * run: the run that holds one has moved its CRM checkpoint past the deletion, so the delta will
 * not bring it again. Each is a meta fact of the scope, `deletes.held:<CRM id>`, set in the
 * commit of the chunk that held it and dropped in the commit of the chunk that settled it (a
 * deletion that failed stays): a crash between the two loses nothing. Each run reads the held
 * records by id and stages what the CRM no longer has as a deletion again.
 */
import type { CrmRecord } from '../crm/port.js';
import type { CrmObjects } from '../engine/ports.js';
import type { RecordPlan } from '../engine/types.js';
import type { Scope, StateStore } from '../state/port.js';

const PREFIX = 'deletes.held:';

export interface HeldDelete {
  readonly crmId: string;
  readonly propstreetId: string;
  /** The CRM record's deletion time, as its deletion said. */
  readonly deletedAt: string;
}

export const heldDeleteKey = (crmId: string): string => `${PREFIX}${crmId}`;

/** The scope's held deletions by CRM id; a fact that does not read as one is left out. */
export async function heldDeletesOf(
  store: Pick<StateStore, 'listMeta'>,
  scope: Scope,
): Promise<ReadonlyMap<string, HeldDelete>> {
  const out = new Map<string, HeldDelete>();
  for (const { key, value } of await store.listMeta(scope)) {
    if (!key.startsWith(PREFIX)) continue;
    const crmId = key.slice(PREFIX.length);
    try {
      const v = JSON.parse(value) as Partial<HeldDelete>;
      if (typeof v.propstreetId === 'string' && typeof v.deletedAt === 'string')
        out.set(crmId, { crmId, propstreetId: v.propstreetId, deletedAt: v.deletedAt });
    } catch {
      // Not ours to read: left as it is, never acted on.
    }
  }
  return out;
}

/** The fact a held plan leaves, for its chunk's commit. */
export function heldDeleteFact(
  plan: Pick<RecordPlan, 'heldFor' | 'crmId' | 'propstreetId'>,
  deletedAt: string,
): { key: string; value: string } | undefined {
  if (!plan.heldFor || !plan.crmId || !plan.propstreetId) return undefined;
  return {
    key: heldDeleteKey(plan.crmId),
    value: JSON.stringify({ propstreetId: plan.propstreetId, deletedAt }),
  };
}

/**
 * The held records as they are now: a record the CRM still has as it is (restored, it is
 * planned as live), any other as its deletion again, at the time the deletion said.
 */
export async function heldRecords(
  crm: Pick<CrmObjects, 'readByIds'>,
  held: ReadonlyMap<string, HeldDelete>,
): Promise<CrmRecord[]> {
  if (held.size === 0) return [];
  const found = new Map((await crm.readByIds([...held.keys()])).map((r) => [r.id, r]));
  return [...held.values()].map(
    (h) => found.get(h.crmId) ?? { id: h.crmId, properties: {}, modifiedAt: h.deletedAt, deleted: true },
  );
}
