/**
 * A full reconcile of links against the CRM, for when its delta can no longer be trusted to
 * report every deletion: the last checkpoint is older than the CRM keeps deleted records
 * visible (Salesforce's recycle bin, HubSpot's archived list), or the user asked for it.
 * Every linked CRM id is read back by id, in the adapter's batches; an id the CRM no longer
 * has is a deletion the delta may have missed.
 */
import type { CrmAdapter, CrmRecord } from '../crm/port.js';
import type { Scope, StateStore } from '../state/port.js';

/** Why a full reconcile is needed now, or undefined when the delta can be trusted. */
export function reconcileReason(input: {
  readonly requested: boolean;
  readonly hasCheckpoint: boolean;
  /** When the checkpoint in use was read (engine clock), if known. */
  readonly checkpointReadAt: string | null;
  readonly now: Date;
  readonly crm: Pick<CrmAdapter, 'kind' | 'deletionsVisibleForMs'>;
}): string | undefined {
  if (input.requested) return 'a full reconcile was requested (--reconcile)';
  if (!input.hasCheckpoint) return undefined;
  const window = input.crm.deletionsVisibleForMs;
  if (input.checkpointReadAt === null)
    return `the ${input.crm.kind} checkpoint's age is unknown (state from an older propsync)`;
  const age = input.now.getTime() - Date.parse(input.checkpointReadAt);
  if (!(age > window)) return undefined;
  return `the last ${input.crm.kind} checkpoint is ${days(age)} old, longer than ${input.crm.kind} keeps deletions visible (${days(window)})`;
}

export interface ReconcileCount {
  readonly checked: number;
  readonly missing: number;
}

/**
 * Reads every linked CRM id back and yields, page by page, what the CRM no longer has: a
 * merged-away id as the CRM reports it (pointing at the survivor), any other missing id as a
 * deletion stamped `now`. Live records are not yielded: they are not changes; a page with
 * none missing yields an empty list, so the caller can show how far the check has got.
 */
export async function* missingLinkedRecords(
  store: StateStore,
  scope: Scope,
  crm: CrmAdapter,
  now: Date,
  count: { checked: number; missing: number },
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
    yield gone;
  }
}

function days(ms: number): string {
  const d = ms / (24 * 3600_000);
  return d >= 1 ? `${Math.round(d)} days` : `${Math.round(ms / 3600_000)} hours`;
}
