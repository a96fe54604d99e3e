/**
 * Hand-written in-memory PropstreetApi and CrmAdapter over one InMemoryWorld, for running the
 * engine with no network. Calls are counted the way the real clients make them: a Propstreet
 * page holds 500 contacts; the CRM reads and writes 100 inputs a call and pages changes by 200
 * (HubSpot's sizes), so the counts compare with the network benchmark's.
 */
import { NotFoundError, PreconditionFailedError } from '../../../src/core/errors.js';
import type {
  CrmAdapter,
  CrmChangePage,
  CrmRecord,
  ReadChangesOptions,
  UpdateInput,
  UpsertInput,
  WriteResult,
} from '../../../src/crm/port.js';
import type {
  ContactPage,
  ListContactsOptions,
  PropstreetApi,
  UpsertAction,
} from '../../../src/propstreet/port.js';
import type { Contact, ContactWrite } from '../../../src/propstreet/schema.js';
import { noBatchUpsert, noCompaniesOrLinks } from '../propstreet-stubs.js';
import { crmId, FIELDS, type Field, type InMemoryWorld, iso, psId } from './world.js';

const PAGE = 500;
const CRM_BATCH = 100;
const CRM_PAGE = 200;

type Counter = Record<string, number>;
const bump = (c: Counter, kind: string, by = 1) => {
  c[kind] = (c[kind] ?? 0) + by;
};

/** Lets timers run (the RSS sampler), as real I/O would between pages and batches. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** First index at or after `from` that `keep` accepts, or `size`. */
function nextMatch(from: number, size: number, keep: (i: number) => boolean): number {
  let i = from;
  while (i < size && !keep(i)) i++;
  return i;
}

export function inMemoryPropstreet(w: InMemoryWorld, namespace: string): PropstreetApi {
  const calls: Counter = {};
  const ns = namespace.toLowerCase();
  const etag = (i: number) => `W/"${i}-${w.version[i]}"`;
  const contact = (i: number): Contact => {
    const v = w.psValues(i);
    const updated = iso(w.psStamp.get(i));
    return {
      id: psId(i),
      uri: null,
      externalRefs: w.refWritten.get(i) ? [{ namespace, id: crmId(i) }] : [],
      firstName: v.firstName,
      lastName: v.lastName,
      email: v.email,
      phone: v.phone,
      linkedInUrl: null,
      emails: [],
      phones: [],
      primaryLanguage: null,
      tags: [],
      strategy: null,
      primaryCompanyId: null,
      companies: [],
      profilePictureUrl: null,
      createdUtc: iso(Date.parse('2024-01-01T00:00:00Z') + i),
      updatedUtc: updated,
      deletedUtc: w.psDeleted.get(i) ? updated : null,
      etag: etag(i),
      changeType: 'update',
      changeOrigin: null,
    };
  };
  const live = (id: string): number => {
    const i = w.indexOf(id, 'ps-');
    if (i < 0 || !w.psExists.get(i) || w.psDeleted.get(i)) throw new NotFoundError(`no contact ${id}`);
    return i;
  };
  const apply = (i: number, body: ContactWrite) => {
    if (body.externalRefs) {
      const mine = body.externalRefs.filter((r) => r.namespace.toLowerCase() === ns);
      if (mine.some((r) => r.id !== crmId(i)))
        throw new Error(`in-memory world pairs ${psId(i)} with ${crmId(i)} only`);
      w.refWritten.set(i, mine.length > 0 ? 1 : 0);
    }
    // List fields (emails, phones) are not kept: the world's contacts carry scalars only.
    for (const f of FIELDS) if (body[f] !== undefined) w.writePs(i, f, body[f] ?? null);
    w.version[i] = (w.version[i] ?? 0) + 1;
    w.psStamp.set(i, w.tick());
  };

  return {
    ...noCompaniesOrLinks,
    ...noBatchUpsert,
    identity: async () => ({ id: 'propstreet-team:in-memory' }),
    async *listContacts(options: ListContactsOptions = {}): AsyncGenerator<ContactPage> {
      const since = options.updatedSince ? Date.parse(options.updatedSince) : Number.NEGATIVE_INFINITY;
      const size = options.pageSize ?? PAGE;
      const keep = (i: number) =>
        w.psExists.get(i) === 1 &&
        w.psStamp.get(i) >= since &&
        (options.includeDeleted === true || !w.psDeleted.get(i));
      let i = nextMatch(options.cursor ? Number(options.cursor) : 0, w.size, keep);
      for (;;) {
        await yieldToLoop();
        bump(calls, 'read');
        const contacts: Contact[] = [];
        while (i < w.size && contacts.length < size) {
          contacts.push(contact(i));
          i = nextMatch(i + 1, w.size, keep);
        }
        const more = i < w.size;
        yield { contacts, invalid: [], nextCursor: more ? String(i) : null };
        if (!more) return;
      }
    },
    async getContact(id) {
      bump(calls, 'read');
      const i = w.indexOf(id, 'ps-');
      return i >= 0 && w.psExists.get(i) ? contact(i) : null;
    },
    async patchContact(id, patch, { ifMatch }) {
      bump(calls, 'write');
      w.beforePropstreetWrite?.(w.indexOf(id, 'ps-'));
      const i = live(id);
      if (ifMatch !== undefined && ifMatch !== etag(i))
        throw new PreconditionFailedError(`contact ${id} changed: ${ifMatch} is not ${etag(i)}`);
      apply(i, patch);
      w.log({ side: 'propstreet', op: 'update', index: i });
      return contact(i);
    },
    async upsertByExternalRef(namespace_, externalId, body) {
      bump(calls, 'write');
      const i = w.indexOf(externalId, 'crm-');
      if (i < 0 || namespace_.toLowerCase() !== ns) throw new Error(`in-memory world has no ${externalId}`);
      // Propstreet finds the contact by the ref: a live contact without it would be a second one.
      const duplicate = w.psExists.get(i) === 1 && !w.psDeleted.get(i) && !w.refWritten.get(i);
      const action: UpsertAction =
        !w.psExists.get(i) || (w.psDeleted.get(i) && !w.refWritten.get(i))
          ? 'created'
          : w.psDeleted.get(i)
            ? 'revived'
            : 'updated';
      if (action === 'created') w.version[i] = 0;
      // A new (or revived) contact holds what the request sent, not the world's computed values.
      if (action !== 'updated') for (const f of FIELDS) if (body[f] === undefined) w.writePs(i, f, null);
      w.psExists.set(i, 1);
      w.psDeleted.set(i, 0);
      apply(i, { ...body, externalRefs: [{ namespace: namespace_, id: externalId }] });
      const op = action === 'created' ? 'create' : action === 'revived' ? 'revive' : 'update';
      w.log({ side: 'propstreet', op, index: i, ...(duplicate ? { duplicate } : {}) });
      return { contact: contact(i), action };
    },
    async deleteContact(id, options = {}) {
      bump(calls, 'write');
      w.beforePropstreetWrite?.(w.indexOf(id, 'ps-'));
      const i = live(id);
      if (options.ifMatch !== undefined && options.ifMatch !== etag(i))
        throw new PreconditionFailedError(`contact ${id} changed`);
      w.psDeleted.set(i, 1);
      w.version[i] = (w.version[i] ?? 0) + 1;
      w.psStamp.set(i, w.tick());
      w.log({ side: 'propstreet', op: 'delete', index: i });
    },
    usage: () => ({ calls: { ...calls } }),
  };
}

