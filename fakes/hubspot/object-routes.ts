/**
 * Single-object endpoints: list (the only way to see archived records), get, create (201),
 * update, archive (204) and merge. Paths are under /crm/v3/objects/{contacts|companies}.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { clashBody } from './batch-write.js';
import type { FakeContext } from './fake-context.js';
import { badRequest, notFound, propertyValidationError } from './fake-errors.js';
import type { ObjectStore, StoredRecord, WriteProblem } from './object-store.js';
import { isRecord, listParam, publicObject } from './wire.js';

function cursor(id: string): string {
  return Buffer.from(`c:${id}`).toString('base64url');
}

function fromCursor(after: string): number | undefined {
  const text = Buffer.from(after, 'base64url').toString('utf8');
  return text.startsWith('c:') ? Number(text.slice(2)) : undefined;
}

function conflictResponse(ctx: FakeContext, store: ObjectStore, p: WriteProblem): FakeResponse {
  if (p.kind === 'invalid') return propertyValidationError(p.issues);
  return { status: 409, body: clashBody(ctx.duplicateBody, store.schema.noun, p) };
}

export function listObjects(store: ObjectStore, req: FakeRequest): FakeResponse {
  const limit = req.query.has('limit') ? Number(req.query.get('limit')) : 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    return badRequest(`limit must be between 1 and 100 (got ${req.query.get('limit')})`);
  const archived = req.query.get('archived') === 'true';
  const after = req.query.get('after');
  const start = after ? fromCursor(after) : 0;
  if (start === undefined || Number.isNaN(start)) return badRequest(`Invalid after cursor: ${after}`);
  const properties = listParam(req.query, 'properties');
  // Ids are handed out in increasing order and the Map keeps insertion order: no sort needed.
  const page: StoredRecord[] = [];
  let next: StoredRecord | undefined;
  for (const c of store.records.values()) {
    if (c.archived !== archived || Number(c.id) < start || store.purged(c)) continue;
    if (page.length === limit) {
      next = c;
      break;
    }
    page.push(c);
  }
  return {
    status: 200,
    body: {
      results: page.map((c) => publicObject(store, c, properties)),
      ...(next ? { paging: { next: { after: cursor(next.id), link: `?after=${cursor(next.id)}` } } } : {}),
    },
  };
}

export function getObject(store: ObjectStore, req: FakeRequest, id: string): FakeResponse {
  const archived = req.query.get('archived') === 'true';
  const idProperty = req.query.get('idProperty') ?? undefined;
  // By record id, an id merged away answers with the merged record (and its new id).
  const byId = idProperty === undefined || idProperty === 'hs_object_id';
  const c = archived ? store.getArchived(id) : byId ? store.resolveMerged(id) : store.resolve(id, idProperty);
  if (!c) return notFound();
  return { status: 200, body: publicObject(store, c, listParam(req.query, 'properties')) };
}

function propertiesOf(body: unknown): Record<string, string | null> | undefined {
  return isRecord(body) && isRecord(body.properties)
    ? (body.properties as Record<string, string | null>)
    : undefined;
}

export function createObject(ctx: FakeContext, store: ObjectStore, req: FakeRequest): FakeResponse {
  const props = propertiesOf(req.body);
  if (!props) return badRequest('properties is required');
  const issues = store.validate(props);
  if (issues.length > 0) return propertyValidationError(issues);
  const clash = store.conflict(props);
  if (clash) return conflictResponse(ctx, store, clash);
  const c = store.create(props);
  return { status: 201, body: publicObject(store, c, Object.keys(props)) };
}

export function updateObject(
  ctx: FakeContext,
  store: ObjectStore,
  req: FakeRequest,
  id: string,
): FakeResponse {
  const props = propertiesOf(req.body);
  if (!props) return badRequest('properties is required');
  const c = store.resolve(id, req.query.get('idProperty') ?? undefined);
  if (!c) return notFound();
  const issues = store.validate(props);
  if (issues.length > 0) return propertyValidationError(issues);
  const clash = store.conflict(props, c.id);
  if (clash) return conflictResponse(ctx, store, clash);
  store.update(c, props);
  return { status: 200, body: publicObject(store, c, Object.keys(props)) };
}

export function archiveObject(store: ObjectStore, id: string): FakeResponse {
  const c = store.getLive(id);
  if (c) store.archive(c);
  return { status: 204 };
}

export function mergeObjects(store: ObjectStore, body: unknown): FakeResponse {
  const { noun } = store.schema;
  if (!isRecord(body) || body.primaryObjectId === undefined || body.objectIdToMerge === undefined)
    return badRequest('primaryObjectId and objectIdToMerge are required');
  const primaryId = String(body.primaryObjectId);
  const otherId = String(body.objectIdToMerge);
  if (primaryId === otherId) return badRequest(`Cannot merge a ${noun} with itself`);
  const primary = store.getLive(primaryId);
  const other = store.getLive(otherId);
  if (!primary || !other)
    return notFound(
      `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${primary ? otherId : primaryId} not found`,
    );
  const survivor = store.merge(primary, other);
  return { status: 200, body: publicObject(store, survivor, undefined) };
}
