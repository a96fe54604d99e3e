/**
 * The contact's job title in the CRM through the contacts' own adapter: read by id, written as an
 * update of that one property (HubSpot `jobtitle`, Salesforce `Title`), batched by the adapter.
 */
import type { CrmAdapter, ReadChangesOptions } from '../crm/port.js';
import type { CrmTitles } from './ports.js';

export function crmTitles(
  adapter: CrmAdapter,
  property: string,
  fitTitle?: (title: string | null) => string | null,
): CrmTitles {
  return {
    ...(fitTitle ? { fit: fitTitle } : {}),
    async read(ids) {
      const records = await adapter.readByIds(ids);
      // A merged-away id reads as a deleted record: the CRM no longer holds it, so it has no title.
      return new Map(records.filter((r) => !r.deleted).map((r) => [r.id, r.properties[property] ?? null]));
    },
    async write(items) {
      const results = await adapter.update(
        items.map((i) => ({
          id: i.crmId,
          properties: { [property]: fitTitle ? fitTitle(i.title) : i.title },
        })),
      );
      return results.map((r) => (r.ok ? { ok: true as const } : { ok: false as const, error: r.error }));
    },
  };
}

/** Of these CRM contacts, those the CRM holds: a batch read of the contacts (no property asked for). */
export function crmHeldContacts(adapter: CrmAdapter) {
  return async (ids: readonly string[]): Promise<ReadonlySet<string>> =>
    new Set((await adapter.readByIds(ids)).filter((r) => !r.deleted).map((r) => r.id));
}

/**
 * The contacts' CRM delta as the links phase reads it: live contacts with their stamps (and
 * their title, which the delta reads anyway) and a resumable checkpoint per page. Without the
 * deletion scan (HubSpot's archived list: a call a run): a deleted contact's links are the
 * contacts kind's business, and the phase drops them.
 */
export function crmChangesOf(adapter: CrmAdapter, titleProperty?: string) {
  return async function* (
    checkpoint: string | null,
    window?: Pick<ReadChangesOptions, 'overlapMs' | 'from'>,
  ) {
    for await (const page of adapter.readChanges(checkpoint, { ...window, deletions: false }))
      yield {
        records: page.records
          .filter((r) => !r.deleted)
          .map((r) => ({
            id: r.id,
            modifiedAt: r.modifiedAt,
            ...(titleProperty === undefined ? {} : { title: r.properties[titleProperty] ?? null }),
          })),
        checkpoint: page.checkpoint,
      };
  };
}

/**
 * Titles the phase already holds (the delta's) answered without a read; the rest read as ever.
 * A read per 100 contacts saved, twice (the unchanged check, then the sides).
 */
export function withKnownTitles(titles: CrmTitles, known: ReadonlyMap<string, string | null>): CrmTitles {
  return {
    ...titles,
    async read(ids) {
      const missing = ids.filter((id) => !known.has(id));
      const read = missing.length > 0 ? await titles.read(missing) : new Map<string, string | null>();
      return new Map(
        ids.flatMap((id) =>
          known.has(id) ? [[id, known.get(id) ?? null]] : read.has(id) ? [[id, read.get(id) ?? null]] : [],
        ),
      );
    },
    write: (items) => titles.write(items),
  };
}

/** Contacts the CRM delta listed count as held without a read; the rest are read as ever. */
export function withKnownHeld(
  held: (ids: readonly string[]) => Promise<ReadonlySet<string>>,
  listed: ReadonlySet<string>,
): (ids: readonly string[]) => Promise<ReadonlySet<string>> {
  return async (ids) => {
    const unknown = ids.filter((id) => !listed.has(id));
    const read = unknown.length > 0 ? await held(unknown) : new Set<string>();
    return new Set(ids.filter((id) => listed.has(id) || read.has(id)));
  };
}