export interface InMemoryCrmOptions {
  readonly keyProperty: string;
  /** CRM property for each world field (the mapping's CRM side). */
  readonly names: Readonly<Record<Field, string>>;
  /** Every property a read returns (absent ones come back null, as HubSpot answers). */
  readonly properties: readonly string[];
}

export function inMemoryCrm(w: InMemoryWorld, options: InMemoryCrmOptions): CrmAdapter {
  const calls: Counter = {};
  const { keyProperty, names } = options;
  const empty = Object.fromEntries(options.properties.map((p) => [p, null])) as Record<string, string | null>;
  const computed = (i: number): Record<string, string | null> => {
    const v = w.computed(i);
    const out: Record<string, string | null> = { ...empty };
    for (const f of FIELDS) out[names[f]] = v[f];
    return out;
  };
  const record = (i: number): CrmRecord => ({
    id: crmId(i),
    properties: { ...computed(i), ...w.crmEdits.get(i), [keyProperty]: w.keyWritten.get(i) ? psId(i) : null },
    modifiedAt: iso(w.crmStamp.get(i)),
    deleted: w.crmDeleted.get(i) === 1,
  });
  const isLive = (i: number) => i >= 0 && w.crmExists.get(i) === 1 && w.crmDeleted.get(i) === 0;
  const apply = (i: number, properties: Readonly<Record<string, string | null>>) => {
    const base = computed(i);
    for (const [k, v] of Object.entries(properties)) {
      if (k === keyProperty) {
        if (v !== null && v !== psId(i))
          throw new Error(`in-memory world pairs ${crmId(i)} with ${psId(i)} only`);
        w.keyWritten.set(i, v === null ? 0 : 1);
      } else w.writeCrm(i, k, v, base[k] ?? null);
    }
    w.crmStamp.set(i, w.tick());
  };
  const count = (kind: string, inputs: number) => bump(calls, kind, Math.ceil(inputs / CRM_BATCH));
  const notFound = (id: string): WriteResult => ({
    ok: false,
    error: { code: 'not-found', message: `no record ${id}`, retryable: false },
  });

  return {
    kind: 'in-memory',
    keyProperty,
    // No retention limit in the bench world: a checkpoint never outlives what it reports.
    deletionsVisibleForMs: Number.POSITIVE_INFINITY,
    limits: { writeBatchSize: CRM_BATCH, readPageSize: CRM_PAGE, maxConcurrency: 2 },
    check: async () => ({ ok: true, checks: [] }),
    setup: async () => ({ ok: true, checks: [] }),
    // One account, and a key property of its own (the real adapters ask their CRM).
    identity: async () => ({ id: 'in-memory-crm:1' }),
    inspectKeyField: async () => ({ field: keyProperty, problems: [], fix: '', sample: [] }),
    async *readChanges(checkpoint: string | null, o: ReadChangesOptions = {}): AsyncGenerator<CrmChangePage> {
      const since = checkpoint === null ? Number.NEGATIVE_INFINITY : Number(checkpoint) - (o.overlapMs ?? 0);
      const keep = (i: number) => w.crmExists.get(i) === 1 && w.crmStamp.get(i) >= since;
      let i = nextMatch(0, w.size, keep);
      let newest = checkpoint === null ? w.now() : Number(checkpoint);
      for (;;) {
        await yieldToLoop();
        bump(calls, 'search');
        const records: CrmRecord[] = [];
        while (i < w.size && records.length < CRM_PAGE) {
          records.push(record(i));
          newest = Math.max(newest, w.crmStamp.get(i));
          i = nextMatch(i + 1, w.size, keep);
        }
        yield { records, checkpoint: String(newest) };
        if (i >= w.size) return;
      }
    },
    async readByIds(ids) {
      count('read', ids.length);
      return ids
        .map((id) => w.indexOf(id, 'crm-'))
        .filter(isLive)
        .map(record);
    },
    async readByKeys(keys) {
      count('read', keys.length);
      return keys
        .map((k) => w.indexOf(k, 'ps-'))
        .filter((i) => isLive(i) && w.keyWritten.get(i) === 1)
        .map(record);
    },
    async findByMatch(property, values) {
      if (property !== names.email)
        throw new Error(`the in-memory CRM finds by ${names.email} only, not ${property}`);
      count('search', values.length);
      const out: CrmRecord[] = [];
      for (const e of values) {
        const i = w.indexOfEmail(e);
        if (i >= w.size || !isLive(i)) continue;
        const r = record(i);
        if (r.properties[names.email]?.toLowerCase() === e.trim().toLowerCase()) out.push(r);
      }
      return out;
    },
    async upsertByKey(inputs: readonly UpsertInput[]) {
      count('write', inputs.length);
      await yieldToLoop();
      return inputs.map((input): WriteResult => {
        const i = w.indexOf(input.key, 'ps-');
        if (i < 0) throw new Error(`in-memory world has no ${input.key}`);
        const created = !isLive(i);
        // The CRM finds the record by the key: a live record without it would be a second one.
        const duplicate = !created && w.keyWritten.get(i) === 0;
        const op = !created ? 'update' : w.crmExists.get(i) ? 'revive' : 'create';
        if (created) {
          // A new record holds what the request sent, not the world's computed values.
          const base = computed(i);
          for (const f of FIELDS)
            if (!(names[f] in input.properties)) w.writeCrm(i, names[f], null, base[names[f]] ?? null);
        }
        w.crmExists.set(i, 1);
        w.crmDeleted.set(i, 0);
        apply(i, { ...input.properties, [keyProperty]: input.key });
        w.log({ side: 'crm', op, index: i, ...(duplicate ? { duplicate } : {}) });
        return { ok: true, id: crmId(i), created, modifiedAt: iso(w.crmStamp.get(i)) };
      });
    },
    async update(inputs: readonly UpdateInput[]) {
      count('write', inputs.length);
      await yieldToLoop();
      return inputs.map((input): WriteResult => {
        const i = w.indexOf(input.id, 'crm-');
        if (!isLive(i)) return notFound(input.id);
        apply(i, input.properties);
        w.log({ side: 'crm', op: 'update', index: i });
        return { ok: true, id: input.id, created: false, modifiedAt: iso(w.crmStamp.get(i)) };
      });
    },
    async delete(ids) {
      count('write', ids.length);
      return ids.map((id): WriteResult => {
        const i = w.indexOf(id, 'crm-');
        if (!isLive(i)) return notFound(id);
        w.crmDeleted.set(i, 1);
        w.crmStamp.set(i, w.tick());
        w.log({ side: 'crm', op: 'delete', index: i });
        return { ok: true, id, created: false };
      });
    },
    usage: () => ({ calls: { ...calls } }),
  };
}
