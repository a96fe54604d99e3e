import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import { createLocalDispatch } from '../../src/serve/local-dispatch.js';
import { createServeMetrics } from '../../src/serve/serve-metrics.js';
import type { JobOutcome } from '../../src/worker/job-outcome.js';
import { ManualTimers } from './manual-timers.js';

const ok = { status: 'ok', done: {} } as unknown as ConnectionResult;
const acme = { tenant: 'acme', connection: 'hubspot' };

describe('in-process dispatch', () => {
  it('maps run outcomes: done ran, a lock held elsewhere is busy, a failure is failed', async () => {
    const timers = new ManualTimers();
    const outcomes: JobOutcome[] = [
      { kind: 'done', results: [ok] },
      { kind: 'skipped', reason: 'another run holds the lock' },
      { kind: 'retry', code: 'RATE_LIMITED', message: 'slow down' },
      { kind: 'dead-letter', code: 'MASS_DELETE_GUARD', message: 'too many deletes' },
    ];
    const metrics = createServeMetrics();
    const dispatch = createLocalDispatch({
      run: async () => outcomes.shift() ?? { kind: 'done', results: [ok] },
      clock: timers.clock,
      metrics,
      logger: silentLogger,
    });
    const earliest = new Date(timers.clock.now().getTime() - 4000);
    const window = { events: 2, earliest, openedAt: timers.clock.now() };
    expect(await dispatch(acme, window)).toBe('ran');
    expect(await dispatch(acme, window)).toBe('busy');
    expect(await dispatch(acme, window)).toBe('failed');
    expect(await dispatch(acme, window)).toBe('failed');
    // The edit happened 4 s before the run that carried it ended.
    expect(await metrics.registry.render()).toContain('propsync_event_to_synced_seconds_bucket{le="5"} 1');
  });

  it('runs at most `concurrency` at once across tenants', async () => {
    const timers = new ManualTimers();
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const dispatch = createLocalDispatch({
      concurrency: 2,
      clock: timers.clock,
      logger: silentLogger,
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return { kind: 'done', results: [ok] };
      },
    });
    const window = { events: 1, earliest: timers.clock.now(), openedAt: timers.clock.now() };
    const all = ['a', 'b', 'c', 'd'].map((tenant) => dispatch({ tenant, connection: 'hubspot' }, window));
    // Release runs one by one as they start; two at most were ever in flight.
    for (let released = 0; released < 4; released++) {
      while (gates.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    expect(await Promise.all(all)).toEqual(['ran', 'ran', 'ran', 'ran']);
    expect(most).toBe(2);
  });

  it("runs a tenant's connections one after the other, other tenants meanwhile, and holds no slot while waiting", async () => {
    const timers = new ManualTimers();
    const running = new Set<string>();
    const started: string[] = [];
    const overlaps: string[] = [];
    const gates = new Map<string, () => void>();
    const dispatch = createLocalDispatch({
      concurrency: 2,
      clock: timers.clock,
      logger: silentLogger,
      run: async (scope) => {
        const key = `${scope.tenant}/${scope.connection}`;
        for (const other of running)
          if (other.startsWith(`${scope.tenant}/`)) overlaps.push(`${other}+${key}`);
        running.add(key);
        started.push(key);
        await new Promise<void>((resolve) => gates.set(key, resolve));
        running.delete(key);
        return { kind: 'done', results: [ok] };
      },
    });
    const window = { events: 1, earliest: timers.clock.now(), openedAt: timers.clock.now() };
    const all = [
      dispatch({ tenant: 'acme', connection: 'hubspot' }, window),
      dispatch({ tenant: 'acme', connection: 'salesforce' }, window),
      dispatch({ tenant: 'beta', connection: 'hubspot' }, window),
    ];
    const startedRun = async (key: string) => {
      while (!gates.has(key)) await new Promise<void>((resolve) => setImmediate(resolve));
    };
    // acme/salesforce waits for its turn without a slot: beta takes the second one.
    while (started.length < 2) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(started).toEqual(['acme/hubspot', 'beta/hubspot']);
    gates.get('acme/hubspot')?.();
    await startedRun('acme/salesforce');
    gates.get('acme/salesforce')?.();
    gates.get('beta/hubspot')?.();
    expect(await Promise.all(all)).toEqual(['ran', 'ran', 'ran']);
    expect(overlaps).toEqual([]);
  });

  it("another process's run of the tenant (its tenant lock) is busy, offered again; other retries fail", async () => {
    const timers = new ManualTimers();
    const outcomes: JobOutcome[] = [
      { kind: 'retry', code: 'RUN_IN_PROGRESS', message: 'another run of tenant acme is in progress' },
      { kind: 'retry', code: 'SERVER_ERROR', message: '503' },
    ];
    const dispatch = createLocalDispatch({
      run: async () => outcomes.shift() ?? { kind: 'done', results: [ok] },
      clock: timers.clock,
      logger: silentLogger,
    });
    const window = { events: 1, earliest: timers.clock.now(), openedAt: timers.clock.now() };
    expect(await dispatch(acme, window)).toBe('busy');
    expect(await dispatch(acme, window)).toBe('failed');
  });
});
