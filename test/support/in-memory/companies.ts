/**
 * Companies in memory on both sides, for whole engine runs of the companies kind with no
 * network: Propstreet network companies (the PropstreetRecords port) and one CRM's company
 * object (a CrmAdapter), as plain maps. The behaviours the engine relies on are kept: If-Match
 * on PATCH and DELETE, an upsert found by its external ref that revives a deleted company,
 * `domain` derived from `homepageUrl` when a write sends one (docs.propstreet.com: "Ignored if
 * homepageUrl is provided"), the CRM key upsert, and a CRM search that compares what it stores
 * (a Salesforce Website by its host, as the adapter does). Every write is logged, so a test can
 * assert that a rerun writes nothing.
 */
import { NotFoundError, PreconditionFailedError, ValidationError } from '../../../src/core/errors.js';
import type { CrmAdapter, CrmChangePage, CrmRecord, WriteResult } from '../../../src/crm/port.js';
import type { PropstreetRecords, UpsertAction } from '../../../src/engine/ports.js';
import { normaliseDomain } from '../../../src/mapping/transforms.js';
import type { Company, CompanyWrite } from '../../../src/propstreet/company-schema.js';

export interface WorldWrite {
  readonly side: 'propstreet' | 'crm';
  readonly op: 'create' | 'update' | 'delete' | 'revive';
  readonly id: string;
}

interface CrmRow {
  properties: Record<string, string | null>;
  modifiedAt: number;
  deleted: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The two sides' companies and the clock they share (1 ms per change). */
export class CompanyWorld {
  private clock = Date.parse('2026-03-01T08:00:00.000Z');
  readonly propstreet = new Map<string, Company>();
  readonly crm = new Map<string, CrmRow>();
  /** Writes the connector made (users' edits are not logged). */
  readonly writes: WorldWrite[] = [];
  private ids = { propstreet: 0, crm: 0 };

  now(): number {
    return this.clock;
  }
  tick(): number {
    this.clock += 1;
    return this.clock;
  }
  advance(ms: number): void {
    this.clock += ms;
  }

  newPropstreetId(): string {
    this.ids.propstreet += 1;
    return `co-${this.ids.propstreet}`;
  }
  newCrmId(): string {
    this.ids.crm += 1;
    return String(900 + this.ids.crm);
  }

  /** A person creates a company in Propstreet. */
  createInPropstreet(fields: Partial<Company> & { name: string }): string {
    const id = this.newPropstreetId();
    const stamp = iso(this.tick());
    this.propstreet.set(id, {
      id,
      tags: [],
      externalRefs: [],
      contacts: [],
      createdUtc: stamp,
      etag: `W/"${id}-0"`,
      ...fields,
      domain: fields.domain ?? hostOf(fields.homepageUrl),
      updatedUtc: stamp,
    });
    return id;
  }

  /** A person edits a Propstreet company (a new version, a new etag); a homepage gives the domain. */
  editPropstreet(id: string, fields: Partial<Company>): void {
    const current = this.propstreetRecord(id);
    const derived = fields.homepageUrl ? { domain: hostOf(fields.homepageUrl) } : {};
    this.propstreet.set(id, bump({ ...current, ...fields, ...derived }, this.tick()));
  }

  /** Contacts linked to a Propstreet company (who works there). */
  setContacts(id: string, count: number): void {
    const contacts = Array.from({ length: count }, (_, i) => ({ id: `${id}-person-${i}` }));
    this.editPropstreet(id, { contacts });
  }

  deleteInPropstreet(id: string): void {
    const stamp = this.tick();
    this.propstreet.set(id, bump({ ...this.propstreetRecord(id), deletedUtc: iso(stamp) }, stamp));
  }

  /** A person creates a company in the CRM. */
  createInCrm(properties: Record<string, string | null>): string {
    const id = this.newCrmId();
    this.crm.set(id, { properties: { ...properties }, modifiedAt: this.tick(), deleted: false });
    return id;
  }

  editCrm(id: string, properties: Record<string, string | null>): void {
    const row = this.crmRow(id);
    Object.assign(row.properties, properties);
    row.modifiedAt = this.tick();
  }

  deleteInCrm(id: string): void {
    const row = this.crmRow(id);
    row.deleted = true;
    row.modifiedAt = this.tick();
  }

  propstreetRecord(id: string): Company {
    const c = this.propstreet.get(id);
    if (!c) throw new Error(`no Propstreet company ${id}`);
    return c;
  }

  crmRow(id: string): CrmRow {
    const row = this.crm.get(id);
    if (!row) throw new Error(`no CRM company ${id}`);
    return row;
  }

