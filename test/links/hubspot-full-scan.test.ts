/**
 * The links phase's periodic full scan (`links.fullScanEvery`) on the real fakes over HTTP: an
 * association added in HubSpot stamps no contact, so no delta shows it; a run before the period
 * is up does not see it, the first run after does, and the scan's time is kept in the links
 * scope's meta. The clock is a fake one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../fakes/hubspot/hubspot-fake.js';
import { Redactor } from '../../src/core/redact.js';
import { createHubSpotAdapter, createHubSpotAssociations } from '../../src/crm/hubspot/index.js';
import { FAST, FAST_LIMITS, KEY, MAPPED } from '../crm/hubspot/hubspot-harness.js';
import { type LinksWorld, startLinksWorld } from './links-harness.js';

const redactor = new Redactor();

const HOUR = 3_600_000;
const LINKS_SCOPE = { tenant: 't1', connection: 'crm', kind: 'links' };

describe('links full scan ⇄ HubSpot', () => {
  let hs: HubSpotFake | undefined;
  let world: LinksWorld | undefined;
  afterEach(async () => {
    await world?.close();
    await hs?.close();
    world = hs = undefined;
  });

  it('an association added in HubSpot alone is found by the first run after fullScanEvery, not before', async () => {
    hs = await startHubSpotFake({ ...FAST, customProperties: [{ name: KEY, hasUniqueValue: true }] });
    const conn = { accessToken: 'pat-na1-test-token-0001', basePath: hs.url, limits: FAST_LIMITS };
    let now = new Date('2026-03-02T08:00:00.000Z');
    world = await startLinksWorld({
      adapter: createHubSpotAdapter({ ...conn, redactor, properties: MAPPED }),
      associations: createHubSpotAssociations({ ...conn, redactor }),
      secondary: async () => true,
      titleProperty: 'jobtitle',
      now: () => now,
    });
    const [ada, bo] = world.ps.seed([
      { firstName: 'Ada', lastName: 'Lind', email: 'ada@example.com' },
      { firstName: 'Bo', lastName: 'Berg', email: 'bo@example.com' },
    ]);
    const acme = await world.client.createCompany({ name: 'Acme AB' });
    const beta = await world.client.createCompany({ name: 'Beta AB' });
    const [hAda, hBo] = hs.control.contacts.seed([
      { properties: { email: 'ada@example.com' } },
      { properties: { email: 'bo@example.com' } },
    ]);
    const [hAcme, hBeta] = hs.control.companies.seed([
      { properties: { name: 'Acme AB' } },
      { properties: { name: 'Beta AB' } },
    ]);
    const adaId = ada?.id ?? '';
    const boId = bo?.id ?? '';
    await world.linkContact(adaId, hAda ?? '');
    await world.linkContact(boId, hBo ?? '');
    await world.linkCompany(acme.id, hAcme ?? '');
    await world.linkCompany(beta.id, hBeta ?? '');
    await world.client.createLink({ contactId: adaId, companyId: acme.id, jobTitle: 'CFO' });
    const every = { fullScanEveryMs: 24 * HOUR };

    // No scan recorded yet: the first run is one, and says when.
    const first = await world.run(every);
    expect(first.fullScan).toBe(true);
    expect(await world.store.getMeta(LINKS_SCOPE, 'links.fullScanAt')).toBe('2026-03-02T08:00:00.000Z');

    // Our writes stamped Ada (the delta re-reads the contact at its checkpoint); Bo, at no company, is untouched.
    expect((await world.run(every)).rows).toEqual([]);
    hs.control.associate(hBo ?? '', hBeta ?? '');
    now = new Date('2026-03-02T20:00:00.000Z');
    const early = await world.run(every);
    expect(early.fullScan).toBe(false);
    expect(early.rows).toEqual([]);
    expect(await world.employments(boId)).toEqual([]);

    now = new Date('2026-03-03T08:00:00.000Z');
    const due = await world.run(every);
    expect(due.fullScan).toBe(true);
    expect(due.rows.map((r) => `${r.side} ${r.action} ${r.company} ${r.outcome}`)).toEqual([
      `propstreet associate ${beta.id} done`,
    ]);
    expect(due.rows[0]?.contact).toBe(boId);
    // Propstreet makes a contact's first link its primary.
    expect(await world.employments(boId)).toEqual([`${beta.id}:*`]);
    expect(await world.store.getMeta(LINKS_SCOPE, 'links.fullScanAt')).toBe('2026-03-03T08:00:00.000Z');

    // A dry run scans when due but records nothing.
    now = new Date('2026-03-05T08:00:00.000Z');
    expect((await world.run({ ...every, dryRun: true })).fullScan).toBe(true);
    expect(await world.store.getMeta(LINKS_SCOPE, 'links.fullScanAt')).toBe('2026-03-03T08:00:00.000Z');
  });
});
