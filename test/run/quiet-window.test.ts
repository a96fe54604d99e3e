/**
 * The deferred overlap window (src/run/quiet-window.ts): a run re-reads the whole window only
 * when the last run that did is at least one overlap ago, and then from that run's start − overlap;
 * in between, deltas are read from their checkpoints. The mark moves only with committed runs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compareStamps,
  crmWindow,
  FULL_READ_AT,
  planWindow,
  propstreetSince,
  QuietWindow,
} from '../../src/run/quiet-window.js';
import type { StateStore } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';

const scope = { tenant: 't', connection: 'hubspot', kind: 'contacts' };
const at = (iso: string) => new Date(iso);
const FIVE_MIN = 300_000;

describe('deferred overlap window', () => {
  it('re-reads checkpoint − overlap until a full read is known, then defers the window by one overlap', () => {
    expect(planWindow(at('2026-01-05T10:00:00Z'), FIVE_MIN, null)).toEqual({
      kind: 'overlap',
      overlapMs: FIVE_MIN,
    });
    // Less than one overlap after the last full read: from the checkpoint alone.
    expect(planWindow(at('2026-01-05T10:04:59Z'), FIVE_MIN, '2026-01-05T10:00:00.000Z')).toEqual({
      kind: 'checkpoint',
    });
    // One overlap later: from where that read could not yet see everything.
    expect(planWindow(at('2026-01-05T10:05:00Z'), FIVE_MIN, '2026-01-05T10:00:00.000Z')).toEqual({
      kind: 'from',
      from: '2026-01-05T09:55:00.000Z',
    });
    // A clock that went back proves nothing about the time passed: the deferred window.
    expect(planWindow(at('2026-01-05T09:00:00Z'), FIVE_MIN, '2026-01-05T10:00:00.000Z')).toEqual({
      kind: 'from',
      from: '2026-01-05T09:55:00.000Z',
    });
    // No overlap configured: always from the checkpoint, as before.
    expect(planWindow(at('2026-01-05T10:00:00Z'), 0, null)).toEqual({ kind: 'checkpoint' });
  });

  it('turns a plan into Propstreet’s updated_since and the CRM adapter’s options', () => {
    const cp = '2026-01-05T10:00:00.1234567Z';
    expect(propstreetSince(cp, { kind: 'checkpoint' })).toBe(cp);
    expect(propstreetSince(cp, { kind: 'overlap', overlapMs: FIVE_MIN })).toBe('2026-01-05T09:55:00.123Z');
    expect(propstreetSince(cp, { kind: 'from', from: '2026-01-05T09:50:00.000Z' })).toBe(
      '2026-01-05T09:50:00.000Z',
    );
    // Never after the checkpoint.
    expect(propstreetSince(cp, { kind: 'from', from: '2026-01-05T10:30:00.000Z' })).toBe(cp);
    expect(crmWindow({ kind: 'checkpoint' })).toEqual({ overlapMs: 0 });
    expect(crmWindow({ kind: 'overlap', overlapMs: FIVE_MIN })).toEqual({ overlapMs: FIVE_MIN });
    expect(crmWindow({ kind: 'from', from: '2026-01-05T09:50:00.000Z' })).toEqual({
      overlapMs: 0,
      from: '2026-01-05T09:50:00.000Z',
    });
    // Propstreet's 100-ns digits order stamps within one millisecond.
    expect(compareStamps('2026-01-05T10:00:00.0000002Z', '2026-01-05T10:00:00.0000010Z')).toBeLessThan(0);
  });

  describe('on a state store', () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await memoryStore();
    });
    afterEach(async () => store.close());

    const runAt = async (iso: string) => {
      const w = new QuietWindow();
      const plan = await w.load(store, scope, at(iso), FIVE_MIN);
      await w.save(store, scope);
      return plan.kind;
    };

    it('moves the mark only with runs that read the whole window', async () => {
      expect(await runAt('2026-01-05T10:00:00Z')).toBe('overlap');
      expect(await store.getMeta(scope, FULL_READ_AT)).toBe('2026-01-05T10:00:00.000Z');
      // Quiet runs leave it: the next full read still starts before everything they skipped.
      expect(await runAt('2026-01-05T10:01:00Z')).toBe('checkpoint');
      expect(await runAt('2026-01-05T10:04:00Z')).toBe('checkpoint');
      expect(await store.getMeta(scope, FULL_READ_AT)).toBe('2026-01-05T10:00:00.000Z');
      expect(await runAt('2026-01-05T10:05:30Z')).toBe('from');
      expect(await store.getMeta(scope, FULL_READ_AT)).toBe('2026-01-05T10:05:30.000Z');
    });

    it('a run that must read checkpoint − overlap (a failure due) reads the deferred window too when it is due', async () => {
      await runAt('2026-01-05T10:00:00Z');
      const w = new QuietWindow();
      const plan = await w.load(store, scope, at('2026-01-05T10:06:00Z'), FIVE_MIN, true);
      expect(plan).toEqual({ kind: 'overlapFrom', overlapMs: FIVE_MIN, from: '2026-01-05T09:55:00.000Z' });
      // Whichever starts earlier: the deferred window's start, or checkpoint − overlap.
      expect(propstreetSince('2026-01-05T10:05:50.0000000Z', plan)).toBe('2026-01-05T09:55:00.000Z');
      expect(propstreetSince('2026-01-05T09:58:00.0000000Z', plan)).toBe('2026-01-05T09:53:00.000Z');
      expect(crmWindow(plan)).toEqual({ overlapMs: FIVE_MIN, from: '2026-01-05T09:55:00.000Z' });
      // Within one overlap of the last full read: checkpoint − overlap alone, as before.
      await w.save(store, scope);
      expect(await new QuietWindow().load(store, scope, at('2026-01-05T10:07:00Z'), FIVE_MIN, true)).toEqual({
        kind: 'overlap',
        overlapMs: FIVE_MIN,
      });
    });

    it('leaves the mark alone when the run does not save (a dry run, a stopped run)', async () => {
      const w = new QuietWindow();
      expect((await w.load(store, scope, at('2026-01-05T10:00:00Z'), FIVE_MIN)).kind).toBe('overlap');
      expect(await store.getMeta(scope, FULL_READ_AT)).toBeNull();
    });
  });
});
