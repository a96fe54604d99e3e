/**
 * The /api/v1/network/companies endpoints, after authentication and rate limiting (server.ts).
 * PATCH by id, its If-Match and the request models are the reference's
 * (docs.propstreet.com/api-reference/tag/companies/patch/api/v1/network/companies/id, model
 * CreateCompanyRequest / UpdateCompanyRequest / Company). The list, GET, POST, DELETE and the
 * external-ref lookup and upsert follow the contacts' pages by analogy: their company pages
 * were not found (docs/VENDOR-BEHAVIOUR.md marks each).
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { failed, header, isAnswer, jsonBody, notAllowed, recordAnswer, segmentsBelow } from './answers.js';
import type { FakeCompany, ValidCompanyWrite } from './company-types.js';
import { type CompanyWriteMode, validateCompanyWrite } from './company-validation.js';
import type { FakeExternalRef } from './contact-types.js';
import type { ContactKnobs } from './contacts-api.js';
import { refKey } from './field-checks.js';
import { isListQuery, pageAnswer, parseListQuery } from './list-query.js';
import type { FakeNetwork } from './network.js';
import { problem, validationProblem } from './problem.js';
import type { Outcome } from './versioned-store.js';

export const COMPANIES_PATH = '/api/v1/network/companies';

export function handleCompanies(
  net: FakeNetwork,
  req: FakeRequest,
  origin: string,
  knobs: ContactKnobs,
): FakeResponse {
  const segments = segmentsBelow(req, COMPANIES_PATH);
  const m = req.method;
  if (segments.length === 0) {
    if (m === 'GET') {
      const q = parseListQuery(req);
      return isListQuery(q) ? pageAnswer(net.companies.list(q), q, (k) => net.companyView(k)) : q;
    }
    if (m === 'POST') return create(net, req, origin, knobs);
  } else if (segments[0] === 'external' && segments.length === 3) {
    const [, ns = '', id = ''] = segments;
    if (m === 'GET') {
      const k = net.companies.byRef(ns, id);
      return found(k)
        ? shown(net, 200, k)
        : problem(404, `No company with external ref ${ns}/${id}.`, req.path);
    }
    if (m === 'PATCH') return upsert(net, req, origin, ns, id, knobs);
  } else if (segments.length === 1) {
    const id = segments[0] ?? '';
    if (m === 'GET') {
      const k = net.companies.get(id);
      return found(k) ? shown(net, 200, k) : problem(404, `Company ${id} not found.`, req.path);
    }
    if (m === 'PATCH') return patch(net, req, origin, id, knobs);
    if (m === 'DELETE') {
      const o = net.deleteCompany(id, origin, header(req, 'if-match'));
      return o.ok ? { status: 204 } : failed(req, o);
    }
  } else {
    return problem(404, 'No such resource.', req.path);
  }
  return notAllowed(req);
}

function found(k: FakeCompany | undefined): k is FakeCompany {
  return k !== undefined && k.deletedUtc === null;
}

const shown = (net: FakeNetwork, status: number, k: FakeCompany, headers: Record<string, string> = {}) =>
  recordAnswer(status, k, (r) => net.companyView(r), headers);

function body(
  req: FakeRequest,
  mode: CompanyWriteMode,
  knobs: ContactKnobs,
): ValidCompanyWrite | FakeResponse {
  const json = jsonBody(req);
  if (isAnswer(json)) return json;
  const v = validateCompanyWrite(json.body, mode, knobs.ignoredMembers);
  return v.ok ? v.write : validationProblem(req.path, v.errors);
}

/** Writes a company and answers; `before` lets the network bump what shows its name. */
function written(
  net: FakeNetwork,
  req: FakeRequest,
  origin: string,
  before: FakeCompany | undefined,
  o: Outcome<FakeCompany>,
  status = 200,
  headers: Record<string, string> = {},
): FakeResponse {
  net.companyWritten(before, o, origin);
  return o.ok ? shown(net, status, o.record, headers) : failed(req, o);
}

function create(net: FakeNetwork, req: FakeRequest, origin: string, knobs: ContactKnobs): FakeResponse {
  const w = body(req, 'create', knobs);
  if (isAnswer(w)) return w;
  const o = net.companies.create(w, origin);
  return written(
    net,
    req,
    origin,
    undefined,
    o,
    201,
    o.ok ? { Location: `${COMPANIES_PATH}/${o.record.id}` } : {},
  );
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
  const ifMatch = header(req, 'if-match');
  const before = net.companies.get(id);
  return written(
    net,
    req,
    origin,
    before,
    net.companies.update(id, w, origin, ifMatch !== undefined ? { ifMatch } : {}),
  );
}

/**
 * By analogy with the contacts' upsert: `X-Propstreet-Upsert-Action`, `revive` (default true),
 * `Location` on 201, the path ref added to the company's refs. No `match` mode is documented
 * for companies (the duplicate finder is a separate call), so one sent is a 400 (a guess).
 */
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
  if (match !== null && match !== '') errors.match = ['match is not supported for companies.'];
  const reviveRaw = req.query.get('revive');
  if (reviveRaw !== null && reviveRaw !== '' && !/^(true|false)$/i.test(reviveRaw))
    errors.revive = [`The value '${reviveRaw}' is not valid.`];
  if (Object.keys(errors).length > 0) return validationProblem(req.path, errors);
  const revive = reviveRaw === null || reviveRaw === '' || reviveRaw.toLowerCase() === 'true';
  const w = body(req, 'upsert', knobs);
  if (isAnswer(w)) return w;
  const ref: FakeExternalRef = { namespace: ns, id: extId };

  const holder = net.companies.byRef(ns, extId);
  if (holder && (holder.deletedUtc === null || revive)) {
    const refs = holder.externalRefs.some((r) => refKey(r.namespace, r.id) === refKey(ns, extId))
      ? holder.externalRefs
      : [...holder.externalRefs, ref];
    const action = holder.deletedUtc === null ? 'updated' : 'revived';
    const o = net.companies.update(holder.id, { ...w, externalRefs: refs }, origin, { revive: true });
    return written(net, req, origin, holder, o, 200, { 'X-Propstreet-Upsert-Action': action });
  }
  if (w.name === undefined) return validationProblem(req.path, { name: ['The name field is required.'] });
  const o = net.companies.create({ ...w, externalRefs: [ref] }, origin);
  const headers: Record<string, string> = { 'X-Propstreet-Upsert-Action': 'created' };
  if (o.ok) headers.Location = `${COMPANIES_PATH}/${o.record.id}`;
  return written(net, req, origin, undefined, o, 201, headers);
}
