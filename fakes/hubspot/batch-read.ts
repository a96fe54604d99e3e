/**
 * Batch read (by id or by a unique `idProperty`) and batch archive. Ids not found come back
 * as one 207 OBJECT_NOT_FOUND error listing them in `context.ids`; an id that was merged
 * away returns the merged record (HubSpot's behaviour), so the result id can differ from the
 * one asked for.
 */
import type { FakeResponse } from '../shared/http-fake.js';
import { byTieRank, notFoundMessage } from './batch-common.js';
import { badRequest, errorBody } from './fake-errors.js';
import type { ObjectStore, StoredRecord } from './object-store.js';
import { isRecord, publicObject } from './wire.js';

function ids(body: unknown): string[] | FakeResponse {
  if (!isRecord(body) || !Array.isArray(body.inputs)) return badRequest('Request body needs an inputs array');
  if (body.inputs.length > 100)
    return badRequest(`Too many inputs (${body.inputs.length}); a batch takes at most 100.`);
  const out: string[] = [];
  for (const [i, raw] of body.inputs.entries()) {
    if (!isRecord(raw) || raw.id === undefined || raw.id === null)
      return badRequest(`inputs[${i}].id is required`);
    out.push(String(raw.id));
  }
  return out;
}

export function batchRead(store: ObjectStore, body: unknown, archived: boolean): FakeResponse {
  const wanted = ids(body);
  if (!Array.isArray(wanted)) return wanted;
  const b = body as Record<string, unknown>;
  const idProperty = typeof b.idProperty === 'string' ? b.idProperty : undefined;
  if (idProperty && idProperty !== 'hs_object_id' && !store.isUnique(idProperty))
    return badRequest(`Unable to read by non-unique property ${idProperty}`);
  const properties = Array.isArray(b.properties) ? b.properties.map(String) : undefined;
  const found = new Map<string, StoredRecord>();
  const missing: string[] = [];
  for (const id of wanted) {
    let c: StoredRecord | undefined;
    if (archived) c = idProperty ? undefined : store.getArchived(id);
    else {
      c = idProperty ? store.resolve(id, idProperty) : store.resolveMerged(id);
    }
    if (c) found.set(c.id, c);
    else missing.push(id);
  }
  const results = [...found.values()].map(
    (c) => publicObject(store, c, properties) as unknown as Record<string, unknown>,
  );
  results.sort(byTieRank);
  const now = new Date().toISOString();
  const errors =
    missing.length > 0
      ? [errorBody('OBJECT_NOT_FOUND', notFoundMessage(store.schema.noun), { context: { ids: missing } })]
      : [];
  return {
    status: errors.length > 0 ? 207 : 200,
    body: {
      status: 'COMPLETE',
      results,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      startedAt: now,
      completedAt: now,
    },
  };
}

/** Archive is idempotent: unknown or already archived ids are ignored, the answer is 204. */
export function batchArchive(store: ObjectStore, body: unknown): FakeResponse {
  const wanted = ids(body);
  if (!Array.isArray(wanted)) return wanted;
  for (const id of wanted) {
    const c = store.getLive(id);
    if (c) store.archive(c);
  }
  return { status: 204 };
}
