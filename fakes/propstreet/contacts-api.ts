/**
 * The /api/v1/network/contacts endpoints, after authentication and rate limiting (server.ts).
 * Each answer follows the API reference at docs.propstreet.com; see README.md beside this file.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { applyWrite, dataOf, EMPTY_DATA, hasIdentifier } from './contact-apply.js';
import type { FakeContact, FakeExternalRef, ValidWrite } from './contact-types.js';
import { refKey, validateWrite, type WriteMode } from './contact-validation.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { canonicalUtc } from './fake-time.js';
import { problem, validationProblem } from './problem.js';
import type { ContactStore, StoreOutcome } from './store.js';

export const CONTACTS_PATH = '/api/v1/network/contacts';
const PAGE_SIZE = /^-?(?:0|[1-9]\d*)$/;

/** Faults beyond the shared injector's, set through the fake's control surface. */
export interface ContactKnobs {
  /** Body members every write drops silently (a 2xx that does not apply them). */
  readonly ignoredMembers: Set<string>;
}

export function handleContacts(
  store: ContactStore,
  req: FakeRequest,
  origin: string,
  knobs: ContactKnobs,
): FakeResponse {
  const rest = req.path.slice(CONTACTS_PATH.length);
  const segments = rest
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  const m = req.method;
  if (segments.length === 0) {
    if (m === 'GET') return list(store, req);
    if (m === 'POST') return create(store, req, origin, knobs);
  } else if (segments[0] === 'external' && segments.length === 3) {
    const [, ns = '', id = ''] = segments;
    if (m === 'GET') return getByRef(store, req, ns, id);
    if (m === 'PATCH') return upsert(store, req, origin, ns, id, knobs);
  } else if (segments.length === 1) {
    const id = segments[0] ?? '';
    if (m === 'GET') return getOne(store, req, id);
    if (m === 'PATCH') return patch(store, req, origin, id, knobs);
    if (m === 'DELETE') return remove(store, req, origin, id);
  } else {
    return problem(404, 'No such resource.', req.path);
  }
  return problem(405, `${m} is not allowed on ${req.path}.`, req.path);
}

function list(store: ContactStore, req: FakeRequest): FakeResponse {
  const errors: Record<string, string[]> = {};
  const q = req.query;
  let size = 500;
  const ps = q.get('page_size');
  if (ps !== null && ps !== '') {
    if (!PAGE_SIZE.test(ps)) errors.page_size = [`The value '${ps}' is not valid.`];
    else if (Number(ps) < 1 || Number(ps) > 500) errors.page_size = ['page_size must be between 1 and 500.'];
    else size = Number(ps);
  }
  let includeDeleted = false;
  const inc = q.get('include_deleted');
  if (inc !== null && inc !== '') {
    if (!/^(true|false)$/i.test(inc)) errors.include_deleted = [`The value '${inc}' is not valid.`];
    else includeDeleted = inc.toLowerCase() === 'true';
  }
  let since: string | undefined;
  const us = q.get('updated_since');
  if (us !== null && us !== '') {
    const c = canonicalUtc(us);
    if (c === null) errors.updated_since = [`The value '${us}' is not a valid ISO 8601 date-time.`];
    else since = c;
  }
  const rawCursor = q.get('cursor');
  const cursor = rawCursor ? decodeCursor(rawCursor) : null;
  if (rawCursor && !cursor) errors.cursor = ['The cursor is invalid or expired.'];
  if (Object.keys(errors).length > 0) return validationProblem(req.path, errors);

  const rows = store.list({
    ...(since !== undefined ? { since } : {}),
    ...(cursor ? { cursor } : {}),
    includeDeleted,
    limit: size + 1,
  });
  const hasMore = rows.length > size;
  const data = hasMore ? rows.slice(0, size) : rows;
  const last = data[data.length - 1];
  const nextCursor = hasMore && last ? encodeCursor({ u: last.updatedUtc, n: Number(last.id) }) : null;
  return { status: 200, body: { data, page: { nextCursor, hasMore, pageSize: data.length } } };
}

function found(c: FakeContact | undefined): c is FakeContact {
  return c !== undefined && c.deletedUtc === null;
}

function ok(status: number, c: FakeContact, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { ETag: c.etag, ...headers }, body: c };
}

function getOne(store: ContactStore, req: FakeRequest, id: string): FakeResponse {
  const c = store.get(id);
  return found(c) ? ok(200, c) : problem(404, `Contact ${id} not found.`, req.path);
}

function getByRef(store: ContactStore, req: FakeRequest, ns: string, id: string): FakeResponse {
  const c = store.byRef(ns, id);
  return found(c) ? ok(200, c) : problem(404, `No contact with external ref ${ns}/${id}.`, req.path);
}

/**
 * Parses and validates the JSON body, or answers 400. Members outside the operation's request
 * model are dropped without a word, as the reference says unknown members are.
 */
