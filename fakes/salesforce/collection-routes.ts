/**
 * sObject Collections: POST (create), PATCH (update by id), DELETE (?ids=), and
 * PATCH /composite/sobjects/{Contact|Account}/{extField} (upsert, API 46+). At most 200 records a
 * call (EXCEEDED_ID_LIMIT), 200 OK with one result per input in input order, per-record errors as
 * `{statusCode, message, fields}`; allOrNone rolls everything back when one record fails. Creates
 * and updates may mix objects (each record names its own `attributes.type`); a delete finds each
 * id's object by its key prefix.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { apiWriteContext, type FakeOrg, json, notFoundResource, sfError } from './fake-org.js';
import { type RecordError, RequestError } from './save-rules.js';
import type { SaveOutcome, SObjectStore, WriteContext } from './sobject-store.js';

const MAX_RECORDS = 200;

const ROLLED_BACK: RecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

function resultJson(r: SaveOutcome, withCreated: boolean): Record<string, unknown> {
  if (r.success)
    return { id: r.id, success: true, errors: [], ...(withCreated ? { created: r.created } : {}) };
  return { ...(r.id ? { id: r.id } : {}), success: false, errors: r.errors };
}

function transact(org: FakeOrg, allOrNone: boolean, ops: (() => SaveOutcome)[]): SaveOutcome[] {
  org.begin();
  try {
    const results = ops.map((op) => op());
    if (allOrNone && results.some((r) => !r.success)) {
      org.rollback();
      return results.map((r) => (r.success ? { success: false, errors: [ROLLED_BACK] } : r));
    }
    org.commit();
    return results;
  } catch (e) {
    org.rollback();
    throw e;
  }
}

interface TypedRecord {
  readonly store: SObjectStore;
  readonly fields: Record<string, unknown>;
}

function readRecords(org: FakeOrg, body: unknown): { allOrNone: boolean; records: TypedRecord[] } {
  const b = body as { allOrNone?: unknown; records?: unknown } | undefined;
  if (!b || !Array.isArray(b.records)) {
    throw new RequestError(
      400,
      'JSON_PARSER_ERROR',
      'The request body must hold `records`, a list of sObjects',
    );
  }
  if (b.records.length > MAX_RECORDS) {
    throw new RequestError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`,
    );
  }
  const records = (b.records as Record<string, unknown>[]).map((r) => {
    const type = (r?.attributes as { type?: unknown } | undefined)?.type;
    const store = typeof type === 'string' ? org.storeFor(type) : undefined;
    if (!store) {
      throw new RequestError(
        400,
        'INVALID_TYPE',
        `Each record needs attributes.type; this fake knows Contact and Account only`,
      );
    }
    return { store, fields: r };
  });
  return { allOrNone: b.allOrNone === true, records };
}

export function collectionRoute(org: FakeOrg, req: FakeRequest, rest: string, version: string): FakeResponse {
  const ctx = apiWriteContext(org, req, version);
  if (rest === '/composite/sobjects' && req.method === 'POST') {
    const { allOrNone, records } = readRecords(org, req.body);
    const results = transact(
      org,
      allOrNone,
      records.map((r) => () => r.store.create(r.fields, ctx)),
    );
    return json(
      200,
      results.map((r) => resultJson(r, false)),
    );
  }
  if (rest === '/composite/sobjects' && req.method === 'PATCH') {
    const { allOrNone, records } = readRecords(org, req.body);
    const results = transact(
      org,
      allOrNone,
      records.map(({ store, fields: r }) => () => {
        const id = r.id ?? r.Id;
        if (typeof id !== 'string' || id === '') {
          return {
            success: false,
            errors: [
              { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] },
            ],
          };
        }
        return store.update(id, r, ctx);
      }),
    );
    return json(
      200,
      results.map((r) => resultJson(r, false)),
    );
  }
  if (rest === '/composite/sobjects' && req.method === 'DELETE') {
    const ids = (req.query.get('ids') ?? '').split(',').filter((s) => s !== '');
    if (ids.length === 0) return sfError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
    if (ids.length > MAX_RECORDS) {
      return sfError(400, 'EXCEEDED_ID_LIMIT', `cannot submit more than ${MAX_RECORDS} ids into this call`);
    }
    const allOrNone = req.query.get('allOrNone') === 'true';
    const results = transact(
      org,
      allOrNone,
      ids.map((id) => () => org.storeForId(id).remove(id, ctx)),
    );
    return json(
      200,
      results.map((r) => resultJson(r, false)),
    );
  }
  const upsert = /^\/composite\/sobjects\/([^/]+)\/([^/]+)$/.exec(rest);
  const store = upsert ? org.storeFor(decodeURIComponent(upsert[1] as string)) : undefined;
  if (upsert && store && req.method === 'PATCH')
    return upsertCollection(org, store, req, decodeURIComponent(upsert[2] as string), version, ctx);
  return notFoundResource();
}

function upsertCollection(
  org: FakeOrg,
  store: SObjectStore,
  req: FakeRequest,
  extField: string,
  version: string,
  ctx: WriteContext,
): FakeResponse {
  if (Number(version) < 46) return notFoundResource();
  const ext = store.schema.externalIdField;
  if (!ext || extField.toLowerCase() !== ext.toLowerCase()) {
    return sfError(
      400,
      'INVALID_FIELD',
      `Field name provided, ${extField} is not an External ID or indexed field for ${store.name}`,
    );
  }
  const { allOrNone, records: typed } = readRecords(org, req.body);
  if (typed.some((r) => r.store !== store)) {
    throw new RequestError(400, 'INVALID_TYPE', `Each record's attributes.type must be ${store.name}`);
  }
  const records = typed.map((r) => r.fields);
  const keyOf = (r: Record<string, unknown>): string | undefined => {
    const entry = Object.entries(r).find(([k]) => k.toLowerCase() === ext.toLowerCase());
    return typeof entry?.[1] === 'string' && entry[1] !== '' ? entry[1] : undefined;
  };
  const seen = new Map<string, number>();
  for (const r of records) {
    const k = keyOf(r)?.toLowerCase();
    if (k) seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const results = transact(
    org,
    allOrNone,
    records.map((r) => (): SaveOutcome => {
      const key = keyOf(r);
      if (!key) {
        return {
          success: false,
          errors: [{ statusCode: 'MISSING_ARGUMENT', message: `${ext} not specified`, fields: [ext] }],
        };
      }
      if ((seen.get(key.toLowerCase()) ?? 0) > 1) {
        return {
          success: false,
          errors: [
            {
              statusCode: 'DUPLICATE_EXTERNAL_ID',
              message: `Duplicate external id specified: ${key}`,
              fields: [ext],
            },
          ],
        };
      }
      return store.upsert(key, r, ctx);
    }),
  );
  return json(
    200,
    results.map((r) => resultJson(r, true)),
  );
}
