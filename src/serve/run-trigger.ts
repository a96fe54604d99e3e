/**
 * Turns run requests into debounced, coalesced runs: per tenant+connection at most one
 * dispatch in flight and one window pending. The first request opens a window of `debounceMs`;
 * requests inside it join it; when it closes, one dispatch goes out. Requests that arrive while
 * a dispatch is in flight wait in a pending window, which closes `debounceMs` after its first
 * request (or at once, if the dispatch took longer) and dispatches again. So a burst of 1,000
 * events is one or two runs, and no event waits for more than two windows and two runs.
 *
 * What a dispatch does is injected: run here (SQLite, one machine) or queue a job (PostgreSQL,
 * pg-boss). A queue that already runs the key and holds no queued job answers `busy`: the
 * window is kept and retried after `busyRetryMs`, because the running job may have read its
 * deltas before these events happened.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ConnectionScope } from '../state/port.js';
import type { RunRequest, RunRequests } from './intake.js';
import type { DispatchOutcome, ServeMetrics } from './serve-metrics.js';
import type { Timers } from './timers.js';

/** The events one dispatch answers. */
export interface Window {
  readonly events: number;
  /** When the vendor says the earliest event happened. */
  readonly earliest: Date;
  /** When the first of them reached us (the window opened). */
  readonly openedAt: Date;
}

export type Dispatch = (scope: ConnectionScope, window: Window) => Promise<DispatchOutcome>;

export type TriggerEvent =
  | { readonly type: 'dispatch'; readonly scope: ConnectionScope; readonly window: Window }
  | { readonly type: 'settled'; readonly scope: ConnectionScope; readonly outcome: DispatchOutcome };

export interface RunTriggerOptions {
  readonly dispatch: Dispatch;
  readonly timers: Timers;
  readonly clock: Clock;
  /** How long a window stays open for more events; default 1.5 s. */
  readonly debounceMs?: number;
  /** How soon a `busy` window is offered again; default 2 s. */
  readonly busyRetryMs?: number;
  readonly metrics?: ServeMetrics;
  readonly logger?: Logger;
  /** Sees each dispatch and its end (tests; extra instrumentation). */
  readonly observe?: (event: TriggerEvent) => void;
}

export interface RunTrigger extends RunRequests {
  /** Closes every open window now (shutdown) and stops opening new ones. */
  close(): void;
  /** Resolves when no window is open or pending and no dispatch is in flight. */
  idle(): Promise<void>;
  /** Keys with an open window or a dispatch in flight. */
  active(): number;
}

interface Slot {
  readonly scope: ConnectionScope;
  /** Waiting for `timer`, or dispatching. */
  dispatching: boolean;
  timer: unknown;
  /** The window the next dispatch answers (null while dispatching with nothing new). */
  next: Window | null;
}

const DEFAULT_DEBOUNCE_MS = 1500;

const earlier = (a: Date, b: Date): Date => (b.getTime() < a.getTime() ? b : a);

const merge = (a: Window | null, b: Window): Window =>
  a === null
    ? b
    : {
        events: a.events + b.events,
        earliest: earlier(a.earliest, b.earliest),
        openedAt: earlier(a.openedAt, b.openedAt),
      };

export function createRunTrigger(options: RunTriggerOptions): RunTrigger {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const busyRetryMs = options.busyRetryMs ?? 2000;
  const slots = new Map<string, Slot>();
  let closing = false;
  let idleWaiters: (() => void)[] = [];
  const keyOf = (s: ConnectionScope) => `${s.tenant}/${s.connection}`;

  const checkIdle = () => {
    if (slots.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const arm = (slot: Slot, ms: number) => {
    slot.timer = options.timers.set(() => fire(slot), closing ? 0 : Math.max(0, ms));
  };

  const fire = (slot: Slot) => {
    slot.timer = undefined;
    const window = slot.next;
    if (window === null) {
      if (!slot.dispatching) slots.delete(keyOf(slot.scope));
      checkIdle();
      return;
    }
    slot.next = null;
    slot.dispatching = true;
    options.observe?.({ type: 'dispatch', scope: slot.scope, window });
    const started = options.clock.now();
    const waited = (started.getTime() - window.openedAt.getTime()) / 1000;
    let running: Promise<DispatchOutcome>;
    try {
      running = options.dispatch(slot.scope, window);
    } catch (error) {
      running = Promise.reject(error);
    }
    void running
      .catch((error: unknown): DispatchOutcome => {
        options.logger?.error({ ...slot.scope, err: (error as Error).message }, 'run dispatch failed');
        return 'failed';
      })
      .then((outcome) => settle(slot, window, outcome, waited));
  };

  const settle = (slot: Slot, window: Window, outcome: DispatchOutcome, waited: number) => {
    slot.dispatching = false;
    options.metrics?.dispatched(slot.scope, outcome, waited);
    if (outcome === 'busy' && closing) {
      // Shutting down behind a job still running elsewhere: the next event or the schedule catches up.
      options.logger?.warn(
        { ...slot.scope },
        'shutting down: run request dropped while a queued run is busy',
      );
      if (slot.next === null) slots.delete(keyOf(slot.scope));
      else arm(slot, 0);
    } else if (outcome === 'busy') {
      // Not handed over: these events still need a run that starts after them.
      slot.next = merge(slot.next, window);
      arm(slot, busyRetryMs);
    } else if (slot.next !== null) {
      const age = options.clock.now().getTime() - slot.next.openedAt.getTime();
      arm(slot, debounceMs - age);
    } else {
      slots.delete(keyOf(slot.scope));
    }
    options.observe?.({ type: 'settled', scope: slot.scope, outcome });
    checkIdle();
  };

  return {
    request(scope: ConnectionScope, request: RunRequest) {
      const window: Window = {
        events: request.events,
        earliest: request.earliest,
        openedAt: request.receivedAt,
      };
      const key = keyOf(scope);
      const slot = slots.get(key);
      if (!slot) {
        const fresh: Slot = { scope, dispatching: false, timer: undefined, next: window };
        slots.set(key, fresh);
        arm(fresh, debounceMs);
        return;
      }
      const hadWindow = slot.next !== null;
      slot.next = merge(slot.next, window);
      // A pending window behind a dispatch is armed when that dispatch settles.
      if (!hadWindow && !slot.dispatching && slot.timer === undefined) arm(slot, debounceMs);
    },
    close() {
      closing = true;
      for (const slot of slots.values())
        if (slot.timer !== undefined) {
          options.timers.clear(slot.timer);
          fire(slot);
        }
    },
    idle() {
      return slots.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    active: () => slots.size,
  };
}
