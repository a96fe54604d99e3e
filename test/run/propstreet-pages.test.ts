/**
 * The Propstreet reader beside the planner: pages come out in the order read, the reader stays
 * at most its lead ahead (the next page is not even asked for), each wait for the planner is a
 * lull the sink may use, and stopping the planner ends a waiting walk.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { PlanTally } from '../../src/engine/plan-tally.js';
import type { RecordPage } from '../../src/engine/ports.js';
import type { PropstreetRecord } from '../../src/engine/records.js';
import { type PagesRun, PropstreetPages } from '../../src/run/propstreet-pages.js';
import { RunMeter } from '../../src/run/run-meter.js';
import type { StateStore } from '../../src/state/port.js';
import { pairSettings } from '../engine/pair-builders.js';
import { memoryStore } from '../support/memory-store.js';

const scope = { tenant: 't', connection: 'hubspot', kind: 'contacts' };
const NOW = new Date('2026-01-05T00:00:00.000Z');

const record = (i: number): PropstreetRecord => ({
  id: `ps-${String(i).padStart(4, '0')}`,
  externalRefs: [],
  updatedUtc: `2026-01-04T00:00:${String(i % 60).padStart(2, '0')}.0000000Z`,
});

let store: StateStore;
beforeEach(async () => {
  store = await memoryStore();
});
afterEach(async () => store.close());

/** A run whose Propstreet delta is `list`. */
function pagesRun(list: PagesRun<PropstreetRecord>['propstreet']['list']): PagesRun<PropstreetRecord> {
  return {
    store,
    scope,
    settings: pairSettings(),
    tally: new PlanTally(),
    meter: new RunMeter(),
    propstreet: { list },
  };
}

/** `pages` pages of `size` records; `asked` counts the pages the walk asked for. */
function source(pages: number, size: number) {
  const seen = { asked: 0 };
  async function* list(): AsyncIterable<RecordPage<PropstreetRecord>> {
    for (let p = 0; p < pages; p++) {
      seen.asked++;
      yield { records: Array.from({ length: size }, (_, i) => record(p * size + i)), invalid: [] };
    }
  }
  return { run: pagesRun(list), seen };
}

/** Lets every promise that can settle settle (no timer involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('Propstreet pages beside the planner', () => {
  it('hands the pages over in the order read, and the walk ends', async () => {
    const { run } = source(5, 3);
    const pages = new PropstreetPages(run, { kind: 'checkpoint' }, NOW, 4);
    const reading = pages.read();
    const ids: string[] = [];
    for (let page = await pages.next(); page; page = await pages.next()) ids.push(...page.map((r) => r.id));
    expect(ids).toEqual(Array.from({ length: 15 }, (_, i) => record(i).id));
    expect((await reading).checkpoint).toBe(record(14).updatedUtc);
  });

  it('stays at most its lead ahead: the next page is asked for only once the planner took one', async () => {
    const { run, seen } = source(10, 3);
    const lulls: number[] = [];
    const pages = new PropstreetPages(run, { kind: 'checkpoint' }, NOW, 6);
    const reading = pages.read(async (wait) => {
      lulls.push(seen.asked);
      await wait;
    });
    await settle();
    // Two pages (6 records) wait: the reader asked for no third.
    expect(seen.asked).toBe(2);
    expect(lulls).toEqual([2]);
    await pages.next();
    await settle();
    expect(seen.asked).toBe(3);
    expect(lulls).toEqual([2, 3]);
    while (await pages.next());
    await reading;
    expect(seen.asked).toBe(10);
    // A planner that keeps up never lets the lead fill again: no more waits.
    expect(lulls).toEqual([2, 3]);
  });

  it('a reader waiting for the planner ends its walk when the planner stops, with no checkpoint', async () => {
    const { run, seen } = source(10, 3);
    const pages = new PropstreetPages(run, { kind: 'checkpoint' }, NOW, 3);
    const reading = pages.read();
    await settle();
    expect(seen.asked).toBe(1);
    pages.stop();
    const read = await reading;
    expect(seen.asked).toBe(1);
    // Pages read but never planned move no checkpoint.
    expect(read.checkpoint).toBeUndefined();
    // The page read before the stop is still handed over; then the walk is over.
    expect((await pages.next())?.map((r) => r.id)).toEqual([0, 1, 2].map((i) => record(i).id));
    expect(await pages.next()).toBeUndefined();
  });

  /**
   * 12 records in pages of 3, `updated_since` inclusive; the first walk's cursor is refused
   * (400 on `cursor`) when its third page is asked for.
   */
  function refusingSource() {
    const all = Array.from({ length: 12 }, (_, i) => record(i));
    const walks: (string | undefined)[] = [];
    async function* list(options: { updatedSince?: string | undefined }) {
      const walk = walks.push(options.updatedSince);
      const rows = all.filter((r) => !options.updatedSince || r.updatedUtc >= options.updatedSince);
      for (let at = 0; at < rows.length; at += 3) {
        if (walk === 1 && at === 6)
          throw new ValidationError('400 on cursor', { cursor: ['The cursor is invalid or expired.'] });
        yield { records: rows.slice(at, at + 3), invalid: [] };
      }
    }
    return { run: pagesRun(list), walks };
  }

  it('a cursor refused after a pause starts the walk again from the newest stamp read', async () => {
    const { run, walks } = refusingSource();
    const pages = new PropstreetPages(run, { kind: 'checkpoint' }, NOW, 3);
    const reading = pages.read();
    const ids: string[] = [];
    for (let page = await pages.next(); page; page = await pages.next()) ids.push(...page.map((r) => r.id));
    // Walked again from the last stamp read (inclusive): that record comes twice, nothing is lost.
    expect(walks).toEqual([undefined, record(5).updatedUtc]);
    expect(ids).toEqual([...[0, 1, 2, 3, 4, 5, 5], ...[6, 7, 8, 9, 10, 11]].map((i) => record(i).id));
    expect((await reading).checkpoint).toBe(record(11).updatedUtc);
  });

  it('a cursor refused without a pause is the run’s error', async () => {
    const { run, walks } = refusingSource();
    const pages = new PropstreetPages(run, { kind: 'checkpoint' }, NOW, 100);
    const reading = pages.read();
    reading.catch(() => undefined);
    await expect(
      (async () => {
        while (await pages.next());
      })(),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(reading).rejects.toBeInstanceOf(ValidationError);
    expect(walks).toEqual([undefined]);
  });
});
