/**
 * The batch upsert of contacts by external ref, as the models document it
 * (docs.propstreet.com/api-reference/model/BatchUpsertContactsRequest, …/BatchUpsertItem,
 * …/BatchUpsertResult, …/BatchUpsertItemResult, …/BatchUpsertSummary). The reference names no
 * operation for these models: the path and method (`POST /api/v1/network/contacts/batch`) are
 * a GUESS, as are the request-level/item-level split of validation errors and the 200 status
 * of a batch whose items failed (docs/VENDOR-BEHAVIOUR.md). Each item is applied exactly like
 * the single PATCH upsert by external ref (contact-upsert.ts), in request order.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { isAnswer, jsonBody } from './answers.js';
import type { FieldErrors } from './contact-types.js';
import { type UpsertAction, upsertContact } from './contact-upsert.js';
import { validateWrite } from './contact-validation.js';
import type { FakeNetwork } from './network.js';
import { problem, validationProblem } from './problem.js';

/** The guessed path; change it here (and in the tenant's `propstreet.batchUpsertPath`). */
export const BATCH_UPSERT_PATH = '/api/v1/network/contacts/batch';
const MAX_ITEMS = 100;
/** The limits page: request bodies ≤ 10 MB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface BatchKnobs {
  /** Answer the batch path with this status instead (a server without the operation): 404 or 405. */
  missing: 404 | 405 | null;
  /** Items (by externalId) that fail with this status and an error, the others applied. */
  readonly failItems: Map<string, number>;
}

interface Item {
  readonly externalId: string;
  readonly clientRef: string | null;
  readonly data: unknown;
}

interface ItemResult {
  status: number;
  id: string | null;
  etag: string | null;
  action: UpsertAction | null;
  errors: { field: string | null; message: string }[] | null;
  clientRef: string | null;
}

export function handleBatchUpsert(
  net: FakeNetwork,
  req: FakeRequest,
  origin: string,
  knobs: { readonly batch: BatchKnobs; readonly ignoredMembers: ReadonlySet<string> },
): FakeResponse {
  if (knobs.batch.missing === 404) return problem(404, 'No such resource.', req.path);
  if (knobs.batch.missing === 405 || req.method !== 'POST')
    return problem(405, `${req.method} is not allowed on ${req.path}.`, req.path);
  const json = jsonBody(req);
  if (isAnswer(json)) return json;
  if (Buffer.byteLength(JSON.stringify(json.body)) > MAX_BODY_BYTES)
    return problem(413, 'The request body exceeds 10 MB.', req.path);
  const parsed = parseRequest(json.body);
  if ('errors' in parsed) return validationProblem(req.path, parsed.errors);
  const { namespace, match, revive, items } = parsed;
  const results = items.map((item): ItemResult => {
    const base = { id: null, etag: null, action: null, clientRef: item.clientRef };
    const injected = knobs.batch.failItems.get(item.externalId);
    if (injected !== undefined)
      return {
        ...base,
        status: injected,
        errors: [{ field: null, message: `Injected failure (${injected}).` }],
      };
    const v = validateWrite(item.data, 'upsert', knobs.ignoredMembers);
    if (!v.ok) return { ...base, status: 400, errors: itemErrors(v.errors) };
    const o = upsertContact(net, origin, { namespace, id: item.externalId }, v.write, { match, revive });
    if (!o.ok)
      return {
        ...base,
        status: o.status,
        errors: 'errors' in o ? itemErrors(o.errors) : [{ field: null, message: o.detail }],
      };
    return {
      ...base,
      status: o.status,
      id: o.record.id,
      etag: o.record.etag,
      action: o.action,
      errors: null,
    };
  });
  const count = (a: UpsertAction) => results.filter((r) => r.action === a).length;
  return {
    status: 200,
    body: {
      results,
      summary: {
        total: results.length,
        created: count('created'),
        updated: count('updated'),
        revived: count('revived'),
        failed: results.filter((r) => r.errors !== null).length,
      },
    },
  };
}

const itemErrors = (errors: FieldErrors) =>
  Object.entries(errors).flatMap(([field, messages]) => messages.map((message) => ({ field, message })));

type Parsed = { namespace: string; match: boolean; revive: boolean; items: Item[] } | { errors: FieldErrors };

/** The request model's own constraints; any breach rejects the whole request (a guess). */
function parseRequest(body: unknown): Parsed {
  const errors: FieldErrors = {};
  const fail = (field: string, message: string) => {
    errors[field] = [...(errors[field] ?? []), message];
  };
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { errors: { $: ['The request body must be a JSON object.'] } };
  const b = body as Record<string, unknown>;
  const namespace = b.namespace;
  if (typeof namespace !== 'string' || namespace.length === 0)
    fail('namespace', 'The namespace field is required.');
  else if (namespace.length > 50) fail('namespace', 'namespace must be at most 50 characters.');
  if (b.match !== undefined && b.match !== null && b.match !== 'email')
    fail('match', "match must be 'email'.");
  if (b.revive !== undefined && typeof b.revive !== 'boolean') fail('revive', 'revive must be a boolean.');
  const items: Item[] = [];
  if (!Array.isArray(b.items)) fail('items', 'The items field is required.');
  else if (b.items.length > MAX_ITEMS) fail('items', `Maximum ${MAX_ITEMS} items per batch.`);
  else
    for (const [i, raw] of b.items.entries()) {
      const at = `items[${i}]`;
      if (raw === null || typeof raw !== 'object') {
        fail(at, 'Must be an object.');
        continue;
      }
      const it = raw as Record<string, unknown>;
      const { externalId, clientRef, data } = it;
      if (typeof externalId !== 'string' || externalId.length === 0)
        fail(`${at}.externalId`, 'The externalId field is required.');
      else if (externalId.length > 255)
        fail(`${at}.externalId`, 'externalId must be at most 255 characters.');
      if (
        clientRef !== undefined &&
        clientRef !== null &&
        (typeof clientRef !== 'string' || clientRef.length > 100)
      )
        fail(`${at}.clientRef`, 'clientRef must be a string of at most 100 characters or null.');
      if (data === null || typeof data !== 'object' || Array.isArray(data))
        fail(`${at}.data`, 'The data field is required.');
      items.push({
        externalId: String(externalId),
        clientRef: typeof clientRef === 'string' ? clientRef : null,
        data,
      });
    }
  if (Object.keys(errors).length > 0) return { errors };
  return { namespace: namespace as string, match: b.match === 'email', revive: b.revive !== false, items };
}
