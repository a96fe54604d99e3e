/**
 * The links phase's periodic full scan (`links.fullScanEvery`) on the real fakes over HTTP: an
 * association added in HubSpot stamps no contact, so no delta shows it; a run before the period
 * is up does not see it, the first run after does, and the scan's time is kept in the links
 * scope's meta. The clock is a fake one.
 */
import { describe, expect, it } from 'vitest';
import { seedTwoByTwo, useHubSpotLinks } from './hubspot-links-world.js';

const HOUR = 3_600_000;
const LINKS_SCOPE = { tenant: 't1', connection: 'crm', kind: 'links' };

describe('links full scan ⇄ HubSpot', () => {
  const startHubSpotLinks = useHubSpotLinks();

  it('an association added in HubSpot alone is found by the first run after fullScanEvery, not before', async () => {
    let now = new Date('2026-03-02T08:00:00.000Z');
    const started = await startHubSpotLinks({ now: () => now });
    const {
      ada: adaId,
      bo: boId,
      acme: acmeId,
      beta: betaId,
      hBo,
      hBeta,
    } = await seedTwoByTwo(started.world, started.hs);
    await started.world.client.createLink({ contactId: adaId, companyId: acmeId, jobTitle: 'CFO' });
    const every = { fullScanEveryMs: 24 * HOUR };

    // No scan recorded yet: the first run is one, and says when.
    const first = await started.world.run(every);
    expect(first.fullScan).toBe(true);
    expect(await started.world.store.getMeta(LINKS_SCOPE, 'links.fullScanAt')).toBe(
      '2026-03-02T08:00:00.000Z',
    );

    // Our writes stamped Ada (the delta re-reads the contact at its checkpoint); Bo, at no company, is untouched.
    expect((await started.world.run(every)).rows).toEqual([]);
    started.hs.control.associate(hBo, hBeta);
    now = new Date('2026-03-02T20:00:00.000Z');
    const early = await started.world.run(every);
    expect(early.fullScan).toBe(false);
    expect(early.rows).toEqual([]);
    expect(await started.world.employments(boId)).toEqual([]);

    now = new Date('2026-03-03T08:00:00.000Z');
    const due = await started.world.run(every);
    expect(due.fullScan).toBe(true);
    expect(due.rows.map((r) => `${r.side} ${r.action} ${r.company} ${r.outcome}`)).toEqual([
      `propstreet associate ${betaId} done`,
    ]);
    expect(due.rows[0]?.contact).toBe(boId);
    // Propstreet makes a contact's first link its primary.
    expect(await started.world.employments(boId)).toEqual([`${betaId}:*`]);
    expect(await started.world.store.getMeta(LINKS_SCOPE, 'links.fullScanAt')).toBe(
      '2026-03-03T08:00:00.000Z',
    );

    // A dry run scans when due but records nothing.
    now = new Date('2026-03-05T08:00:00.000Z');
    expect((await started.world.run({ ...every, dryRun: true })).fullScan).toBe(true);
    expect(await started.world.store.getMeta(LINKS_SCOPE, 'links.fullScanAt')).toBe(
      '2026-03-03T08:00:00.000Z',
    );
  });
});
