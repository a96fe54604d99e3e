/**
 * Point reads: by record id and by key value through batch read (100 per call), by any
 * property (contacts' email, companies' domain) through search (`IN [...]`, ≤ 100 values per
 * filter and as many as keep the body within 3,000 characters; search lags writes by a few
 * seconds on HubSpot), every record found returned: the caller pairs by canonical value (a
 * domain searched as `https://www.acme.se/` is `acme.se`). A merged-away id read by id comes
 * back as its survivor: reported as a deleted record pointing at the survivor.
 */
import type { CrmRecord } from '../port.js';
import { type HubSpotObject, objectPath } from './hubspot-object.js';
import {
  chunk,
  mergedAway,
  type RecordContext,
  readProperties,
  type SdkObject,
  toCrmRecord,
} from './hubspot-records.js';
import { SEARCH_BODY_MAX, searchBodyLength, searchObjects, valuesWithin } from './hubspot-search.js';
import type { HubSpotTransport } from './hubspot-transport.js';

export interface LookupOptions {
  readonly transport: HubSpotTransport;
  readonly object: HubSpotObject;
  readonly names: readonly string[];
  readonly keyProperty: string;
}

const BATCH = 100;

export class HubSpotLookup {
  private readonly context: RecordContext;

  constructor(private readonly options: LookupOptions) {
    this.context = { names: options.names, lastModified: options.object.lastModified };
  }

  private async batchRead(ids: readonly string[], idProperty?: string): Promise<SdkObject[]> {
    const { transport, object } = this.options;
    const out: SdkObject[] = [];
    for (const part of chunk([...new Set(ids)], BATCH)) {
      const { data } = await transport.call({
        kind: 'read',
        method: 'POST',
        path: objectPath(object, '/batch/read'),
        idempotent: true,
        send: (o) =>
          object.apis(transport.client).batchApi.readWithHttpInfo(
            {
              inputs: part.map((id) => ({ id })),
              properties: readProperties(this.context),
              propertiesWithHistory: [],
              ...(idProperty ? { idProperty } : {}),
            },
            undefined,
            o,
          ),
      });
      // Ids not found are listed in a 207's errors; the port leaves them out.
      out.push(...data.results);
    }
    return out;
  }

  async readByIds(ids: readonly string[]): Promise<CrmRecord[]> {
    const wanted = new Set(ids);
    const out: CrmRecord[] = [];
    for (const o of await this.batchRead(ids)) {
      if (wanted.has(o.id)) out.push(toCrmRecord(this.context, o));
      out.push(...mergedAway(this.context, o).filter((r) => wanted.has(r.id)));
    }
    return out;
  }

  async readByKeys(keys: readonly string[]): Promise<CrmRecord[]> {
    const objects = await this.batchRead(keys, this.options.keyProperty);
    return objects.map((o) => toCrmRecord(this.context, o));
  }

  async findByMatch(property: string, values: readonly string[]): Promise<CrmRecord[]> {
    // HubSpot compares IN values for string properties against lower-cased values.
    const wanted = [...new Set(values.map((e) => e.trim().toLowerCase()).filter(Boolean))];
    const found = new Map<string, CrmRecord>();
    // The matched property comes back even when the mapping does not carry it.
    const properties = [...readProperties(this.context), property];
    for (const part of inLists(wanted, property, properties)) {
      let after: string | undefined;
      do {
        const page = await searchObjects(this.options.transport, this.options.object, {
          filters: [{ propertyName: property, operator: 'IN', values: part }],
          properties,
          limit: 200,
          after,
        });
        // What the search found is what HubSpot holds equal; whether it pairs is the caller's
        // canonical comparison (`https://www.acme.se/` is `acme.se`), not a second string test.
        for (const o of page.results) found.set(o.id, toCrmRecord(this.context, o));
        after = page.nextAfter;
      } while (after);
    }
    return [...found.values()];
  }
}

/**
 * `values` in `IN` lists of ≤ 100 that keep each search within HubSpot's 3,000 characters of body
 * (100 addresses of 36 characters alone take ≈ 4,000): sized with the longest paging cursor.
 */
function inLists(values: readonly string[], property: string, properties: readonly string[]): string[][] {
  const room =
    SEARCH_BODY_MAX -
    searchBodyLength({
      filters: [{ propertyName: property, operator: 'IN', values: [] }],
      properties,
      limit: 200,
      after: '10000',
    });
  const lists: string[][] = [];
  for (let from = 0; from < values.length; ) {
    // A value too long to search for even alone is sent anyway: searchObjects refuses it with the reason.
    const n = Math.max(1, valuesWithin(values, from, room).n);
    lists.push(values.slice(from, from + n));
    from += n;
  }
  return lists;
}
