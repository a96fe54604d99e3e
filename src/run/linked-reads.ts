/**
 * A full reconcile's reads (engine/link-reconcile.ts says when one is due): every linked CRM
 * id is read back by id, in the adapter's batches.
 */
import type { CrmRecord } from '../crm/port.js';
import type { CrmObjects } from '../engine/ports.js';
import type { Scope, StateStore } from '../state/port.js';

/** What a full reconcile found, counted as it reads. */
export interface ReconcileCount {
  checked: number;
  missing: number;
}

/**
 * Reads every linked CRM id back and yields, page by page, what the CRM no longer has: a
 * merged-away id as the CRM reports it (pointing at the survivor), any other missing id as a
 * deletion stamped `now`. Live records are not yielded: they are not changes.
 */
export async function* missingLinkedRecords(
  store: StateStore,
  scope: Scope,
  crm: Pick<CrmObjects, 'readByIds'>,
  now: Date,
  count: ReconcileCount,
  pageSize = 500,
): AsyncGenerator<CrmRecord[]> {
  let after: string | undefined;
  for (;;) {
    const links = await store.listLinks(scope, {
      ...(after === undefined ? {} : { after }),
      limit: pageSize,
    });
    const last = links.at(-1);
    if (!last) return;
    after = last.propstreetId;
    const ids = links.map((l) => l.crmId);
    const found = new Map((await crm.readByIds(ids)).map((r) => [r.id, r]));
    const gone: CrmRecord[] = [];
    for (const id of ids) {
      const record = found.get(id);
      if (record && !record.deleted) continue;
      gone.push(record ?? { id, properties: {}, modifiedAt: now.toISOString(), deleted: true });
    }
    count.checked += ids.length;
    count.missing += gone.length;
    // A page with none missing is yielded too (empty), so the caller can show how far it got.
    yield gone;
  }
}
