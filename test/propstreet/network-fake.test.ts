/**
 * The fake's network seeding and control: generated companies and links, contacts seeded with
 * companies (turned into links), the HTTP control routes, and the companies kind's port on it.
 */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateCompanies, planLinks } from '../../fakes/propstreet/generate.js';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import { propstreetCompanies } from '../../src/kinds/companies/propstreet-port.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { clientFor, pagesOf } from './helpers.js';

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

async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await request(`${fake.url}/__control/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.statusCode).toBe(200);
  return res.body.json();
}

describe('generate with companies (the demo shape: 2,000 contacts at 400 companies)', () => {
  it('links most contacts to one company, some to two, some to none; the first link is primary', () => {
    fake.generate(2_000, { companies: 400 });
    const companies = fake.allCompanies();
    const links = fake.allLinks();
    expect(companies).toHaveLength(400);
    const byCount = new Map<number, number>();
    for (const c of fake.allContacts()) {
      byCount.set(c.companies.length, (byCount.get(c.companies.length) ?? 0) + 1);
      if (c.companies.length > 0) {
        expect(c.companies[0]?.isPrimary).toBe(true);
        expect(c.primaryCompanyId).toBe(c.companies[0]?.id);
      } else expect(c.primaryCompanyId).toBeNull();
    }
    expect(byCount.get(0)).toBe(200);
    expect(byCount.get(2)).toBeGreaterThan(250);
    expect((byCount.get(1) ?? 0) + (byCount.get(2) ?? 0) * 2).toBe(links.length);
    expect(companies.reduce((n, k) => n + k.contacts.length, 0)).toBe(links.length);
    expect(new Set(companies.map((k) => k.domain)).size).toBe(400);
  });

  it('planLinks and generateCompanies are deterministic', () => {
    expect(planLinks(['1', '2'], ['9'])).toEqual(planLinks(['1', '2'], ['9']));
    expect(generateCompanies(2)[1]).toMatchObject({ name: 'Company 1 Capital AB', countryCode: 'NO' });
  });
});

describe('seeding contacts with companies', () => {
  it("turns a seed's companies into links, creating a company it names that does not exist", () => {
    const [c] = fake.seed([
      {
        firstName: 'Ada',
        primaryCompanyId: '1001',
        companies: [
          { id: '1000', uri: null, name: 'Old AB', jobTitle: 'Board', isPrimary: false },
          { id: '1001', uri: null, name: 'Main AB', jobTitle: 'CEO', isPrimary: true },
        ],
      },
    ]);
    expect(c?.primaryCompanyId).toBe('1001');
    expect(c?.companies.map((k) => [k.id, k.name, k.jobTitle, k.isPrimary])).toEqual([
      ['1001', 'Main AB', 'CEO', true],
      ['1000', 'Old AB', 'Board', false],
    ]);
    expect(fake.company('1000')?.contacts.map((x) => x.id)).toEqual([c?.id]);
    expect(fake.allLinks()).toHaveLength(2);
  });
});

describe('the control routes', () => {
  it('seed companies and links, link and unlink as a user, and switch the relation mode', async () => {
    const [ada] = fake.seed([{ firstName: 'Ada' }]);
    await control('POST', 'seed', {
      companies: [
        { id: '7', name: 'Seven AB' },
        { id: '8', name: 'Eight AB' },
      ],
      links: [{ contactId: ada?.id, companyId: '7', jobTitle: 'CFO' }],
    });
    expect(((await control('GET', 'companies')) as unknown[]).length).toBe(2);
    const link = (await control('POST', 'links', {
      contactId: ada?.id,
      companyId: '8',
      isPrimary: true,
    })) as {
      id: string;
    };
    expect(fake.contact(ada?.id ?? '')?.primaryCompanyId).toBe('8');
    await control('POST', `links/${link.id}/delete`);
    expect(fake.contact(ada?.id ?? '')?.companies.map((k) => k.id)).toEqual(['7']);
    await control('POST', 'relation-bumps', { mode: 'related' });
    const before = fake.contact(ada?.id ?? '')?.etag;
    await control('POST', 'companies/7/edit', { name: 'Seven Holding AB' });
    expect(fake.contact(ada?.id ?? '')?.etag).not.toBe(before);
    expect(((await control('GET', 'links')) as unknown[]).length).toBe(2);
  });
});

describe('propstreetCompanies (the companies kind port)', () => {
  it('lists pages of records and upserts by external ref', async () => {
    fake.seedCompanies(generateCompanies(3));
    const port = propstreetCompanies(client);
    const pages = await pagesOf(port.list({ includeDeleted: true }));
    expect(pages.flatMap((p) => p.records)).toHaveLength(3);
    const { record, action } = await port.upsertByExternalRef('hubspot', 'h1', { name: 'Via Port AB' });
    expect(action).toBe('created');
    expect(await port.get(record.id)).toMatchObject({ name: 'Via Port AB' });
    const patched = await port.patch(record.id, { tags: ['x'] }, { ifMatch: record.etag ?? undefined });
    await port.delete(record.id, { ifMatch: patched.etag ?? undefined });
    expect(await port.get(record.id)).toBeNull();
  });
});
