/**
 * The fake's control surface over HTTP, for the demo and child processes that cannot reach
 * the in-process object. No auth, no rate limit. Routes (JSON in and out):
 *
 *   POST   /__control/reset
 *   POST   /__control/seed             {contacts?: SeedContact[], companies?: SeedCompany[],
 *                                        links?: SeedLink[], generate?: {count, ...GenerateOptions}}
 *   GET    /__control/contacts         every contact, deleted included
 *   GET    /__control/contacts/{id}
 *   POST   /__control/contacts/{id}/edit     a ContactWrite patch, as a UI user
 *   POST   /__control/contacts/{id}/delete   as a UI user
 *   GET    /__control/companies        every company, deleted included
 *   GET    /__control/companies/{id}
 *   POST   /__control/companies/{id}/edit    a company write, as a UI user
 *   POST   /__control/companies/{id}/delete  as a UI user
 *   GET    /__control/links            every link, deleted included
 *   POST   /__control/links            {contactId, companyId, jobTitle?, isPrimary?}, as a UI user
 *   POST   /__control/links/{id}/edit  {jobTitle?, isPrimary?}, as a UI user
 *   POST   /__control/links/{id}/delete  as a UI user
 *   POST   /__control/relation-bumps   {mode: 'own'|'related'}
 *   POST   /__control/clock            {now: iso|null} and/or {advanceMs}
 *   POST   /__control/rate-limit       {limit, windowMs?}
 *   POST   /__control/tokens           {token}
 *   POST   /__control/stale-etag-status {status: 409|412}
 *   POST   /__control/ignore-members   {members: string[]}  ([] ends it)
 *   POST   /__control/batch-upsert     {missing?: 404|405|null, failItems?: string[], status?: number}
 *   POST   /__control/faults           a FaultRule, or {rules: FaultRule[]}; `pathRegex` for a RegExp path
 *   DELETE /__control/faults
 *   GET    /__control/requests         the request log (API calls only unless ?all=1)
 */
import type { FaultRule } from '../shared/faults.js';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import type { SeedCompany, SeedLink, ValidCompanyWrite } from './company-types.js';
import type { SeedContact, ValidWrite } from './contact-types.js';
import type { GenerateOptions } from './generate.js';
import type { PropstreetFake } from './server.js';

export const CONTROL_PATH = '/__control';

type Json = Record<string, unknown>;

export function handleControl(fake: PropstreetFake, req: FakeRequest): FakeResponse {
  try {
    return route(fake, req);
  } catch (e) {
    return { status: 400, body: { error: (e as Error).message } };
  }
}