  /** The live CRM company whose key holds this Propstreet id. */
  crmIdOf(propstreetId: string, keyProperty: string): string | undefined {
    for (const [id, row] of this.crm)
      if (!row.deleted && row.properties[keyProperty] === propstreetId) return id;
    return undefined;
  }

  log(side: WorldWrite['side'], op: WorldWrite['op'], id: string): void {
    this.writes.push({ side, op, id });
  }
}

function hostOf(url: string | null | undefined): string | null {
  return url ? normaliseDomain(url) : null;
}

function bump(company: Company, stamp: number): Company {
  const version = Number(/-(\d+)"$/.exec(company.etag ?? '')?.[1] ?? 0) + 1;
  return { ...company, updatedUtc: iso(stamp), etag: `W/"${company.id}-${version}"` };
}

/** Applies a company write as Propstreet does: absent leaves, null clears, the homepage gives the domain. */
function applyWrite(company: Company, body: CompanyWrite): Company {
  const next: Company = { ...company };
  for (const key of ['name', 'domain', 'homepageUrl', 'linkedInUrl', 'countryCode', 'strategy'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (key === 'name') {
      if (!value) throw new ValidationError('name cannot be empty', { name: ['cannot be empty'] });
      next.name = value;
    } else next[key] = value;
  }
  if (body.domain !== undefined) next.domain = hostOf(body.domain);
  if (body.homepageUrl !== undefined && body.homepageUrl !== null) next.domain = hostOf(body.homepageUrl);
  if (body.tags !== undefined) next.tags = body.tags ?? [];
  if (body.externalRefs !== undefined) next.externalRefs = body.externalRefs;
  return next;
}

export function inMemoryPropstreetCompanies(w: CompanyWorld): PropstreetRecords<Company, CompanyWrite> {
  const live = (id: string) => {
    const c = w.propstreet.get(id);
    if (!c || c.deletedUtc) throw new NotFoundError(`no company ${id}`);
    return c;
  };
  const checkEtag = (c: Company, ifMatch: string | undefined) => {
    if (ifMatch !== undefined && ifMatch !== c.etag)
      throw new PreconditionFailedError(`company ${c.id} changed: ${ifMatch} is not ${c.etag}`);
  };
  const byRef = (namespace: string, externalId: string) =>
    [...w.propstreet.values()].find((c) =>
      c.externalRefs.some(
        (r) => r.namespace.toLowerCase() === namespace.toLowerCase() && r.id === externalId,
      ),
    );
  return {
    async *list({ updatedSince, includeDeleted }) {
      const since = updatedSince ? Date.parse(updatedSince) : Number.NEGATIVE_INFINITY;
      const records = [...w.propstreet.values()]
        .filter((c) => Date.parse(c.updatedUtc) >= since && (includeDeleted || !c.deletedUtc))
        .sort((a, b) => a.updatedUtc.localeCompare(b.updatedUtc));
      yield { records, invalid: [] };
    },
    get: async (id) => w.propstreet.get(id) ?? null,
    async patch(id, body, { ifMatch }) {
      const current = live(id);
      checkEtag(current, ifMatch);
      const next = bump(applyWrite(current, body), w.tick());
      w.propstreet.set(id, next);
      w.log('propstreet', 'update', id);
      return next;
    },
    async upsertByExternalRef(namespace, externalId, body) {
      const found = byRef(namespace, externalId);
      const ref = { namespace, id: externalId };
      let action: UpsertAction;
      let next: Company;
      if (found && !found.deletedUtc) {
        action = 'updated';
        next = applyWrite(found, body);
      } else if (found) {
        action = 'revived';
        next = { ...applyWrite(found, body), deletedUtc: null };
      } else {
        if (!body.name) throw new ValidationError('name is required', { name: ['is required'] });
        action = 'created';
        const id = w.newPropstreetId();
        next = applyWrite(
          {
            id,
            name: body.name,
            tags: [],
            externalRefs: [ref],
            contacts: [],
            createdUtc: iso(w.now()),
            updatedUtc: iso(w.now()),
            etag: `W/"${id}-0"`,
          },
          body,
        );
      }
      next = bump(next, w.tick());
      w.propstreet.set(next.id, next);
      w.log(
        'propstreet',
        action === 'created' ? 'create' : action === 'revived' ? 'revive' : 'update',
        next.id,
      );
      return { record: next, action };
    },
    async delete(id, options = {}) {
      const current = live(id);
      checkEtag(current, options.ifMatch);
      const stamp = w.tick();
      w.propstreet.set(id, bump({ ...current, deletedUtc: iso(stamp) }, stamp));
      w.log('propstreet', 'delete', id);
    },
  };
}

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
