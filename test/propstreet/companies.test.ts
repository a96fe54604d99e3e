/** Companies through the client against the fake: paging, delta, ETags, upserts, deletes, bad items. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateCompanies } from '../../fakes/propstreet/generate.js';
import { type PropstreetFake, startPropstreetFake, USER_ORIGIN } from '../../fakes/propstreet/index.js';
import {
  ConflictError,
  PreconditionFailedError,
  type PropsyncError,
  ValidationError,
} from '../../src/core/errors.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { COMPANIES_PATH } from '../../src/propstreet/companies.js';
import type { Company } from '../../src/propstreet/company-schema.js';
import { caught, clientFor, pagesOf } from './helpers.js';

const LIST = COMPANIES_PATH;
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

const all = async (o: Parameters<PropstreetClient['listCompanies']>[0] = {}) => {
  const pages = await pagesOf(client.listCompanies(o));
  return { pages, companies: pages.flatMap((p) => p.companies) };
};
const key = (c: Company) => `${c.updatedUtc}|${c.id.padStart(12, '0')}`;

describe('listCompanies', () => {
  it.each([1, 7, 500])(
    'returns every live company once, in keyset order, with page_size %i',
    async (pageSize) => {
      const seeded = fake.seedCompanies(generateCompanies(40));
      fake.deleteCompanyAsUser(seeded[3]?.id ?? '');
      const { pages, companies } = await all({ pageSize });
      expect(companies.map((c) => c.id).sort()).toEqual(
        fake
          .allCompanies()
          .filter((c) => c.deletedUtc === null)
          .map((c) => c.id)
          .sort(),
      );
      expect(companies.map(key)).toEqual([...companies.map(key)].sort());
      expect(pages.length).toBe(Math.ceil(39 / pageSize));
      expect(pages.at(-1)?.nextCursor).toBeNull();
    },
  );

  it('shows deleted companies only with include_deleted, with deletedUtc and changeType delete', async () => {
    const [a, b] = fake.seedCompanies(generateCompanies(2));
    await client.deleteCompany(a?.id ?? '');
    expect((await all()).companies.map((c) => c.id)).toEqual([b?.id]);
    const withDeleted = (await all({ includeDeleted: true })).companies;
    expect(withDeleted.find((c) => c.id === a?.id)).toMatchObject({
      changeType: 'delete',
      deletedUtc: expect.any(String),
    });
  });

  it('treats updated_since as "on or after": a tie group at the boundary comes back whole', async () => {
    fake.seedCompanies(generateCompanies(3));
    fake.setClock('2026-02-01T10:00:00Z');
    const tie = [
      await client.createCompany({ name: 'Tie One AB' }),
      await client.createCompany({ name: 'Tie Two AB' }),
    ];
    fake.setClock('2026-02-01T10:00:01Z');
    const later = await client.createCompany({ name: 'Later AB' });
    const { companies } = await all({ updatedSince: '2026-02-01T10:00:00Z', pageSize: 1 });
    expect(companies.map((c) => c.id)).toEqual([...tie.map((c) => c.id), later.id]);
  });

  it('isolates an invalid item in page.invalid; the rest flows', async () => {
    const good = (id: string) => ({
      id,
      name: `K${id}`,
      createdUtc: '2025-01-01T00:00:00.0000000Z',
      updatedUtc: '2025-01-01T00:00:00.0000000Z',
      etag: 'W/"AAAAAAAAAAE="',
    });
    fake.http.faults.add({
      kind: 'status',
      status: 200,
      method: 'GET',
      path: LIST,
      body: {
        data: [good('1'), { ...good('2'), name: 7 }, good('3')],
        page: { nextCursor: null, hasMore: false, pageSize: 3 },
      },
    });
    const { pages } = await all();
    expect(pages[0]?.companies.map((c) => c.id)).toEqual(['1', '3']);
    expect(pages[0]?.invalid).toEqual([{ id: '2', jsonPath: 'data[1].name', message: expect.any(String) }]);
  });
});

describe('create, get and PATCH', () => {
  it('creates with a weak etag, the writer as changeOrigin, and a domain derived from the homepage', async () => {
    const k = await client.createCompany({
      name: 'Acme AB',
      homepageUrl: 'https://WWW.Acme.se/about',
      domain: 'x.io',
    });
    expect(k).toMatchObject({ name: 'Acme AB', domain: 'acme.se', changeType: 'create', contacts: [] });
    expect(k.changeOrigin).toBe(fake.originOf(fake.token));
    expect(k.etag).toMatch(/^W\/"[A-Za-z0-9+/=]+"$/);
    expect((await client.getCompany(k.id))?.etag).toBe(k.etag);
    expect(await client.getCompany('999999')).toBeNull();
  });

  it('normalises a domain sent alone: lower case, no www', async () => {
    const k = await client.createCompany({ name: 'Beta AB' });
    const p = await client.patchCompany(k.id, { domain: 'WWW.Beta.SE' }, { ifMatch: k.etag ?? undefined });
    expect(p.domain).toBe('beta.se');
  });

  it('requires a name on create, and a name cannot be cleared', async () => {
    const e = await caught(() => client.createCompany({ domain: 'nameless.se' }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(Object.keys((e as ValidationError).fieldErrors)).toEqual(['name']);
    const k = await client.createCompany({ name: 'Named AB' });
    const cleared = await caught(() => client.patchCompany(k.id, { name: null }, {}));
    expect(Object.keys((cleared as ValidationError).fieldErrors)).toEqual(['name']);
  });

  it('PATCH with the current etag applies; a stale one gets 412 and changes nothing', async () => {
    const k = await client.createCompany({ name: 'Gamma AB', tags: ['a'] });
    const p = await client.patchCompany(k.id, { strategy: 'Core+' }, { ifMatch: k.etag ?? undefined });
    expect(p).toMatchObject({ strategy: 'Core+', tags: ['a'], changeType: 'update' });
    expect(p.updatedUtc > k.updatedUtc).toBe(true);
    const e = await caught(() =>
      client.patchCompany(k.id, { strategy: 'Value-add' }, { ifMatch: k.etag ?? undefined }),
    );
    expect(e).toBeInstanceOf(PreconditionFailedError);
    expect((e as PreconditionFailedError).request).toMatchObject({ method: 'PATCH', status: 412 });
    expect(fake.company(k.id)?.strategy).toBe('Core+');
  });

  it('a user edit in the UI makes our etag stale, with changeOrigin ui:user', async () => {
    const k = await client.createCompany({ name: 'Delta AB' });
    expect(fake.editCompanyAsUser(k.id, { name: 'Delta Fastigheter AB' }).changeOrigin).toBe(USER_ORIGIN);
    await expect(
      client.patchCompany(k.id, { name: 'Mine' }, { ifMatch: k.etag ?? undefined }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('answers 409 with the guide body when the knob says so, which the client reads as stale', async () => {
    fake.setStaleEtagStatus(409);
    const k = await client.createCompany({ name: 'Epsilon AB' });
    await client.patchCompany(k.id, { strategy: 'x' }, {});
    const e = await caught(() =>
      client.patchCompany(k.id, { strategy: 'y' }, { ifMatch: k.etag ?? undefined }),
    );
    expect(e).toBeInstanceOf(PreconditionFailedError);
    expect((e as PreconditionFailedError).request?.status).toBe(409);
  });

  it('a taken external ref is a ConflictError about the ref', async () => {
    await client.createCompany({ name: 'One AB', externalRefs: [{ namespace: 'hubspot', id: '1' }] });
    const e = await caught(() =>
      client.createCompany({ name: 'Two AB', externalRefs: [{ namespace: 'HubSpot', id: '1' }] }),
    );
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).kind).toBe('duplicate-ref');
  });
});

describe('upsertCompanyByExternalRef', () => {
  it('creates, then updates, then revives after a delete, saying which in the action', async () => {
    const created = await client.upsertCompanyByExternalRef('hubspot', 'k-1', { name: 'Zeta AB' });
    expect(created.action).toBe('created');
    expect(created.company.externalRefs).toEqual([{ namespace: 'hubspot', id: 'k-1' }]);
    const updated = await client.upsertCompanyByExternalRef('HubSpot', 'k-1', { countryCode: 'se' });
    expect(updated).toMatchObject({
      action: 'updated',
      company: { id: created.company.id, name: 'Zeta AB', countryCode: 'SE' },
    });
    await client.deleteCompany(created.company.id);
    const revived = await client.upsertCompanyByExternalRef('hubspot', 'k-1', { name: 'Zeta Again AB' });
    expect(revived).toMatchObject({
      action: 'revived',
      company: { id: created.company.id, deletedUtc: null },
    });
  });

  it('answers 201 with Location on create and 200 without it on update', async () => {
    await client.upsertCompanyByExternalRef('sf', '001A', { name: 'Eta AB' });
    await client.upsertCompanyByExternalRef('sf', '001A', { name: 'Eta Two AB' });
    const log = fake.apiRequests().filter((r) => r.method === 'PATCH');
    expect(log.map((r) => r.status)).toEqual([201, 200]);
  });

  it('with revive=false creates a new company instead of reviving', async () => {
    const first = await client.upsertCompanyByExternalRef('sf', '001B', { name: 'Theta AB' });
    await client.deleteCompany(first.company.id);
    const again = await client.upsertCompanyByExternalRef(
      'sf',
      '001B',
      { name: 'Theta AB' },
      { revive: false },
    );
    expect(again.action).toBe('created');
    expect(again.company.id).not.toBe(first.company.id);
  });

  it('needs a name to create', async () => {
    const e = await caught(() => client.upsertCompanyByExternalRef('sf', '001C', { domain: 'x.se' }));
    expect(Object.keys((e as ValidationError).fieldErrors)).toEqual(['name']);
  });

  it('the client refuses externalRefs in an upsert body: the server would drop them', async () => {
    const e = await caught(() =>
      client.upsertCompanyByExternalRef('sf', '001D', {
        name: 'Iota AB',
        externalRefs: [{ namespace: 'x', id: '1' }],
      }),
    );
    expect((e as PropsyncError).code).toBe('INTERNAL');
    expect(fake.apiWriteCount()).toBe(0);
  });
});

describe('deleteCompany', () => {
  it('answers 204, hides the company from GET, and a second delete is a no-op', async () => {
    const k = await client.createCompany({ name: 'Kappa AB' });
    await client.deleteCompany(k.id, { ifMatch: k.etag ?? undefined });
    expect(await client.getCompany(k.id)).toBeNull();
    await client.deleteCompany(k.id);
    expect(
      fake
        .apiRequests()
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.status),
    ).toEqual([204, 204]);
  });

  it('honours a stale If-Match with 412 and keeps the company', async () => {
    const k = await client.createCompany({ name: 'Lambda AB' });
    await client.patchCompany(k.id, { strategy: 'x' }, {});
    await expect(client.deleteCompany(k.id, { ifMatch: k.etag ?? undefined })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(fake.company(k.id)?.deletedUtc).toBeNull();
  });
});

describe('the fake knobs hold for companies and links', () => {
  it('a company PATCH with If-Match is retried on 500; a POST is not', async () => {
    const k = await client.createCompany({ name: 'Mu AB' });
    fake.http.faults.add({ kind: 'status', status: 500, method: 'PATCH', path: LIST, times: 1 });
    expect(
      (await client.patchCompany(k.id, { strategy: 'x' }, { ifMatch: k.etag ?? undefined })).strategy,
    ).toBe('x');
    fake.http.faults.add({ kind: 'status', status: 500, method: 'POST', path: LIST, times: 1 });
    expect(((await caught(() => client.createCompany({ name: 'Nu AB' }))) as PropsyncError).code).toBe(
      'SERVER_ERROR',
    );
    expect(fake.apiRequests().map((r) => `${r.method} ${r.status}`)).toEqual([
      'POST 201',
      'PATCH 500',
      'PATCH 200',
      'POST 500',
    ]);
  });

  it('ignoreWriteMembers drops company members silently too', async () => {
    fake.ignoreWriteMembers(['strategy']);
    const k = await client.createCompany({ name: 'Xi AB', strategy: 'Core' });
    expect(k).toMatchObject({ name: 'Xi AB', strategy: null });
  });
});
