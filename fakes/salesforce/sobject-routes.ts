/**
 * Single-record resources of the fake's objects (Contact, Account): create (201), get, PATCH by id
 * (204, honours If-Unmodified-Since → 412), DELETE (204), upsert by external id (201 created; 200
 * with `created:false` from API 46, 204 before), describe, and the `updated` / `deleted`
 * replication resources (trailing slash accepted).
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { formatSfDateTime } from './fake-clock.js';
import { apiWriteContext, type FakeOrg, json, noContent, notFoundResource, sfError } from './fake-org.js';
import { projectRow } from './query-service.js';
import type { SaveOutcome, SObjectStore, WriteContext } from './sobject-store.js';

const DAY = 86_400_000;

/** A single-record call answers a record's errors at the top level, `errorCode` for `statusCode`. */
function failure(r: Extract<SaveOutcome, { success: false }>): FakeResponse {
  const status = r.errors.some((e) => e.statusCode === 'ENTITY_IS_DELETED') ? 404 : 400;
  return json(
    status,
    r.errors.map((e) => ({
      message: e.message,
      errorCode: e.statusCode,
      fields: e.fields,
      ...(e.duplicateResult === undefined ? {} : { duplicateResult: e.duplicateResult }),
    })),
  );
}

function getRecord(
  store: SObjectStore,
  id: string | undefined,
  req: FakeRequest,
  version: string,
): FakeResponse {
  const row = id ? store.get(id) : undefined;
  if (!row) return notFoundResource();
  if (row.IsDeleted) return sfError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  const wanted = req.query.get('fields')?.split(',').filter(Boolean);
  const { schema } = store;
  const fields = wanted ? wanted.map((n) => schema.resolve(n)) : schema.fields;
  if (fields.some((f) => !f))
    return sfError(400, 'INVALID_FIELD', `No such column on sobject of type ${store.name}`);
  return json(200, projectRow(store.name, row, fields as NonNullable<(typeof fields)[number]>[], version));
}

function patchById(store: SObjectStore, id: string, req: FakeRequest, ctx: WriteContext): FakeResponse {
  const condition = req.headers['if-unmodified-since'];
  if (typeof condition === 'string') {
    const since = Date.parse(condition);
    if (Number.isNaN(since))
      return sfError(400, 'INVALID_HEADER_TYPE', `Invalid If-Unmodified-Since: ${condition}`);
    const row = store.get(id);
    const modified = row?.LastModifiedDate;
    if (row && !row.IsDeleted && typeof modified === 'number' && modified > since) {
      return sfError(412, 'PRECONDITION_FAILED', `The record has been modified since ${condition}`);
    }
  }
  const r = store.update(id, (req.body ?? {}) as Record<string, unknown>, ctx);
  const gone =
    !r.success && r.errors[0]?.statusCode === 'INVALID_CROSS_REFERENCE_KEY' && !r.errors[0]?.fields.length;
  if (gone) return notFoundResource();
  return r.success ? noContent() : failure(r);
}

