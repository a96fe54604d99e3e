/**
 * Association marks (src/links/association-marks.ts): an association added in HubSpot alone
 * stamps no contact, so no delta shows it (hubspot-full-scan.test.ts pins that); a mark in the
 * links scope's meta (what `serve` writes on a `contact.associationChange` webhook) makes the
 * next links phase read that contact, and the phase removes the marks it read once it has
 * committed. End to end on the real fakes over HTTP; which contacts a phase reads, on a CRM
 * delta that shows nothing.
 */
import { describe, expect, it } from 'vitest';
import { associationMarkKey, associationMarks } from '../../src/links/association-marks.js';
import type { LinksPorts } from '../../src/links/ports.js';
import { touchedContacts } from '../../src/links/touched-contacts.js';
import { createSqliteStateStore } from '../../src/state/index.js';
import { seedTwoByTwo, useHubSpotLinks } from './hubspot-links-world.js';

const LINKS_SCOPE = { tenant: 't1', connection: 'crm', kind: 'links' };

describe('association marks ⇄ HubSpot links phase', () => {
  const startHubSpotLinks = useHubSpotLinks();

  it('a marked contact is read by the next phase; a dry run keeps the mark, a real run removes what it read', async () => {
    const now = new Date('2026-03-02T08:00:00.000Z');
    const started = await startHubSpotLinks({ now: () => now });
    const { bo: boId, beta: betaId, hBo, hBeta } = await seedTwoByTwo(started.world, started.hs);
    expect((await started.world.run()).rows).toEqual([]);
    started.hs.control.associate(hBo, hBeta);

    const mark = associationMarkKey(hBo);
    await started.world.store.setMeta(LINKS_SCOPE, mark, '2026-03-02T08:00:00.000Z');
    const dry = await started.world.run({ dryRun: true });
    expect(dry.rows.map((r) => `${r.side} ${r.action} ${r.company} ${r.outcome}`)).toEqual([
      `propstreet associate ${betaId} planned`,
    ]);
    expect(await started.world.store.getMeta(LINKS_SCOPE, mark)).not.toBeNull();

    const real = await started.world.run();
    expect(real.fullScan).toBe(false);
    expect(real.rows.map((r) => `${r.side} ${r.action} ${r.company} ${r.outcome}`)).toEqual([
      `propstreet associate ${betaId} done`,
    ]);
    expect(await started.world.employments(boId)).toEqual([`${betaId}:*`]);
    expect(await started.world.store.getMeta(LINKS_SCOPE, mark)).toBeNull();
    // Propstreet made that first link Bo's primary; the next run labels it in HubSpot, then rests.
    const next = await started.world.run();
    expect(next.rows.map((r) => `${r.side} ${r.action} ${r.company} ${r.outcome}`)).toEqual([
      `crm primary ${betaId} done`,
    ]);
    expect((await started.world.run()).rows).toEqual([]);
  });
});

describe('touchedContacts with association marks', () => {
  it('reads marked contacts on a CRM delta that shows nothing, and returns every key it read', async () => {
    const store = createSqliteStateStore({ path: ':memory:' });
    await store.migrate();
    try {
      const keys = [associationMarkKey('201'), associationMarkKey('201'), associationMarkKey('202')];
      for (const k of keys) await store.setMeta(LINKS_SCOPE, k, '2026-03-02T08:00:00.000Z');
      const ports = {
        store,
        scope: LINKS_SCOPE,
        clock: { now: () => new Date('2026-03-02T09:00:00.000Z'), sleep: async () => {} },
        propstreet: { listLinks: async function* () {} },
        crmChanges: async function* () {},
        contacts: {
          propstreetIds: async (ids: readonly string[]) =>
            new Map(ids.filter((id) => id === '201').map((id) => [id, 'ps-201'])),
        },
      } as unknown as LinksPorts;
      const touched = await touchedContacts(ports, { dryRun: false });
      expect([...touched.contacts]).toEqual(['ps-201']);
      // 202 is not linked (yet): deferred like an unlinked contact of the CRM delta.
      expect(touched.unlinkedCrm).toEqual(['202']);
      expect([...touched.marks].sort()).toEqual([...keys].sort());
    } finally {
      await store.close();
    }
  });
});

describe('associationMarks', () => {
  it('reads the contact of each mark key (ids with colons too) and ignores other facts', () => {
    const a = associationMarkKey('101');
    const b = associationMarkKey('101');
    const c = associationMarkKey('003:odd');
    expect(a).not.toBe(b);
    const read = associationMarks([
      { key: a },
      { key: 'links.fullScanAt' },
      { key: b },
      { key: c },
      { key: 'links.touched:' },
      { key: 'links.touched::x' },
    ]);
    expect([...read.crmIds]).toEqual(['101', '003:odd']);
    expect(read.keys).toEqual([a, b, c]);
  });
});
