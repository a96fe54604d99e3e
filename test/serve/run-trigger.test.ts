import { describe, expect, it } from 'vitest';
import { createRunTrigger, type Window } from '../../src/serve/run-trigger.js';
import type { DispatchOutcome } from '../../src/serve/serve-metrics.js';
import { createServeMetrics } from '../../src/serve/serve-metrics.js';
import type { ConnectionScope } from '../../src/state/port.js';
import { ManualTimers } from './manual-timers.js';

interface Call {
  readonly scope: ConnectionScope;
  readonly window: Window;
  finish(outcome: DispatchOutcome): Promise<void>;
}

/** A trigger whose dispatches wait until the test finishes them; `settled(n)` waits for the n-th end. */
function harness(options: { debounceMs?: number; busyRetryMs?: number } = {}) {
  const timers = new ManualTimers();
  const calls: Call[] = [];
  let settledCount = 0;
  let waiters: { n: number; resolve: () => void }[] = [];
  const metrics = createServeMetrics();
  const trigger = createRunTrigger({
    timers,
    clock: timers.clock,
    metrics,
    debounceMs: options.debounceMs ?? 1000,
    busyRetryMs: options.busyRetryMs ?? 2000,
    dispatch: (scope, window) =>
      new Promise<DispatchOutcome>((resolve) => {
        calls.push({
          scope,
          window,
          finish: (outcome) => {
            const n = settledCount + 1;
            resolve(outcome);
            return n <= settledCount
              ? Promise.resolve()
              : new Promise((r) => waiters.push({ n, resolve: r }));
          },
        });
      }),
    observe: (event) => {
      if (event.type !== 'settled') return;
      settledCount++;
      for (const w of waiters.filter((x) => settledCount >= x.n)) w.resolve();
      waiters = waiters.filter((w) => settledCount < w.n);
    },
  });
  const request = (scope: ConnectionScope, events = 1) =>
    trigger.request(scope, { events, earliest: timers.clock.now(), receivedAt: timers.clock.now() });
  return { timers, calls, trigger, request, metrics };
}

const acme = { tenant: 'acme', connection: 'hubspot' };
const beta = { tenant: 'beta', connection: 'hubspot' };

describe('run trigger: debounced, coalesced runs', () => {
  it('a burst of 1,000 events inside one window is one run', async () => {
    const h = harness();
    for (let i = 0; i < 1000; i++) {
      h.request(acme);
      h.timers.advance(0.5); // 500 ms of events in all, inside the 1 s window
    }
    expect(h.calls).toHaveLength(0);
    h.timers.advance(1000);
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]?.window.events).toBe(1000);
    await h.calls[0]?.finish('ran');
    await h.trigger.idle();
    expect(h.calls).toHaveLength(1);
    expect(h.trigger.active()).toBe(0);
  });

  it('events during a run wait in one pending window: a burst across a run is two runs', async () => {
    const h = harness();
    h.request(acme);
    h.timers.advance(1000);
    expect(h.calls).toHaveLength(1);
    // 1,000 more while the first run is in flight: none starts a run of its own.
    for (let i = 0; i < 1000; i++) {
      h.request(acme);
      h.timers.advance(5);
    }
    expect(h.calls).toHaveLength(1);
    // The run took 5 s, longer than the window: the pending one is dispatched at once.
    await h.calls[0]?.finish('ran');
    h.timers.advance(0);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]?.window.events).toBe(1000);
    await h.calls[1]?.finish('ran');
    await h.trigger.idle();
  });

  it('a pending window still waits out the rest of its debounce after a short run', async () => {
    const h = harness();
    h.request(acme);
    h.timers.advance(1000);
    h.timers.advance(100);
    h.request(acme); // pending, opened 100 ms after the run started
    h.timers.advance(500);
    await h.calls[0]?.finish('ran'); // the run ends 500 ms into the pending window
    h.timers.advance(499);
    expect(h.calls).toHaveLength(1);
    h.timers.advance(1);
    expect(h.calls).toHaveLength(2);
    await h.calls[1]?.finish('ran');
  });

  it('keys are independent: one tenant+connection never waits for another', async () => {
    const h = harness();
    h.request(acme);
    h.timers.advance(500);
    h.request(beta);
    h.timers.advance(500);
    expect(h.calls.map((c) => c.scope.tenant)).toEqual(['acme']);
    h.timers.advance(500);
    expect(h.calls.map((c) => c.scope.tenant)).toEqual(['acme', 'beta']);
    await h.calls[0]?.finish('ran');
    await h.calls[1]?.finish('ran');
    await h.trigger.idle();
  });

  it('a busy queue keeps the window and offers it again later', async () => {
    const h = harness({ busyRetryMs: 2000 });
    h.request(acme, 3);
    h.timers.advance(1000);
    await h.calls[0]?.finish('busy');
    h.request(acme, 2); // joins the kept window
    h.timers.advance(1999);
    expect(h.calls).toHaveLength(1);
    h.timers.advance(1);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]?.window.events).toBe(5);
    await h.calls[1]?.finish('queued');
    await h.trigger.idle();
    const text = await h.metrics.registry.render();
    expect(text).toContain(
      'propsync_serve_dispatches_total{tenant="acme",connection="hubspot",outcome="busy"} 1',
    );
    expect(text).toContain(
      'propsync_serve_dispatches_total{tenant="acme",connection="hubspot",outcome="queued"} 1',
    );
  });

  it('a failed dispatch does not wedge the key', async () => {
    const timers = new ManualTimers();
    let n = 0;
    const trigger = createRunTrigger({
      timers,
      clock: timers.clock,
      debounceMs: 10,
      dispatch: async () => {
        n++;
        throw new Error('database down');
      },
    });
    trigger.request(acme, { events: 1, earliest: timers.clock.now(), receivedAt: timers.clock.now() });
    timers.advance(10);
    await trigger.idle();
    trigger.request(acme, { events: 1, earliest: timers.clock.now(), receivedAt: timers.clock.now() });
    timers.advance(10);
    await trigger.idle();
    expect(n).toBe(2);
  });

  it('close() dispatches open windows at once instead of dropping them', async () => {
    const h = harness({ debounceMs: 60_000 });
    h.request(acme);
    h.request(beta);
    h.trigger.close();
    expect(h.calls).toHaveLength(2);
    await h.calls[0]?.finish('ran');
    await h.calls[1]?.finish('ran');
    await h.trigger.idle();
    expect(h.timers.pending).toBe(0);
  });
});
