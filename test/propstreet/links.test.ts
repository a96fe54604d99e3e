/**
 * Links through the client against the fake: links are the truth of who works where, the
 * contact's companies[]/primaryCompanyId and the company's contacts[] are derived from them,
 * a PATCH needs If-Match, and what a change bumps follows the fake's relation mode.
 */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  type ValidationError,
} from '../../src/core/errors.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { LINKS_PATH } from '../../src/propstreet/links.js';
import { caught, clientFor, pagesOf } from './helpers.js';

let fake: PropstreetFake;
let client: PropstreetClient;

beforeAll(async () => {
  fake = await startPropstreetFake({ rateLimit: { limit: 1_000_000 } });
  client = clientFor(fake);
});

beforeEach(() => fake.reset());

afterAll(async () => {
  await client.close();
  await fake.close();
});

/** Two contacts and two companies, ids in order. */
async function world() {
  const [ada, bo] = fake.seed([
    { firstName: 'Ada', lastName: 'Lind', email: 'ada@example.com' },
    { firstName: 'Bo', email: 'bo@example.com' },
  ]);
  const acme = await client.createCompany({ name: 'Acme AB' });
  const beta = await client.createCompany({ name: 'Beta AB' });
  return { ada: ada?.id ?? '', bo: bo?.id ?? '', acme: acme.id, beta: beta.id };
}

const links = async (o: Parameters<PropstreetClient['listLinks']>[0] = {}) =>
  (await pagesOf(client.listLinks(o))).flatMap((p) => p.links);