function route(fake: PropstreetFake, req: FakeRequest): FakeResponse {
  const parts = req.path.slice(CONTROL_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
  const body = (req.body ?? {}) as Json;
  const key = `${req.method} ${parts[0] ?? ''}`;
  switch (key) {
    case 'POST reset':
      fake.reset();
      return { status: 200, body: { ok: true } };
    case 'POST seed': {
      let count = 0;
      if (Array.isArray(body.companies)) fake.seedCompanies(body.companies as SeedCompany[]);
      if (Array.isArray(body.contacts)) count += fake.seed(body.contacts as SeedContact[]).length;
      if (Array.isArray(body.links)) fake.seedLinks(body.links as SeedLink[]);
      const gen = body.generate as (GenerateOptions & { count?: number }) | undefined;
      if (gen?.count) count += fake.generate(gen.count, gen);
      return { status: 200, body: { count } };
    }
    case 'GET contacts': {
      const id = parts[1];
      if (id === undefined) return { status: 200, body: fake.allContacts() };
      const c = fake.contact(id);
      return c ? { status: 200, body: c } : { status: 404, body: { error: `no contact ${id}` } };
    }
    case 'POST contacts': {
      const [, id = '', action] = parts;
      if (action === 'edit') return { status: 200, body: fake.editAsUser(id, body as ValidWrite) };
      if (action === 'delete') return { status: 200, body: fake.deleteAsUser(id) };
      break;
    }
    case 'GET companies': {
      const id = parts[1];
      if (id === undefined) return { status: 200, body: fake.allCompanies() };
      const k = fake.company(id);
      return k ? { status: 200, body: k } : { status: 404, body: { error: `no company ${id}` } };
    }
    case 'POST companies': {
      const [, id = '', action] = parts;
      if (action === 'edit')
        return { status: 200, body: fake.editCompanyAsUser(id, body as ValidCompanyWrite) };
      if (action === 'delete') return { status: 200, body: fake.deleteCompanyAsUser(id) };
      break;
    }
    case 'GET links':
      return { status: 200, body: fake.allLinks() };
    case 'POST links': {
      const [, id, action] = parts;
      const patch = linkPatch(body);
      if (id === undefined)
        return { status: 200, body: fake.linkAsUser(String(body.contactId), String(body.companyId), patch) };
      if (action === 'edit') return { status: 200, body: fake.editLinkAsUser(id, patch) };
      if (action === 'delete') return { status: 200, body: fake.unlinkAsUser(id) };
      break;
    }
    case 'POST relation-bumps':
      if (body.mode !== 'own' && body.mode !== 'related') throw new Error("mode must be 'own' or 'related'");
      fake.setRelationBumps(body.mode);
      return { status: 200, body: { ok: true } };
    case 'POST clock':
      if ('now' in body) fake.setClock((body.now as string | null) ?? null);
      if (typeof body.advanceMs === 'number') fake.advanceClock(body.advanceMs);
      return { status: 200, body: { ok: true } };
    case 'POST rate-limit':
      fake.setRateLimit(Number(body.limit), body.windowMs === undefined ? undefined : Number(body.windowMs));
      return { status: 200, body: { ok: true } };
    case 'POST tokens':
      fake.addToken(String(body.token));
      return { status: 200, body: { ok: true } };
    case 'POST stale-etag-status': {
      const status = Number(body.status);
      if (status !== 409 && status !== 412) throw new Error('status must be 409 or 412');
      fake.setStaleEtagStatus(status);
      return { status: 200, body: { ok: true } };
    }
    case 'POST ignore-members':
      if (!Array.isArray(body.members) || body.members.some((m) => typeof m !== 'string'))
        throw new Error('members must be an array of strings');
      fake.ignoreWriteMembers(body.members as string[]);
      return { status: 200, body: { ok: true } };
    case 'POST batch-upsert':
      if (body.missing !== undefined) {
        if (body.missing !== null && body.missing !== 404 && body.missing !== 405)
          throw new Error('missing must be 404, 405 or null');
        fake.setBatchUpsertMissing(body.missing);
      }
      if (body.failItems !== undefined) {
        if (!Array.isArray(body.failItems) || body.failItems.some((m) => typeof m !== 'string'))
          throw new Error('failItems must be an array of strings');
        fake.failBatchItems(body.failItems as string[], typeof body.status === 'number' ? body.status : 400);
      }
      return { status: 200, body: { ok: true } };
    case 'POST faults': {
      const rules = Array.isArray(body.rules) ? (body.rules as Json[]) : [body];
      for (const r of rules) fake.http.faults.add(toRule(r));
      return { status: 200, body: { added: rules.length } };
    }
    case 'DELETE faults':
      fake.http.faults.clear();
      return { status: 200, body: { ok: true } };
    case 'GET requests':
      return { status: 200, body: req.query.get('all') ? fake.http.requests : fake.apiRequests() };
  }
  return { status: 404, body: { error: `unknown control route ${req.method} ${req.path}` } };
}

function toRule(r: Json): FaultRule {
  const { pathRegex, ...rest } = r;
  return {
    ...(rest as unknown as FaultRule),
    ...(typeof pathRegex === 'string' ? { path: new RegExp(pathRegex) } : {}),
  };
}

function linkPatch(body: Json): { jobTitle?: string | null; isPrimary?: boolean } {
  return {
    ...(typeof body.jobTitle === 'string' || body.jobTitle === null ? { jobTitle: body.jobTitle } : {}),
    ...(typeof body.isPrimary === 'boolean' ? { isPrimary: body.isPrimary } : {}),
  };
}
