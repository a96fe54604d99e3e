/**
 * DeltaBoundary (src/links/delta-boundary.ts): which versions a links phase remembers at the
 * newest stamp of its deltas, and that a version stamped within the margin before the read is
 * never remembered (a same-stamp edit after the read would be skipped: Salesforce stamps whole
 * seconds; salesforce-links.test.ts fails without the margin).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOUNDARY_META, DeltaBoundary } from '../../src/links/delta-boundary.js';
import type { StateStore } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';

const scope = { tenant: 't', connection: 'c', kind: 'links' };
const READ_AT = new Date('2026-12-03T12:00:00.000Z');
const OLD = '2026-12-03T11:50:00.000Z';
const NEWER = '2026-12-03T11:55:00.000Z';

describe('DeltaBoundary', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = await memoryStore();
  });
  afterEach(async () => store.close());

  const phase = async (at: Date, see: (b: DeltaBoundary) => boolean[]) => {
    const b = await DeltaBoundary.load(store, scope, at, 60_000);
    const skipped = see(b);
    await b.save(store, scope);
    return skipped;
  };

  it('remembers the versions at the newest stamp, and the next phase skips exactly those', async () => {
    expect(
      await phase(READ_AT, (b) => [
        b.link('l1', OLD),
        b.link('l2', NEWER),
        b.link('l3', NEWER),
        b.contact('c1', NEWER),
      ]),
    ).toEqual([false, false, false, false]);
    expect(JSON.parse((await store.getMeta(scope, BOUNDARY_META)) ?? '')).toEqual({
      v: 1,
      ps: { l2: NEWER, l3: NEWER },
      crm: { c1: NEWER },
      rel: {},
    });
    const next = await phase(READ_AT, (b) => [
      b.link('l1', OLD), // older than the boundary: not remembered, read (a full window read)
      b.link('l2', NEWER), // the same version: skipped
      b.link('l3', '2026-12-03T11:56:00.000Z'), // a new version: read
      b.contact('c1', NEWER),
      b.contact('c2', NEWER), // late visible at the boundary's stamp: read
    ]);
    expect(next).toEqual([false, true, false, true, false]);
  });

  it('never remembers a version stamped within the margin (the overlap, at least a minute) before the read', async () => {
    const fresh = '2026-12-03T11:59:30.000Z';
    await phase(READ_AT, (b) => [b.link('l1', fresh), b.contact('c1', fresh)]);
    expect(await phase(READ_AT, (b) => [b.link('l1', fresh), b.contact('c1', fresh)])).toEqual([
      false,
      false,
    ]);
    // With a five-minute overlap, a version four minutes old is still too young.
    const b = await DeltaBoundary.load(store, scope, READ_AT, 300_000);
    b.link('l2', '2026-12-03T11:56:00.000Z');
    await b.save(store, scope);
    expect(JSON.parse((await store.getMeta(scope, BOUNDARY_META)) ?? '').ps).toEqual({});
  });

  it('keeps the relation delta on its own edge: a relation newer than every contact leaves the contacts remembered', async () => {
    const NEWEST = '2026-12-03T11:57:00.000Z';
    await phase(READ_AT, (b) => [b.contact('c1', NEWER), b.relation('r1', NEWEST), b.relation('r0', OLD)]);
    expect(JSON.parse((await store.getMeta(scope, BOUNDARY_META)) ?? '')).toMatchObject({
      crm: { c1: NEWER },
      rel: { r1: NEWEST },
    });
    // The same versions again: all skipped but the older relation; a relation edited since: read.
    expect(
      await phase(READ_AT, (b) => [
        b.contact('c1', NEWER),
        b.relation('r1', NEWEST),
        b.relation('r0', OLD),
        b.relation('r2', NEWEST),
      ]),
    ).toEqual([true, true, false, false]);
  });

  it('reads a fact saved before the relation delta (no rel): nothing of it skipped, the rest kept', async () => {
    await store.setMeta(scope, BOUNDARY_META, JSON.stringify({ v: 1, ps: {}, crm: { c1: NEWER } }));
    expect(await phase(READ_AT, (b) => [b.contact('c1', NEWER), b.relation('r1', NEWER)])).toEqual([
      true,
      false,
    ]);
  });

  it('an unreadable fact, or more than 2,000 versions at one stamp, means reading everything again', async () => {
    await store.setMeta(scope, BOUNDARY_META, '{not json');
    expect(
      await phase(READ_AT, (b) => Array.from({ length: 2_001 }, (_, i) => b.link(`l${i}`, OLD))),
    ).not.toContain(true);
    expect(JSON.parse((await store.getMeta(scope, BOUNDARY_META)) ?? '').ps).toEqual({});
  });
});
