/**
 * The contact's job title in the CRM through the contacts' own adapter: read by id, written as an
 * update of that one property (HubSpot `jobtitle`, Salesforce `Title`), batched by the adapter.
 */
import type { CrmAdapter } from '../crm/port.js';
import type { CrmTitles } from './ports.js';

export function crmTitles(adapter: CrmAdapter, property: string): CrmTitles {
  return {
    async read(ids) {
      const records = await adapter.readByIds(ids);
      return new Map(records.map((r) => [r.id, r.properties[property] ?? null]));
    },
    async write(items) {
      const results = await adapter.update(
        items.map((i) => ({ id: i.crmId, properties: { [property]: i.title } })),
      );
      return results.map((r) => (r.ok ? { ok: true as const } : { ok: false as const, error: r.error }));
    },
  };
}

/**
 * The contacts' CRM delta as the links phase reads it: live contacts with their stamps and a
 * resumable checkpoint per page. Without the deletion scan (HubSpot's archived list: a call a
 * run): a deleted contact's links are the contacts kind's business, and the phase drops them.
 */
export function crmChangesOf(adapter: CrmAdapter) {
  return async function* (checkpoint: string | null) {
    for await (const page of adapter.readChanges(checkpoint, { deletions: false }))
      yield {
        records: page.records.filter((r) => !r.deleted).map((r) => ({ id: r.id, modifiedAt: r.modifiedAt })),
        checkpoint: page.checkpoint,
      };
  };
}
