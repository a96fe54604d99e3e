/**
 * The HubSpot adapter opened on `companies`: the same guarantees as contacts, on the companies
 * endpoints and `hs_lastmodifieddate` (companies have no `lastmodifieddate`: the fake refuses a
 * filter on it, so a read that works proves the property).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter } from '../../../src/crm/hubspot/index.js';
import { clockPast } from '../../support/clock-past.js';
import {
  COMPANY_MAPPED,
  drain,
  FAST_LIMITS,
  KEY,
  records,
  resumeFromTie,
  type Started,
  startHubSpotObject,
} from './hubspot-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('HubSpot adapter on companies', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.fake.close();
    started = undefined;
  });

  it('reads 12,000 companies by hs_lastmodifieddate across the 10,000-result cap, 3,000 on one timestamp, each exactly once', async () => {
    started = await startHubSpotObject({ objectType: 'companies' });
    const { fake, adapter } = started;
    const base = Date.parse('2024-03-01T00:00:00.000Z');
    const tie = base + 10_000_000;
    const stamps = Array.from({ length: 12_000 }, (_, i) =>
      i < 6_000 ? base + i * 3 : i < 9_000 ? tie : tie + 1 + (i - 9_000),
    );
    const ids = fake.control.companies.seed(
      stamps.map((at, i) => ({
        properties: { name: `Co ${i}`, domain: `co${i}.example.com`, [KEY]: `ps-co-${i}` },
        updatedAt: at,
      })),
    );

    const pages = await drain(adapter.readChanges(null));
    const read = records(pages);
    expect(read).toHaveLength(12_000);
    expect(new Set(read.map((r) => r.id)).size).toBe(12_000);
    // Each record's stamp is its hs_lastmodifieddate, oldest first.
    const stampOf = new Map(ids.map((id, i) => [id, stamps[i]]));
    expect(read.every((r) => Date.parse(r.modifiedAt) === stampOf.get(r.id))).toBe(true);
    const modified = read.map((r) => Date.parse(r.modifiedAt));
    expect(modified.every((m, i) => i === 0 || m >= (modified[i - 1] ?? 0))).toBe(true);
    const searches = fake.control.apiRequests().filter((r) => r.path.endsWith('/search'));
    expect(searches.every((r) => r.path === '/crm/v3/objects/companies/search' && r.status === 200)).toBe(
      true,
    );
    expect(searches.length).toBeLessThanOrEqual(65);

    // A checkpoint inside the tie resumes with everything after it.
    const { later, resumed } = await resumeFromTie(adapter, pages);
    const resumedIds = new Set(resumed.map((r) => r.id));
    expect([...later].every((id) => resumedIds.has(id))).toBe(true);
    expect(resumed.length).toBeLessThan(12_000);
  }, 120_000);

  it('sees edits, archives and merges of companies since a checkpoint as changes and deletions', async () => {
    started = await startHubSpotObject({ objectType: 'companies' });
    const { fake, adapter } = started;
    const [a, b, c, d] = fake.control.companies.seed(
      ['a', 'b', 'c', 'd'].map((n) => ({
        properties: { name: `Co ${n}`, domain: `${n}.example.com`, [KEY]: `ps-${n}` },
      })),
    );
    if (!a || !b || !c || !d) throw new Error('seed failed');
    const checkpoint = (await drain(adapter.readChanges(null))).at(-1)?.checkpoint ?? null;

    await clockPast(Date.now());
    fake.control.companies.editAsUser(d, { city: 'Stockholm' });
    fake.control.companies.deleteAsUser(c);
    const merged = fake.control.companies.mergeAsUser(a, b);
    const changes = records(await drain(adapter.readChanges(checkpoint)));
    const byId = new Map(changes.map((r) => [r.id, r]));
    expect(byId.get(d)).toMatchObject({ deleted: false, properties: { city: 'Stockholm' } });
    expect(byId.get(c)).toMatchObject({ deleted: true });
    expect(Date.parse(byId.get(c)?.modifiedAt ?? '')).toBe(
      Date.parse(fake.control.companies.get(c)?.archivedAt ?? ''),
    );
    // A merge makes a new company; both old ids are deletions pointing at it.
    expect(byId.get(merged)).toMatchObject({
      deleted: false,
      properties: { [KEY]: 'ps-a', domain: 'a.example.com' },
    });
    expect(byId.get(a)).toMatchObject({ deleted: true, mergedInto: merged });
    expect(byId.get(b)).toMatchObject({ deleted: true, mergedInto: merged });
    expect(fake.control.companies.get(merged)?.properties.hs_additional_domains).toBe('b.example.com');
    expect(await adapter.readByIds([b])).toEqual([
      expect.objectContaining({ id: b, deleted: true, mergedInto: merged }),
    ]);
  });

  it('setup creates propstreet_id on companies, unique, in companyinformation; check then passes', async () => {
    started = await startHubSpotObject({ objectType: 'companies', withKeyProperty: false });
    const { fake, adapter } = started;
    const before = await adapter.check();
    expect(before.checks.find((c) => c.name === 'key-property')?.message).toMatch(
      /Company property 'propstreet_id' does not exist/,
    );
    const done = await adapter.setup();
    expect(done.ok, JSON.stringify(done.checks)).toBe(true);
    expect(fake.control.companies.hasProperty(KEY)).toBe(true);
    expect(fake.control.contacts.hasProperty(KEY)).toBe(false);
    const created = await fetch(`${fake.url}/crm/v3/properties/companies/${KEY}`, {
      headers: { authorization: 'Bearer x-12345678' },
    });
    expect(await created.json()).toMatchObject({
      name: KEY,
      type: 'string',
      fieldType: 'text',
      groupName: 'companyinformation',
      hasUniqueValue: true,
      hubspotDefined: false,
    });
    expect((await adapter.check()).ok).toBe(true);
    const report = await adapter.inspectKeyField(10);
    expect(report).toMatchObject({ field: KEY, problems: [] });
  });

  it('names the companies scope when it may not create the key property', async () => {
    started = await startHubSpotObject({ objectType: 'companies', withKeyProperty: false });
    started.fake.control.denyScopes(['crm.schemas.companies.write']);
    const key = (await started.adapter.setup()).checks.find((c) => c.name === 'key-property');
    expect(key?.ok).toBe(false);
    expect(key?.message).toMatch(/crm\.schemas\.companies\.write/);
  });

  it('refuses a HubSpot-defined company property as the key', async () => {
    started = await startHubSpotObject({ objectType: 'companies' });
    const adapter = createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-test-token-0001',
      basePath: started.fake.url,
      objectType: 'companies',
      keyProperty: 'domain',
      properties: COMPANY_MAPPED,
      limits: FAST_LIMITS,
    });
    const report = await adapter.inspectKeyField(5);
    expect(report.problems.join(' ')).toMatch(/HubSpot's own company properties/);
    expect(report.problems.join(' ')).toMatch(/not unique/);
  });

  it("finds companies by domain case-insensitively, duplicates included (HubSpot's API does not deduplicate by domain)", async () => {
    started = await startHubSpotObject({ objectType: 'companies' });
    const { fake, adapter } = started;
    const [first, second, gone, other] = fake.control.companies.seed([
      { properties: { name: 'Acme AB', domain: 'Acme.example.com' } },
      { properties: { name: 'Acme Holding', domain: 'acme.example.com' } },
      { properties: { name: 'Acme Old', domain: 'acme.example.com' } },
      { properties: { name: 'Other', domain: 'other.example.com' } },
    ]);
    fake.control.companies.deleteAsUser(gone ?? '');
    const found = await adapter.findByMatch('domain', ['ACME.example.com', 'nowhere.example.com']);
    expect(found.map((r) => r.id).sort()).toEqual([first, second].sort());
    expect(found.map((r) => r.id)).not.toContain(other);
    expect(
      fake.control
        .apiRequests()
        .filter((r) => r.path.endsWith('/search'))
        .map((r) => r.path),
    ).toEqual(['/crm/v3/objects/companies/search']);
  });

  it('upserts companies by propstreet_id: two companies may share a domain, a repeat creates nothing', async () => {
    started = await startHubSpotObject({ objectType: 'companies' });
    const { fake, adapter } = started;
    const inputs = [
      { key: 'ps-1', properties: { name: 'Acme AB', domain: 'acme.example.com', industry: 'REAL_ESTATE' } },
      { key: 'ps-2', properties: { name: 'Acme Fastigheter', domain: 'acme.example.com' } },
    ];
    const first = await adapter.upsertByKey(inputs);
    expect(first.map((r) => r.ok && r.created)).toEqual([true, true]);
    const again = await adapter.upsertByKey(inputs);
    expect(again.map((r) => r.ok && r.created)).toEqual([false, false]);
    expect(fake.control.companies.dump()).toHaveLength(2);
    expect(fake.control.contacts.dump()).toHaveLength(0);
    const [one] = again;
    if (!one?.ok) throw new Error('upsert failed');
    // The stamp a write reports is the company's hs_lastmodifieddate after it.
    expect(one.modifiedAt).toBe(fake.control.companies.get(one.id)?.properties.hs_lastmodifieddate);
    const updated = await adapter.update([{ id: one.id, properties: { industry: null, city: 'Malmö' } }]);
    expect(updated[0]).toMatchObject({ ok: true, id: one.id });
    expect(fake.control.companies.get(one.id)?.properties).toMatchObject({ city: 'Malmö' });
    expect(fake.control.companies.get(one.id)?.properties.industry).toBeUndefined();
    expect((await adapter.delete([one.id]))[0]).toMatchObject({ ok: true });
    expect(fake.control.companies.get(one.id)?.archived).toBe(true);
  });

  it('a contacts adapter and a companies adapter on one portal never see each other’s records or checkpoints', async () => {
    started = await startHubSpotObject({ objectType: 'companies' });
    const { fake, adapter: companies } = started;
    fake.control.contacts.defineProperty({ name: KEY, hasUniqueValue: true });
    const contacts = createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-test-token-0001',
      basePath: fake.url,
      properties: ['email', 'firstname'],
      limits: FAST_LIMITS,
    });
    // The same key value on both objects: each object has its own unique index.
    await contacts.upsertByKey([{ key: 'ps-shared', properties: { email: 'ada@acme.example.com' } }]);
    await companies.upsertByKey([{ key: 'ps-shared', properties: { name: 'Acme' } }]);
    const contactPages = await drain(contacts.readChanges(null));
    const companyPages = await drain(companies.readChanges(null));
    const contactIds = records(contactPages).map((r) => r.id);
    const companyIds = records(companyPages).map((r) => r.id);
    // One object's checkpoint never resumes the other's read.
    await expect(drain(companies.readChanges(contactPages.at(-1)?.checkpoint ?? ''))).rejects.toMatchObject({
      code: 'STATE',
    });
    await expect(drain(contacts.readChanges(companyPages.at(-1)?.checkpoint ?? ''))).rejects.toMatchObject({
      code: 'STATE',
    });
    expect(contactIds).toHaveLength(1);
    expect(companyIds).toHaveLength(1);
    expect(contactIds[0]).not.toBe(companyIds[0]);
    expect(await companies.readByIds(contactIds)).toEqual([]);
    expect((await contacts.readByKeys(['ps-shared']))[0]?.id).toBe(contactIds[0]);
    expect((await companies.readByKeys(['ps-shared']))[0]?.id).toBe(companyIds[0]);
  });
});
