/**
 * The /api/v1/network/contacts endpoints, after authentication and rate limiting (server.ts).
 * Each answer follows the API reference at docs.propstreet.com; see README.md beside this file.
 * Contacts are shown through the network (their companies come from links) and deleted
 * through it (their links go with them).
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { failed, header, isAnswer, jsonBody, notAllowed, recordAnswer, segmentsBelow } from './answers.js';
import { applyWrite, dataOf, EMPTY_DATA, hasIdentifier } from './contact-apply.js';
import type { FakeContact, ValidWrite } from './contact-types.js';
import { NO_IDENTIFIER, upsertContact } from './contact-upsert.js';
import { validateWrite, type WriteMode } from './contact-validation.js';
import { BATCH_UPSERT_PATH, type BatchKnobs, handleBatchUpsert } from './contacts-batch.js';
import { isListQuery, pageAnswer, parseListQuery } from './list-query.js';
import type { FakeNetwork } from './network.js';
import { problem, validationProblem } from './problem.js';
import type { Outcome } from './versioned-store.js';

export const CONTACTS_PATH = '/api/v1/network/contacts';

/** Faults beyond the shared injector's, set through the fake's control surface. */
export interface ContactKnobs {
  /** Body members every write drops silently (a 2xx that does not apply them). */
  readonly ignoredMembers: Set<string>;
  /** How the (guessed) batch upsert path answers (contacts-batch.ts). */
  readonly batch: BatchKnobs;
}

export function handleContacts(
  net: FakeNetwork,
  req: FakeRequest,
  origin: string,
  knobs: ContactKnobs,
): FakeResponse {
  if (req.path === BATCH_UPSERT_PATH) return handleBatchUpsert(net, req, origin, knobs);
  const segments = segmentsBelow(req, CONTACTS_PATH);
  const m = req.method;
  if (segments.length === 0) {
    if (m === 'GET') return list(net, req);
    if (m === 'POST') return create(net, req, origin, knobs);
  } else if (segments[0] === 'external' && segments.length === 3) {
    const [, ns = '', id = ''] = segments;
    if (m === 'GET') return getByRef(net, req, ns, id);
    if (m === 'PATCH') return upsert(net, req, origin, ns, id, knobs);
  } else if (segments.length === 1) {
    const id = segments[0] ?? '';
    if (m === 'GET') return getOne(net, req, id);
    if (m === 'PATCH') return patch(net, req, origin, id, knobs);
    if (m === 'DELETE') return remove(net, req, origin, id);
  } else {
    return problem(404, 'No such resource.', req.path);
  }
  return notAllowed(req);
}

function list(net: FakeNetwork, req: FakeRequest): FakeResponse {
  const q = parseListQuery(req);
  if (!isListQuery(q)) return q;
  return pageAnswer(net.contacts.list(q), q, (c) => net.contactView(c));
}

function found(c: FakeContact | undefined): c is FakeContact {
  return c !== undefined && c.deletedUtc === null;
}

function getOne(net: FakeNetwork, req: FakeRequest, id: string): FakeResponse {
  const c = net.contacts.get(id);
  return found(c) ? shown(net, 200, c) : problem(404, `Contact ${id} not found.`, req.path);
}

function getByRef(net: FakeNetwork, req: FakeRequest, ns: string, id: string): FakeResponse {
  const c = net.contacts.byRef(ns, id);
  return found(c) ? shown(net, 200, c) : problem(404, `No contact with external ref ${ns}/${id}.`, req.path);
}

const shown = (net: FakeNetwork, status: number, c: FakeContact, headers: Record<string, string> = {}) =>
  recordAnswer(status, c, (r) => net.contactView(r), headers);

/**
 * Parses and validates the JSON body, or answers 400. Members outside the operation's request
 * model are dropped without a word, as the reference says unknown members are.
 */
function body(req: FakeRequest, mode: WriteMode, knobs: ContactKnobs): ValidWrite | FakeResponse {
  const json = jsonBody(req);
  if (isAnswer(json)) return json;
  const v = validateWrite(json.body, mode, knobs.ignoredMembers);
  return v.ok ? v.write : validationProblem(req.path, v.errors);
}

function outcome(
  net: FakeNetwork,
  req: FakeRequest,
  o: Outcome<FakeContact>,
  status = 200,
  headers: Record<string, string> = {},
): FakeResponse {
  return o.ok ? shown(net, status, o.record, headers) : failed(req, o);
}

function create(net: FakeNetwork, req: FakeRequest, origin: string, knobs: ContactKnobs): FakeResponse {
  const w = body(req, 'create', knobs);
  if (isAnswer(w)) return w;
  if (!hasIdentifier(applyWrite(EMPTY_DATA, w))) return validationProblem(req.path, NO_IDENTIFIER);
  const o = net.contacts.create(w, origin);
  return outcome(net, req, o, 201, o.ok ? { Location: `${CONTACTS_PATH}/${o.record.id}` } : {});
}

function patch(
  net: FakeNetwork,
  req: FakeRequest,
  origin: string,
  id: string,
  knobs: ContactKnobs,
): FakeResponse {
  const w = body(req, 'patch', knobs);
  if (isAnswer(w)) return w;
  const current = net.contacts.get(id);
  if (found(current) && !hasIdentifier(applyWrite(dataOf(current), w)))
    return validationProblem(req.path, NO_IDENTIFIER);
  const ifMatch = header(req, 'if-match');
  return outcome(net, req, net.contacts.update(id, w, origin, ifMatch !== undefined ? { ifMatch } : {}));
}

function remove(net: FakeNetwork, req: FakeRequest, origin: string, id: string): FakeResponse {
  const o = net.deleteContact(id, origin, header(req, 'if-match'));
  return o.ok ? { status: 204 } : failed(req, o);
}

function upsert(
  net: FakeNetwork,
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
  if (isAnswer(w)) return w;
  const o = upsertContact(net, origin, { namespace: ns, id: extId }, w, { match: match === 'email', revive });
  if (!o.ok) return 'errors' in o ? validationProblem(req.path, o.errors) : failed(req, o);
  const headers: Record<string, string> = { 'X-Propstreet-Upsert-Action': o.action };
  if (o.status === 201) headers.Location = `${CONTACTS_PATH}/${o.record.id}`;
  return shown(net, o.status, o.record, headers);
}
