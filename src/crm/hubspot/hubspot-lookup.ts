/**
 * Point reads: by record id and by key value through batch read (100 per call), by email
 * through search (`email IN [...]`, 100 values per filter; search lags writes by a few
 * seconds on HubSpot). A merged-away id read by id comes back as its survivor: reported as
 * a deleted record pointing at the survivor.
 */
import type { CrmRecord } from '../port.js';
import {
  chunk,
  LAST_MODIFIED,
  MERGED_IDS,
  mergedAway,
  type SdkObject,
  toCrmRecord,
} from './hubspot-records.js';
import { searchContacts } from './hubspot-search.js';
import type { HubSpotTransport } from './hubspot-transport.js';

export interface LookupOptions {
  readonly transport: HubSpotTransport;
  readonly names: readonly string[];
  readonly keyProperty: string;
}

const BATCH = 100;

export class HubSpotLookup {
  constructor(private readonly options: LookupOptions) {}

  private properties(): string[] {
    return [...new Set([...this.options.names, LAST_MODIFIED, MERGED_IDS])];
  }

  private async batchRead(ids: readonly string[], idProperty?: string): Promise<SdkObject[]> {
    const { transport } = this.options;
    const out: SdkObject[] = [];
    for (const part of chunk([...new Set(ids)], BATCH)) {
      const { data } = await transport.call({
        kind: 'read',
        method: 'POST',
        path: '/crm/v3/objects/contacts/batch/read',
        idempotent: true,
        send: (o) =>
          transport.client.crm.contacts.batchApi.readWithHttpInfo(
            {
              inputs: part.map((id) => ({ id })),
              properties: this.properties(),
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
      if (wanted.has(o.id)) out.push(toCrmRecord(this.options, o));
      out.push(...mergedAway(o).filter((r) => wanted.has(r.id)));
    }
    return out;
  }

  async readByKeys(keys: readonly string[]): Promise<CrmRecord[]> {
    const objects = await this.batchRead(keys, this.options.keyProperty);
    return objects.map((o) => toCrmRecord(this.options, o));
  }

  async findByMatch(property: string, values: readonly string[]): Promise<CrmRecord[]> {
    // HubSpot compares IN values for string properties against lower-cased values.
    const wanted = [...new Set(values.map((e) => e.trim().toLowerCase()).filter(Boolean))];
    const found = new Map<string, CrmRecord>();
    for (const part of chunk(wanted, BATCH)) {
      let after: string | undefined;
      do {
        const page = await searchContacts(this.options.transport, {
          filters: [{ propertyName: property, operator: 'IN', values: part }],
          properties: this.properties(),
          limit: 200,
          after,
        });
        for (const o of page.results) {
          if (wanted.includes(o.properties[property]?.toLowerCase() ?? ''))
            found.set(o.id, toCrmRecord(this.options, o));
        }
        after = page.nextAfter;
      } while (after);
    }
    return [...found.values()];
  }
}
