/**
 * sObject Collections: POST (create), PATCH (update by id), DELETE (?ids=), and
 * PATCH /composite/sobjects/Contact/{extField} (upsert, API 46+). At most 200 records a call
 * (EXCEEDED_ID_LIMIT), 200 OK with one result per input in input order, per-record errors as
 * `{statusCode, message, fields}`; allOrNone rolls everything back when one record fails.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { type RecordError, RequestError } from './contact-rules.js';
import type { SaveOutcome, WriteContext } from './contact-store.js';
import { apiWriteContext, type FakeOrg, json, notFoundResource, sfError } from './fake-org.js';

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
  org.store.begin();
  try {
    const results = ops.map((op) => op());
    if (allOrNone && results.some((r) => !r.success)) {
      org.store.rollback();
      return results.map((r) => (r.success ? { success: false, errors: [ROLLED_BACK] } : r));
    }
    org.store.commit();
    return results;
  } catch (e) {
    org.store.rollback();
    throw e;
  }
}

function readRecords(body: unknown): { allOrNone: boolean; records: Record<string, unknown>[] } {
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
  for (const r of b.records as Record<string, unknown>[]) {
    const type = (r?.attributes as { type?: unknown } | undefined)?.type;
    if (typeof type !== 'string' || type.toLowerCase() !== 'contact') {
      throw new RequestError(
        400,
        'INVALID_TYPE',
        `Each record needs attributes.type; this fake knows Contact only`,
      );
    }
  }
  return { allOrNone: b.allOrNone === true, records: b.records as Record<string, unknown>[] };
}

export function collectionRoute(org: FakeOrg, req: FakeRequest, rest: string, version: string): FakeResponse {
  const ctx = apiWriteContext(org, req, version);
  if (rest === '/composite/sobjects' && req.method === 'POST') {
    const { allOrNone, records } = readRecords(req.body);
    const results = transact(
      org,
      allOrNone,
      records.map((r) => () => org.store.create(r, ctx)),
    );
    return json(
      200,
      results.map((r) => resultJson(r, false)),
    );
  }
  if (rest === '/composite/sobjects' && req.method === 'PATCH') {
    const { allOrNone, records } = readRecords(req.body);
    const results = transact(
      org,
      allOrNone,
      records.map((r) => () => {
        const id = r.id ?? r.Id;
        if (typeof id !== 'string' || id === '') {
          return {
            success: false,
            errors: [
              { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] },
            ],
          };
        }
        return org.store.update(id, r, ctx);
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
      ids.map((id) => () => org.store.remove(id, ctx)),
    );
    return json(
      200,
      results.map((r) => resultJson(r, false)),
    );
  }
  const upsert = /^\/composite\/sobjects\/Contact\/([^/]+)$/i.exec(rest);
  if (upsert && req.method === 'PATCH')
    return upsertCollection(org, req, decodeURIComponent(upsert[1] as string), version, ctx);
  return notFoundResource();
}

function upsertCollection(
  org: FakeOrg,
  req: FakeRequest,
  extField: string,
  version: string,
  ctx: WriteContext,
): FakeResponse {
  if (Number(version) < 46) return notFoundResource();
  const ext = org.schema.externalIdField;
  if (!ext || extField.toLowerCase() !== ext.toLowerCase()) {
    return sfError(
      400,
      'INVALID_FIELD',
      `Field name provided, ${extField} is not an External ID or indexed field for Contact`,
    );
  }
  const { allOrNone, records } = readRecords(req.body);
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
      return org.store.upsert(key, r, ctx);
    }),
  );
  return json(
    200,
    results.map((r) => resultJson(r, true)),
  );
}