function replication(
  org: FakeOrg,
  store: SObjectStore,
  req: FakeRequest,
  kind: 'updated' | 'deleted',
): FakeResponse {
  const start = Date.parse(req.query.get('start') ?? '');
  const end = Date.parse(req.query.get('end') ?? '');
  if (Number.isNaN(start) || Number.isNaN(end))
    return sfError(400, 'MISSING_ARGUMENT', 'start and end are required');
  const now = org.clock.nowMs();
  const window = kind === 'updated' ? 30 * DAY : 15 * DAY;
  // Seconds are ignored (a guess from the whole minutes latestDateCovered gives), and the start
  // must precede the end by more than a minute (getDeleted()/getUpdated(), "Rules and Guidelines").
  const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
  if (minute(end) - minute(start) <= 60_000)
    return sfError(400, 'INVALID_REPLICATION_DATE', 'startDate must precede endDate by more than one minute');
  if (kind === 'deleted' && minute(start) < store.deleteLogPurgedAt)
    return sfError(400, 'INVALID_REPLICATION_DATE', 'the delete log was purged after startDate');
  if (kind === 'updated' && start < now - window) {
    return sfError(400, 'INVALID_REPLICATION_DATE', 'startDate cannot be more than 30 days ago');
  }
  const latest = Math.floor(Math.min(end, now) / 60_000) * 60_000;
  const rows = [...store.rows.values()];
  if (kind === 'updated') {
    const ids = rows
      .filter(
        (r) =>
          !r.IsDeleted && (r.SystemModstamp as number) >= start && (r.SystemModstamp as number) <= latest,
      )
      .map((r) => r.Id);
    return json(200, { ids, latestDateCovered: formatSfDateTime(latest) });
  }
  const deletedRecords = rows
    .filter(
      (r) => r.IsDeleted && typeof r.DeletedAt === 'number' && r.DeletedAt >= start && r.DeletedAt <= latest,
    )
    .map((r) => ({ id: r.Id, deletedDate: formatSfDateTime(r.DeletedAt as number) }));
  for (const [id, at] of store.erasedAt)
    if (at >= start && at <= latest && now - at < window)
      deletedRecords.push({ id, deletedDate: formatSfDateTime(at) });
  return json(200, {
    deletedRecords,
    earliestDateAvailable: formatSfDateTime(now - window),
    latestDateCovered: formatSfDateTime(latest),
  });
}

function describe(store: SObjectStore, version: string): FakeResponse {
  const { schema } = store;
  return json(200, {
    name: schema.objectName,
    label: schema.objectName,
    keyPrefix: schema.keyPrefix,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    mergeable: true,
    urls: { sobject: `/services/data/v${version}/sobjects/${schema.objectName}` },
    fields: schema.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      length: f.length,
      createable: f.createable,
      updateable: f.updateable,
      nillable: f.nillable,
      externalId: f.externalId,
      unique: f.unique,
      caseSensitive: f.caseSensitive,
      idLookup: f.externalId || f.type === 'id',
      custom: f.name.endsWith('__c'),
      referenceTo: f.referenceTo ? [f.referenceTo] : [],
    })),
  });
}

export function sobjectRoute(org: FakeOrg, req: FakeRequest, rest: string, version: string): FakeResponse {
  const ctx = apiWriteContext(org, req, version);
  const parts = rest.split('/').slice(2).map(decodeURIComponent); // ['Contact', …]
  const store = org.storeFor(parts[0] ?? '');
  if (!store) return notFoundResource();
  const [, a, b] = parts;
  if (a === undefined || a === '') {
    if (req.method !== 'POST') return json(200, { objectDescribe: { name: store.name }, recentItems: [] });
    const r = store.create((req.body ?? {}) as Record<string, unknown>, ctx);
    return r.success ? json(201, { id: r.id, success: true, errors: [] }) : failure(r);
  }
  if (a === 'describe' && req.method === 'GET') return describe(store, version);
  if ((a === 'updated' || a === 'deleted') && req.method === 'GET' && !b)
    return replication(org, store, req, a);
  if (b === undefined) {
    if (req.method === 'GET') return getRecord(store, a, req, version);
    if (req.method === 'PATCH') return patchById(store, a, req, ctx);
    if (req.method === 'DELETE') {
      const r = store.remove(a, ctx);
      if (r.success) return noContent();
      const code = r.errors[0]?.statusCode;
      return code === 'INVALID_CROSS_REFERENCE_KEY' || code === 'MALFORMED_ID'
        ? notFoundResource()
        : failure(r);
    }
    return sfError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${req.method}' not allowed. Allowed are GET,PATCH,DELETE`,
    );
  }
  const ext = store.schema.externalIdField;
  if (!ext || a.toLowerCase() !== ext.toLowerCase()) return notFoundResource();
  if (req.method === 'GET')
    return getRecord(store, store.findLiveByKey(b)?.Id as string | undefined, req, version);
  if (req.method === 'PATCH') {
    const r = store.upsert(b, (req.body ?? {}) as Record<string, unknown>, ctx);
    if (!r.success) return failure(r);
    if (r.created) return json(201, { id: r.id, success: true, errors: [], created: true });
    return Number(version) >= 46
      ? json(200, { id: r.id, success: true, errors: [], created: false })
      : noContent();
  }
  return sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,PATCH`);
}
