import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter } from '../../../src/crm/hubspot/index.js';
import type { CrmRecord } from '../../../src/crm/port.js';
import { clockPast } from '../../support/clock-past.js';
import {
  drain,
  FAST_LIMITS,
  KEY,
  MAPPED,
  records,
  resumeFromTie,
  type Started,
  startHubSpot,
  startHubSpotObject,
} from './hubspot-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

/** Per object: a record's properties, and an edit of one. */
const FIXTURES = {
  contacts: { props: (i: number) => ({ email: `z${i}@x.example.com` }), edit: { firstname: 'Later' } },
  companies: {
    props: (i: number) => ({ name: `Z ${i}`, domain: `z${i}.example.com` }),
    edit: { city: 'Later' },
  },
} as const;

describe('HubSpot delta reader', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.fake.close();
    started = undefined;
  });

  it('reads 25,000 records across the 10,000-result cap, 12,000 of them on one timestamp, each exactly once', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const base = Date.parse('2024-03-01T00:00:00.000Z');
    const tie = base + 10_000_000;
    const seed = Array.from({ length: 25_000 }, (_, i) => {
      // 5,000 spread out, 12,000 sharing one millisecond (a bulk import), 8,000 after it, in pairs.
      const at = i < 5_000 ? base + i * 7 : i < 17_000 ? tie : tie + 1 + Math.floor((i - 17_000) / 2);
      return {
        properties: { email: `c${i}@bulk.example.com`, firstname: `C${i}`, [KEY]: `ps-${i}` },
        updatedAt: at,
      };
    });
    fake.control.seed(seed);

    const pages = await drain(adapter.readChanges(null));
    const ids = records(pages).map((r) => r.id);
    expect(ids).toHaveLength(25_000);
    expect(new Set(ids).size).toBe(25_000);
    const modified = records(pages).map((r) => Date.parse(r.modifiedAt));
    expect(modified.every((m, i) => i === 0 || m >= (modified[i - 1] ?? 0))).toBe(true);

    const searches = fake.control.apiRequests().filter((r) => r.path.endsWith('/search'));
    expect(searches.every((r) => r.status === 200)).toBe(true);
    // 125 full pages of 200, the one page that reveals the tie, and one short page per phase.
    expect(searches.length).toBeLessThanOrEqual(130);
    expect(adapter.usage().calls.search).toBe(searches.length);

    // Resuming from a checkpoint inside the tie phase delivers everything after it.
    const { later, resumed } = await resumeFromTie(adapter, pages);
    const resumedIds = new Set(resumed.map((r) => r.id));
    expect([...later].every((id) => resumedIds.has(id))).toBe(true);
    expect(resumed.length).toBeLessThan(25_000);
  }, 120_000);

  it('does not lose a record edited while the read is under way', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const base = Date.parse('2024-03-01T00:00:00.000Z');
    const ids = fake.control.seed(
      Array.from({ length: 1_000 }, (_, i) => ({
        properties: { email: `m${i}@x.example.com` },
        updatedAt: base + i,
      })),
    );
    const seen = new Map<string, CrmRecord>();
    let edited = false;
    for await (const page of adapter.readChanges(null)) {
      for (const r of page.records) seen.set(r.id, r);
      if (!edited) {
        // Moves a record already read and one not yet read to the end of the order.
        fake.control.editAsUser(ids[0] ?? '', { firstname: 'Moved' });
        fake.control.editAsUser(ids[500] ?? '', { firstname: 'Moved too' });
        edited = true;
      }
    }
    expect(seen.size).toBe(1_000);
    expect(seen.get(ids[0] ?? '')?.properties.firstname).toBe('Moved');
    expect(seen.get(ids[500] ?? '')?.properties.firstname).toBe('Moved too');
  });

  it('reports archived records as deletions and merged-away ids as deletions pointing at the survivor', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const [a, b, c, d] = fake.control.seed(
      ['a', 'b', 'c', 'd'].map((n) => ({
        properties: { email: `${n}@merge.example.com`, [KEY]: `ps-${n}` },
      })),
    );
    if (!a || !b || !c || !d) throw new Error('seed failed');
    const first = await drain(adapter.readChanges(null));
    expect(records(first).every((r) => !r.deleted)).toBe(true);
    const checkpoint = first.at(-1)?.checkpoint ?? null;

    await clockPast(Date.now());
    fake.control.deleteAsUser(c);
    // HubSpot merges into a new record: both old ids point at it.
    const merged = fake.control.mergeAsUser(a, b);
    const changes = records(await drain(adapter.readChanges(checkpoint)));
    const byId = new Map(changes.map((r) => [r.id, r]));
    expect(byId.get(c)).toMatchObject({ deleted: true });
    expect(Date.parse(byId.get(c)?.modifiedAt ?? '')).toBe(Date.parse(fake.control.get(c)?.archivedAt ?? ''));
    expect(byId.get(merged)).toMatchObject({ deleted: false, properties: { [KEY]: 'ps-a' } });
    expect(byId.get(a)).toMatchObject({ deleted: true, mergedInto: merged });
    expect(byId.get(b)).toMatchObject({ deleted: true, mergedInto: merged });
    // The old ids are no longer live: they come only from the new record's hs_merged_object_ids.
    expect(changes.filter((r) => r.id === a || r.id === b).every((r) => r.mergedInto === merged)).toBe(true);
    // Records on the checkpoint's own timestamp may come again, unchanged.
    const dFirst = records(first).find((r) => r.id === d);
    if (byId.has(d)) expect(byId.get(d)?.modifiedAt).toBe(dFirst?.modifiedAt);

    // The survivor's read by the old id says the same.
    const read = await adapter.readByIds([a, b]);
    expect(read).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: a, deleted: true, mergedInto: merged }),
        expect.objectContaining({ id: b, deleted: true, mergedInto: merged }),
      ]),
    );
    expect(read).toHaveLength(2);
  });

  it.each(['contacts', 'companies'] as const)(
    'walks the archived list page by page, keeping only archives since the checkpoint (%s)',
    async (objectType) => {
      started = await startHubSpotObject({ objectType });
      const { fake, adapter } = started;
      const objects = fake.control.objects(objectType);
      const ids = objects.seed(
        Array.from({ length: 250 }, (_, i) => ({ properties: FIXTURES[objectType].props(i) })),
      );
      for (const id of ids.slice(0, 120)) objects.deleteAsUser(id);
      // A later live change moves the checkpoint past those first archives.
      await clockPast(Date.now());
      objects.editAsUser(ids[249] ?? '', FIXTURES[objectType].edit);
      const checkpoint = (await drain(adapter.readChanges(null))).at(-1)?.checkpoint ?? null;
      await clockPast(Date.now());
      for (const id of ids.slice(120, 230)) objects.deleteAsUser(id);
      const before = adapter.usage().calls.list ?? 0;
      const deleted = records(await drain(adapter.readChanges(checkpoint))).filter((r) => r.deleted);
      expect(deleted.map((r) => r.id).sort()).toEqual(ids.slice(120, 230).sort());
      // 230 archived records, 100 per list page, all from this object's list.
      expect((adapter.usage().calls.list ?? 0) - before).toBe(3);
      const lists = fake.control.apiRequests().filter((r) => r.query.includes('archived=true'));
      expect(lists.every((r) => r.path === `/crm/v3/objects/${objectType}`)).toBe(true);
    },
  );

  it('walks the archived list only as often as archivedScanIntervalMs allows, missing no archive', async () => {
    started = await startHubSpot();
    const { fake } = started;
    const adapter = createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-test-token-0001',
      basePath: fake.url,
      properties: MAPPED,
      limits: FAST_LIMITS,
      archivedScanIntervalMs: 3600_000,
    });
    const ids = fake.control.seed(
      Array.from({ length: 5 }, (_, i) => ({ properties: { email: `s${i}@x.example.com` } })),
    );
    const t0 = new Date();
    const lists = () => adapter.usage().calls.list ?? 0;
    let checkpoint = (await drain(adapter.readChanges(null, { now: t0 }))).at(-1)?.checkpoint ?? null;
    await clockPast(Date.now());
    fake.control.deleteAsUser(ids[0] ?? '');

    // Half an hour later: no walk, no deletion yet, and the checkpoint keeps the walk's mark.
    const early = await drain(adapter.readChanges(checkpoint, { now: new Date(t0.getTime() + 1800_000) }));
    expect(lists()).toBe(0);
    expect(records(early).filter((r) => r.deleted)).toEqual([]);
    checkpoint = early.at(-1)?.checkpoint ?? checkpoint;

    // An hour later the walk is due and finds the archive made before the skipped read.
    const late = await drain(adapter.readChanges(checkpoint, { now: new Date(t0.getTime() + 3600_000) }));
    expect(lists()).toBe(1);
    expect(
      records(late)
        .filter((r) => r.deleted)
        .map((r) => r.id),
    ).toEqual([ids[0]]);
  });

  it('re-reads the overlap window before a checkpoint when asked to', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const now = Date.now();
    const ids = fake.control.seed(
      [0, 1, 2, 3].map((i) => ({
        properties: { email: `o${i}@x.example.com` },
        updatedAt: now - 40_000 + i * 10_000,
      })),
    );
    const checkpoint = (await drain(adapter.readChanges(null))).at(-1)?.checkpoint ?? null;
    const plain = records(await drain(adapter.readChanges(checkpoint))).map((r) => r.id);
    expect(plain).toEqual([ids[3]]);
    const overlapped = records(await drain(adapter.readChanges(checkpoint, { overlapMs: 15_000 }))).map(
      (r) => r.id,
    );
    expect(overlapped).toEqual([ids[2], ids[3]]);
  });

  it('reads batches that share a stamp without re-reading a record at a page boundary', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const base = Date.parse('2024-03-01T00:00:00.000Z');
    // A first sync's upserts: 100 records per batch, one stamp per batch; pages of 200 end inside them.
    fake.control.seed(
      Array.from({ length: 1_050 }, (_, i) => ({
        properties: { email: `b${i}@x.example.com` },
        updatedAt: base + Math.floor((i + 30) / 100) * 1_000,
      })),
    );
    const ids = records(await drain(adapter.readChanges(null))).map((r) => r.id);
    expect(ids).toHaveLength(1_050);
    expect(new Set(ids).size).toBe(1_050);
    const searches = fake.control.apiRequests().filter((r) => r.path.endsWith('/search'));
    expect(searches).toHaveLength(6); // ⌈1,050 / 200⌉: every page full of new records
  });

  it('reads a bulk import on one stamp in one search more than it has pages, each within 3,000 characters', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const at = Date.parse('2024-03-01T00:00:00.000Z');
    fake.control.seed(
      Array.from({ length: 1_000 }, (_, i) => ({
        properties: { email: `t${i}@x.example.com` },
        updatedAt: at,
      })),
    );
    const pages = await drain(adapter.readChanges(null));
    const ids = records(pages).map((r) => r.id);
    expect(new Set(ids).size).toBe(1_000);
    expect(ids).toHaveLength(1_000);
    // The first page, then the rest of the stamp by id, leaving out as many of the first page's
    // 200 ids as a query's 3,000 characters hold (11-digit ids: not all of them, so the rest come
    // again and are skipped: one search more than the 5 pages); the first query's total says
    // nothing comes after the stamp, so no empty query ends it. The fake refuses a longer body.
    const searches = fake.control.apiRequests().filter((r) => r.path.endsWith('/search'));
    expect(searches.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Resumed, the read goes on strictly after the stamp.
    const again = records(await drain(adapter.readChanges(pages.at(-1)?.checkpoint ?? null)));
    expect(again).toHaveLength(0);
  });

  it('re-reads from the run’s `from` instead of checkpoint − overlap, never from after the checkpoint', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const now = Date.now();
    const stamps = [0, 1, 2, 3].map((i) => now - 40_000 + i * 10_000);
    const ids = fake.control.seed(
      stamps.map((updatedAt, i) => ({ properties: { email: `f${i}@x.example.com` }, updatedAt })),
    );
    const checkpoint = (await drain(adapter.readChanges(null))).at(-1)?.checkpoint ?? null;
    const read = async (from: number) =>
      records(
        await drain(adapter.readChanges(checkpoint, { overlapMs: 0, from: new Date(from).toISOString() })),
      ).map((r) => r.id);
    // Inclusive of the stamp it names.
    expect(await read(stamps[2] ?? 0)).toEqual([ids[2], ids[3]]);
    expect(await read(now - 60_000)).toEqual(ids);
    expect(await read(now + 60_000)).toEqual([ids[3]]);
  });

  it('rejects a checkpoint that is not its own', async () => {
    started = await startHubSpot();
    await expect(drain(started.adapter.readChanges('2024-01-01T00:00:00Z'))).rejects.toMatchObject({
      code: 'STATE',
    });
  });
});