async function raw(method: 'PATCH', path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${fake.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('derived from links', () => {
  it("a contact's first link is its primary company; companies[] and contacts[] show the links, primary first", async () => {
    const w = await world();
    const first = await client.createLink({ contactId: w.ada, companyId: w.acme, jobTitle: 'CFO' });
    expect(first).toMatchObject({
      contactId: w.ada,
      companyId: w.acme,
      jobTitle: 'CFO',
      changeType: 'create',
      deletedUtc: null,
    });
    await client.createLink({ contactId: w.ada, companyId: w.beta });
    await client.createLink({ contactId: w.bo, companyId: w.acme, jobTitle: 'Analyst' });

    const ada = await client.getContact(w.ada);
    expect(ada?.primaryCompanyId).toBe(w.acme);
    expect(ada?.companies).toEqual([
      { id: w.acme, uri: null, name: 'Acme AB', jobTitle: 'CFO', isPrimary: true },
      { id: w.beta, uri: null, name: 'Beta AB', jobTitle: null, isPrimary: false },
    ]);
    const acme = await client.getCompany(w.acme);
    expect(acme?.contacts.map((c) => [c.id, c.firstName, c.jobTitle, c.isPrimary])).toEqual([
      [w.ada, 'Ada', 'CFO', true],
      [w.bo, 'Bo', 'Analyst', true],
    ]);
    expect((await client.getCompany(w.beta))?.contacts).toEqual([
      {
        id: w.ada,
        uri: null,
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lind',
        jobTitle: null,
        isPrimary: false,
      },
    ]);
  });

  it('isPrimary moves the primary company; the contact shows it first', async () => {
    const w = await world();
    await client.createLink({ contactId: w.ada, companyId: w.acme });
    const second = await client.createLink({ contactId: w.ada, companyId: w.beta });
    const patched = await client.patchLink(second.id, { isPrimary: true }, { ifMatch: second.etag ?? '' });
    expect(patched.etag).not.toBe(second.etag);
    const ada = await client.getContact(w.ada);
    expect(ada?.primaryCompanyId).toBe(w.beta);
    expect(ada?.companies.map((c) => [c.id, c.isPrimary])).toEqual([
      [w.beta, true],
      [w.acme, false],
    ]);
    await client.patchLink(patched.id, { isPrimary: false }, { ifMatch: patched.etag ?? '' });
    expect((await client.getContact(w.ada))?.primaryCompanyId).toBeNull();
  });

  it('a deleted link leaves companies[]; the list shows it only with include_deleted', async () => {
    const w = await world();
    const link = await client.createLink({ contactId: w.ada, companyId: w.acme });
    await client.deleteLink(link.id, { ifMatch: link.etag ?? undefined });
    expect(await client.getContact(w.ada)).toMatchObject({ companies: [], primaryCompanyId: null });
    expect(await links()).toEqual([]);
    expect(await links({ includeDeleted: true })).toMatchObject([
      { id: link.id, changeType: 'delete', deletedUtc: expect.any(String) },
    ]);
  });

  it("a company's delete takes its links along, and the contacts lose it as primary", async () => {
    const w = await world();
    await client.createLink({ contactId: w.ada, companyId: w.acme });
    await client.createLink({ contactId: w.ada, companyId: w.beta });
    await client.deleteCompany(w.acme);
    expect(await client.getContact(w.ada)).toMatchObject({
      primaryCompanyId: null,
      companies: [{ id: w.beta, isPrimary: false }],
    });
    // Keyset order: the deleted link's new version comes last.
    const all = await links({ includeDeleted: true });
    expect(all.map((l) => [l.companyId, l.deletedUtc !== null])).toEqual([
      [w.beta, false],
      [w.acme, true],
    ]);
  });
});

describe('PATCH /links/{id} needs If-Match', () => {
  it('428 without If-Match, 412 with a stale one, 200 with the current one', async () => {
    const w = await world();
    const link = await client.createLink({ contactId: w.ada, companyId: w.acme });
    const path = `${LINKS_PATH}/${link.id}`;
    const none = await raw('PATCH', path, { jobTitle: 'CEO' });
    expect(none.status).toBe(428);
    expect(none.body).toMatchObject({
      status: 428,
      type: 'https://app.propstreet.com/help/precondition-required',
    });
    const ok = await client.patchLink(link.id, { jobTitle: 'CEO' }, { ifMatch: link.etag ?? '' });
    expect(ok.jobTitle).toBe('CEO');
    const e = await caught(() =>
      client.patchLink(link.id, { jobTitle: 'CTO' }, { ifMatch: link.etag ?? '' }),
    );
    expect(e).toBeInstanceOf(PreconditionFailedError);
    expect((e as PreconditionFailedError).request?.status).toBe(412);
    expect(fake.link(link.id)?.jobTitle).toBe('CEO');
  });
});

describe('what a relation change bumps', () => {
  it('by default a job title bumps only the link; a primary move also the contact; a rename only the company', async () => {
    const w = await world();
    const first = await client.createLink({ contactId: w.ada, companyId: w.acme });
    const second = await client.createLink({ contactId: w.ada, companyId: w.beta });
    const contactBefore = fake.contact(w.ada);
    const companyBefore = fake.company(w.acme);

    await client.patchLink(first.id, { jobTitle: 'COO' }, { ifMatch: first.etag ?? '' });
    expect(fake.contact(w.ada)?.etag).toBe(contactBefore?.etag);
    expect(fake.company(w.acme)?.etag).toBe(companyBefore?.etag);
    expect(fake.contact(w.ada)?.companies[0]?.jobTitle).toBe('COO');

    await client.patchLink(second.id, { isPrimary: true }, { ifMatch: second.etag ?? '' });
    expect(fake.contact(w.ada)).toMatchObject({ primaryCompanyId: w.beta, changeType: 'update' });
    expect(fake.contact(w.ada)?.etag).not.toBe(contactBefore?.etag);

    const contactNow = fake.contact(w.ada);
    await client.patchCompany(w.beta, { name: 'Beta Capital AB' }, {});
    expect(fake.contact(w.ada)?.etag).toBe(contactNow?.etag);
    expect(fake.contact(w.ada)?.companies[0]?.name).toBe('Beta Capital AB');
  });

  it("under 'related' a link change bumps the contact and the company, a rename the contacts", async () => {
    fake.setRelationBumps('related');
    const w = await world();
    const link = await client.createLink({ contactId: w.ada, companyId: w.acme });
    const contact = fake.contact(w.ada);
    const company = fake.company(w.acme);
    const since = link.updatedUtc;
    await client.patchLink(link.id, { jobTitle: 'CIO' }, { ifMatch: link.etag ?? '' });
    expect(fake.contact(w.ada)?.etag).not.toBe(contact?.etag);
    expect(fake.company(w.acme)?.etag).not.toBe(company?.etag);
    const renamedFrom = fake.contact(w.ada)?.etag;
    await client.patchCompany(w.acme, { name: 'Acme Holding AB' }, {});
    expect(fake.contact(w.ada)?.etag).not.toBe(renamedFrom);
    const changed = (await pagesOf(client.listContacts({ updatedSince: since }))).flatMap((p) => p.contacts);
    expect(changed.map((c) => c.id)).toEqual([w.ada]);
  });
});

describe('listLinks', () => {
  it('filters by contact_id or company_id and pages over every link once', async () => {
    const w = await world();
    await client.createLink({ contactId: w.ada, companyId: w.acme });
    await client.createLink({ contactId: w.ada, companyId: w.beta });
    await client.createLink({ contactId: w.bo, companyId: w.acme });
    expect((await links({ contactId: w.ada })).map((l) => l.companyId)).toEqual([w.acme, w.beta]);
    expect((await links({ companyId: w.acme })).map((l) => l.contactId)).toEqual([w.ada, w.bo]);
    const pages = await pagesOf(client.listLinks({ pageSize: 1 }));
    expect(pages.map((p) => p.links.length)).toEqual([1, 1, 1]);
    expect(new Set(pages.flatMap((p) => p.links.map((l) => l.id))).size).toBe(3);
  });

  it('returns changed links on or after updated_since', async () => {
    const w = await world();
    const old = await client.createLink({ contactId: w.ada, companyId: w.acme });
    fake.setClock('2030-01-01T00:00:00Z');
    const fresh = await client.createLink({ contactId: w.bo, companyId: w.acme });
    expect((await links({ updatedSince: '2030-01-01T00:00:00Z' })).map((l) => l.id)).toEqual([fresh.id]);
    expect(old.updatedUtc < fresh.updatedUtc).toBe(true);
  });
});

describe('createLink problems', () => {
  it('a second live link between the same two is a 409; a missing end a 404; no ids a 400', async () => {
    const w = await world();
    await client.createLink({ contactId: w.ada, companyId: w.acme });
    expect(await caught(() => client.createLink({ contactId: w.ada, companyId: w.acme }))).toBeInstanceOf(
      ConflictError,
    );
    expect(await caught(() => client.createLink({ contactId: w.ada, companyId: '424242' }))).toBeInstanceOf(
      NotFoundError,
    );
    const e = await caught(() => client.createLink({ contactId: '', companyId: w.acme }));
    expect(Object.keys((e as ValidationError).fieldErrors)).toEqual(['contactId']);
  });
});