function body(req: FakeRequest, mode: WriteMode, knobs: ContactKnobs): ValidWrite | FakeResponse {
  if (req.bodyError !== undefined)
    return validationProblem(req.path, { $: [`The request body is not valid JSON: ${req.bodyError}`] });
  const v = validateWrite(req.body ?? {}, mode, knobs.ignoredMembers);
  return v.ok ? v.write : validationProblem(req.path, v.errors);
}

const isResponse = (x: ValidWrite | FakeResponse): x is FakeResponse =>
  typeof (x as FakeResponse).status === 'number' && 'body' in x;

const NO_IDENTIFIER = { contact: ['At least one of name, email or phone is required.'] };

function outcome(
  req: FakeRequest,
  o: StoreOutcome,
  status = 200,
  headers: Record<string, string> = {},
): FakeResponse {
  return o.ok ? ok(status, o.contact, headers) : failed(req, o);
}

function failed(req: FakeRequest, o: Extract<StoreOutcome, { ok: false }>): FakeResponse {
  return problem(o.status, o.detail, req.path, o.type ? { type: o.type } : {});
}

function create(store: ContactStore, req: FakeRequest, origin: string, knobs: ContactKnobs): FakeResponse {
  const w = body(req, 'create', knobs);
  if (isResponse(w)) return w;
  if (!hasIdentifier(applyWrite(EMPTY_DATA, w))) return validationProblem(req.path, NO_IDENTIFIER);
  const o = store.create(w, origin);
  return outcome(req, o, 201, o.ok ? { Location: `${CONTACTS_PATH}/${o.contact.id}` } : {});
}

function patch(
  store: ContactStore,
  req: FakeRequest,
  origin: string,
  id: string,
  knobs: ContactKnobs,
): FakeResponse {
  const w = body(req, 'patch', knobs);
  if (isResponse(w)) return w;
  const current = store.get(id);
  if (found(current) && !hasIdentifier(applyWrite(dataOf(current), w)))
    return validationProblem(req.path, NO_IDENTIFIER);
  const ifMatch = header(req, 'if-match');
  return outcome(req, store.update(id, w, origin, ifMatch !== undefined ? { ifMatch } : {}));
}

function remove(store: ContactStore, req: FakeRequest, origin: string, id: string): FakeResponse {
  const o = store.softDelete(id, origin, header(req, 'if-match'));
  return o.ok ? { status: 204 } : failed(req, o);
}

function upsert(
  store: ContactStore,
  req: FakeRequest,
  origin: string,
  ns: string,
  extId: string,
  knobs: ContactKnobs,
): FakeResponse {
  const errors: Record<string, string[]> = {};
  if (ns.length > 50) errors.namespace = ['namespace must be at most 50 characters.'];
  if (extId.length > 255) errors.id = ['id must be at most 255 characters.'];
  const match = req.query.get('match');
  if (match !== null && match !== '' && match !== 'email') errors.match = ["match must be 'email'."];
  const reviveRaw = req.query.get('revive');
  if (reviveRaw !== null && reviveRaw !== '' && !/^(true|false)$/i.test(reviveRaw))
    errors.revive = [`The value '${reviveRaw}' is not valid.`];
  if (Object.keys(errors).length > 0) return validationProblem(req.path, errors);
  const revive = reviveRaw === null || reviveRaw === '' || reviveRaw.toLowerCase() === 'true';
  const w = body(req, 'upsert', knobs);
  if (isResponse(w)) return w;
  const ref: FakeExternalRef = { namespace: ns, id: extId };
  const withRef = (refs: FakeExternalRef[]): FakeExternalRef[] =>
    refs.some((r) => refKey(r.namespace, r.id) === refKey(ns, extId)) ? refs : [...refs, ref];

  const holder = store.byRef(ns, extId);
  if (holder && (holder.deletedUtc === null || revive)) {
    const write = { ...w, externalRefs: withRef(holder.externalRefs) };
    const action = holder.deletedUtc === null ? 'updated' : 'revived';
    return outcome(req, store.update(holder.id, write, origin, { revive: true }), 200, {
      'X-Propstreet-Upsert-Action': action,
    });
  }
  const email = w.email ?? w.emails?.[0]?.address;
  const byEmail = match === 'email' && email ? store.liveByEmail(email) : undefined;
  if (byEmail) {
    const write = { ...w, externalRefs: withRef(byEmail.externalRefs) };
    return outcome(req, store.update(byEmail.id, write, origin), 200, {
      'X-Propstreet-Upsert-Action': 'updated',
    });
  }
  const write = { ...w, externalRefs: [ref] };
  if (!hasIdentifier(applyWrite(EMPTY_DATA, write))) return validationProblem(req.path, NO_IDENTIFIER);
  const o = store.create(write, origin);
  const headers: Record<string, string> = { 'X-Propstreet-Upsert-Action': 'created' };
  if (o.ok) headers.Location = `${CONTACTS_PATH}/${o.contact.id}`;
  return outcome(req, o, 201, headers);
}

function header(req: FakeRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}
