/**
 * The /api/v1/network/links endpoints (docs.propstreet.com/api-reference/tag/links/…): the list
 * with `contact_id`/`company_id` filters, POST (CreateLinkRequest: `contactId`, `companyId`,
 * `jobTitle` ≤ 255), PATCH by id with If-Match required (`jobTitle`, `isPrimary`). DELETE is
 * not documented; it is served as the other V1 deletes are (204, soft, best-effort If-Match).
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { failed, header, isAnswer, jsonBody, notAllowed, recordAnswer, segmentsBelow } from './answers.js';
import type { FakeLink } from './company-types.js';
import type { FieldErrors } from './contact-types.js';
import { type BodyReader, NOT_AN_OBJECT, readBody } from './field-checks.js';
import { isListQuery, pageAnswer, parseListQuery } from './list-query.js';
import type { FakeNetwork, LinkPatch } from './network.js';
import { problem, validationProblem } from './problem.js';

export const LINKS_PATH = '/api/v1/network/links';

const same = (l: FakeLink) => l;

export function handleLinks(net: FakeNetwork, req: FakeRequest, origin: string): FakeResponse {
  const segments = segmentsBelow(req, LINKS_PATH);
  const m = req.method;
  if (segments.length === 0) {
    if (m === 'GET') return list(net, req);
    if (m === 'POST') return create(net, req, origin);
  } else if (segments.length === 1) {
    const id = segments[0] ?? '';
    if (m === 'PATCH') return patch(net, req, origin, id);
    if (m === 'DELETE') {
      const o = net.deleteLink(id, origin, header(req, 'if-match'));
      return o.ok ? { status: 204 } : failed(req, o);
    }
  } else {
    return problem(404, 'No such resource.', req.path);
  }
  return notAllowed(req);
}

function list(net: FakeNetwork, req: FakeRequest): FakeResponse {
  const q = parseListQuery(req);
  if (!isListQuery(q)) return q;
  const contactId = req.query.get('contact_id') || undefined;
  const companyId = req.query.get('company_id') || undefined;
  const filter =
    contactId === undefined && companyId === undefined
      ? undefined
      : (l: FakeLink) =>
          (contactId === undefined || l.contactId === contactId) &&
          (companyId === undefined || l.companyId === companyId);
  return pageAnswer(net.links.list(q, filter), q, same);
}

/** The body as a member map, or the 400 for a body that is not a JSON object. */
function members(req: FakeRequest, names: string[]): BodyReader | FakeResponse {
  const json = jsonBody(req);
  if (isAnswer(json)) return json;
  return readBody(json.body, new Set(names), new Set()) ?? validationProblem(req.path, NOT_AN_OBJECT);
}

function create(net: FakeNetwork, req: FakeRequest, origin: string): FakeResponse {
  const b = members(req, ['contactId', 'companyId', 'jobTitle']);
  if (isAnswer(b)) return b;
  const contactId = requiredId(b.input.contactId, 'contactId', b.errors);
  const companyId = requiredId(b.input.companyId, 'companyId', b.errors);
  const jobTitle = b.text('jobTitle', 255) ?? null;
  if (Object.keys(b.errors).length > 0 || contactId === undefined || companyId === undefined)
    return validationProblem(req.path, b.errors);
  const o = net.createLink(contactId, companyId, jobTitle, origin);
  return o.ok
    ? recordAnswer(201, o.record, same, { Location: `${LINKS_PATH}/${o.record.id}` })
    : failed(req, o);
}

function patch(net: FakeNetwork, req: FakeRequest, origin: string, id: string): FakeResponse {
  const b = members(req, ['jobTitle', 'isPrimary']);
  if (isAnswer(b)) return b;
  const body: { jobTitle?: string | null; isPrimary?: boolean | null } = {};
  const jobTitle = b.text('jobTitle', 255);
  if (jobTitle !== undefined) body.jobTitle = jobTitle;
  const isPrimary = b.input.isPrimary;
  if (isPrimary !== undefined && isPrimary !== null && typeof isPrimary !== 'boolean')
    b.fail('isPrimary', 'isPrimary must be true, false or null.');
  else if (isPrimary !== undefined) body.isPrimary = isPrimary;
  if (Object.keys(b.errors).length > 0) return validationProblem(req.path, b.errors);
  const o = net.patchLink(id, body satisfies LinkPatch, origin, header(req, 'if-match'));
  return o.ok ? recordAnswer(200, o.record, same) : failed(req, o);
}

function requiredId(value: unknown, field: string, errors: FieldErrors): string | undefined {
  if (typeof value === 'string' && value.trim().length > 0) return value;
  errors[field] = [`The ${field} field is required.`];
  return undefined;
}
