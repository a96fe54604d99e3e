/**
 * Association marks (src/links/association-marks.ts): an association added in HubSpot alone
 * stamps no contact, so no delta shows it (hubspot-full-scan.test.ts pins that); a mark in the
 * links scope's meta (what `serve` writes on a `contact.associationChange` webhook) makes the
 * next links phase read that contact, and the phase removes the marks it read once it has
 * committed. End to end on the real fakes over HTTP; which contacts a phase reads, on a CRM
 * delta that shows nothing.
 */

import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { associationMarkKey, associationMarks } from '../../src/links/association-marks.js';
import type { LinksPorts } from '../../src/links/ports.js';
import { touchedContacts } from '../../src/links/touched-contacts.js';
import { memoryStore } from '../support/memory-store.js';
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

    const mark = associationMarkKey(hBo, 'hs:1:9:101:1772438400000');
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
  it('reads marked contacts on a CRM delta that shows nothing; an unlinked contact keeps its mark for a week', async () => {
    const store = await memoryStore();
    try {
      const fresh = '2026-03-02T08:00:00.000Z';
      const weekOld = '2026-02-23T08:59:59.000Z';
      const keys = {
        linked: [associationMarkKey('201', 'e1'), associationMarkKey('201', 'e2')],
        waiting: associationMarkKey('202', 'e3'),
        expired: associationMarkKey('203', 'e4'),
      };
      for (const k of keys.linked) await store.setMeta(LINKS_SCOPE, k, fresh);
      await store.setMeta(LINKS_SCOPE, keys.waiting, fresh);
      await store.setMeta(LINKS_SCOPE, keys.expired, weekOld);
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
      const touched = await touchedContacts(ports, { dryRun: false, redactor: new Redactor() });
      expect([...touched.contacts]).toEqual(['ps-201']);
      expect([...touched.unlinkedCrm].sort()).toEqual(['202', '203']);
      // Done with: the linked contact's two marks, and the unlinked one's a week old; the
      // unlinked contact's recent mark waits for its link.
      expect([...touched.marks].sort()).toEqual([...keys.linked, keys.expired].sort());
    } finally {
      await store.close();
    }
  });
});

describe('associationMarks', () => {
  it('one key per event and contact, the same for a retried event; reads ids with colons, ignores other facts', () => {
    const a = associationMarkKey('101', 'hs:1:9:101:1');
    const again = associationMarkKey('101', 'hs:1:9:101:1');
    const b = associationMarkKey('101', 'hs:2:9:900:1');
    const c = associationMarkKey('003:odd', 'hs:3:9:3:1');
    expect(again).toBe(a);
    expect(b).not.toBe(a);
    const v = '2026-03-02T08:00:00.000Z';
    const read = associationMarks([
      { key: a, value: v },
      { key: 'links.fullScanAt', value: v },
      { key: b, value: v },
      { key: c, value: v },
      { key: 'links.touched:', value: v },
      { key: 'links.touched::x', value: v },
    ]);
    expect(read.map((m) => [m.key, m.crmId])).toEqual([
      [a, '101'],
      [b, '101'],
      [c, '003:odd'],
    ]);
  });
});
