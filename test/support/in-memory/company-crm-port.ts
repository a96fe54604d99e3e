/**
 * A CRM's company object over a CompanyWorld (a CrmAdapter): the key upsert, a read-only count
 * property (HubSpot `num_associated_contacts`), deletions seen in the changes, and a search that
 * compares what the CRM stores (a Salesforce Website by its host, as the adapter does).
 */
import type { CrmAdapter, CrmChangePage, CrmRecord, WriteResult } from '../../../src/crm/port.js';
import { type CompanyWorld, type CrmRow, iso } from './company-world.js';

export interface InMemoryCrmCompaniesOptions {
  readonly keyProperty: string;
  /** Every property a read returns (absent ones come back null, as HubSpot answers). */
  readonly properties: readonly string[];
  /**
   * How the CRM's search compares a stored value with a searched one, per property (a
   * Salesforce Website by its host); lower-cased equality when absent.
   */
  readonly searchForm?: Readonly<Record<string, (stored: string) => string | null>>;
  /** A count the CRM keeps per record and returns read-only (HubSpot `num_associated_contacts`). */
  readonly countProperty?: string;
}

export function inMemoryCrmCompanies(w: CompanyWorld, options: InMemoryCrmCompaniesOptions): CrmAdapter {
  const { keyProperty } = options;
  const calls: Record<string, number> = {};
  const count = (kind: string) => {
    calls[kind] = (calls[kind] ?? 0) + 1;
  };
  const record = (id: string, row: CrmRow): CrmRecord => ({
    id,
    properties: {
      ...Object.fromEntries(options.properties.map((p) => [p, row.properties[p] ?? null])),
      [keyProperty]: row.properties[keyProperty] ?? null,
    },
    modifiedAt: iso(row.modifiedAt),
    deleted: row.deleted,
  });
  const isLive = (id: string) => {
    const row = w.crm.get(id);
    return row !== undefined && !row.deleted;
  };
  const writable = (properties: Readonly<Record<string, string | null>>) => {
    if (options.countProperty && options.countProperty in properties)
      throw new Error(`${options.countProperty} is read-only`);
    return properties;
  };
  const notFound = (id: string): WriteResult => ({
    ok: false,
    error: { code: 'not-found', message: `no record ${id}`, retryable: false },
  });
  return {
    kind: 'in-memory',
    keyProperty,
    deletionsVisibleForMs: Number.POSITIVE_INFINITY,
    limits: { writeBatchSize: 100, readPageSize: 200, maxConcurrency: 2 },
    check: async () => ({ ok: true, checks: [] }),
    setup: async () => ({ ok: true, checks: [] }),
    identity: async () => ({ id: 'in-memory-crm:companies' }),
    inspectKeyField: async () => ({ field: keyProperty, problems: [], fix: '', sample: [] }),
    async *readChanges(checkpoint, o = {}): AsyncGenerator<CrmChangePage> {
      count('search');
      const since = checkpoint === null ? Number.NEGATIVE_INFINITY : Number(checkpoint) - (o.overlapMs ?? 0);
      const rows = [...w.crm.entries()].filter(([, row]) => row.modifiedAt >= since);
      const newest = Math.max(
        checkpoint === null ? w.now() : Number(checkpoint),
        ...rows.map(([, r]) => r.modifiedAt),
      );
      yield { records: rows.map(([id, row]) => record(id, row)), checkpoint: String(newest) };
    },
    async readByIds(ids) {
      count('read');
      return ids.flatMap((id) => {
        const row = w.crm.get(id);
        return row && !row.deleted ? [record(id, row)] : [];
      });
    },
    async readByKeys(keys) {
      count('read');
      return [...w.crm.entries()]
        .filter(([, row]) => !row.deleted && keys.includes(row.properties[keyProperty] ?? ''))
        .map(([id, row]) => record(id, row));
    },
    async findByMatch(property, values) {
      count('find');
      const form = options.searchForm?.[property] ?? ((s: string) => s.trim().toLowerCase());
      const wanted = new Set(values.map((v) => v.trim().toLowerCase()));
      return [...w.crm.entries()]
        .filter(([, row]) => {
          const stored = row.properties[property];
          return !row.deleted && stored != null && wanted.has(form(stored) ?? '');
        })
        .map(([id, row]) => record(id, row));
    },
    async upsertByKey(inputs) {
      count('write');
      return inputs.map((input): WriteResult => {
        const found = w.crmIdOf(input.key, keyProperty);
        const id = found ?? w.newCrmId();
        const row = found ? w.crmRow(found) : { properties: {}, modifiedAt: 0, deleted: false };
        Object.assign(row.properties, writable(input.properties), { [keyProperty]: input.key });
        row.modifiedAt = w.tick();
        w.crm.set(id, row);
        w.log('crm', found ? 'update' : 'create', id);
        return { ok: true, id, created: !found, modifiedAt: iso(row.modifiedAt) };
      });
    },
    async update(inputs) {
      count('write');
      return inputs.map((input): WriteResult => {
        if (!isLive(input.id)) return notFound(input.id);
        const row = w.crmRow(input.id);
        Object.assign(row.properties, writable(input.properties));
        row.modifiedAt = w.tick();
        w.log('crm', 'update', input.id);
        return { ok: true, id: input.id, created: false, modifiedAt: iso(row.modifiedAt) };
      });
    },
    async delete(ids) {
      count('write');
      return ids.map((id): WriteResult => {
        if (!isLive(id)) return notFound(id);
        const row = w.crmRow(id);
        row.deleted = true;
        row.modifiedAt = w.tick();
        w.log('crm', 'delete', id);
        return { ok: true, id, created: false };
      });
    },
    usage: () => ({ calls: { ...calls } }),
  };
}
