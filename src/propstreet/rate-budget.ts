/**
 * The send budget of one Propstreet token, as a port: where the smooth ceiling's state lives.
 * Propstreet limits a token, not a process, so every process using a token must draw on one
 * budget. Three implementations: `localRateBudget` (this process only: an in-memory state, or
 * the fallback while a shared one does not answer), the PostgreSQL one
 * (src/state/postgres-rate-budget.ts), shared by every worker, `serve` and CLI run whose state is
 * in that database, and the SQLite one (src/state/sqlite-rate-budget.ts), shared by every
 * process on the machine using that state file.
 *
 * Both are a GCRA: one "theoretical arrival time" per token; a request takes the next slot
 * `intervalMs` after the last one and may go out up to `toleranceMs` early (the burst). A
 * process that dies holding slots holds nothing after them: slots are instants, not permits.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

export interface ServerCount {
  /** `RateLimit-Remaining` of an answer. */
  readonly remaining: number;
  /** `RateLimit-Reset`, in ms from when the answer was read. */
  readonly resetMs: number;
  /** This process's other requests in flight, which the count may not include yet. */
  readonly inFlight: number;
}

export interface RateBudget {
  /** Takes the next slot for one request: how long (ms) to wait before sending it. */
  reserve(): Promise<number>;
  /**
   * The server's count, folded in so that everyone on the budget fits what the window still
   * takes when someone else (another propsync, a person's script) uses the token too.
   */
  observe(count: ServerCount): void;
  /** After a 429 with Retry-After: nobody on the budget sends for `ms`. */
  pause(ms: number): void;
  /** Lets go of what the budget holds open (a SQLite budget's connection): the client's close calls it. */
  close?(): void;
}

export interface Pacing {
  /** Spacing of the slots, ms; 0 = no ceiling. */
  readonly intervalMs: number;
  /** How early a slot may be used: `(burst - 1) × intervalMs`. */
  readonly toleranceMs: number;
}

/**
 * One process's pacing: `requestsPerMinute` evenly, `burst` (default one second's worth) back to
 * back. Only sound while this process is the token's only user; its header gate
 * (rate-limiter.ts) catches what the ceiling lets through.
 */
export function localPacing(requestsPerMinute: number, burst?: number): Pacing {
  const intervalMs =
    requestsPerMinute > 0 && Number.isFinite(requestsPerMinute) ? 60_000 / requestsPerMinute : 0;
  const b = Math.max(1, Math.floor(burst ?? Math.ceil(requestsPerMinute / 60)));
  return { intervalMs, toleranceMs: intervalMs === 0 ? 0 : (b - 1) * intervalMs };
}

/**
 * Pacing for a budget several processes share. The server counts a fixed window from its first
 * request; requests reach it up to a round trip (and scheduling) after their slot, so the slots
 * of any window plus `jitterMs` must fit the limit: `(windowMs + jitterMs) / (limit - burst)`
 * apart, at most `burst` (default 1) back to back. At 600/min and 1 s of jitter: 589 a minute.
 */
export function sharedPacing(
  requestsPerMinute: number,
  options: { burst?: number; jitterMs?: number } = {},
): Pacing {
  if (!(requestsPerMinute > 0) || !Number.isFinite(requestsPerMinute))
    return { intervalMs: 0, toleranceMs: 0 };
  const burst = Math.max(1, Math.floor(options.burst ?? 1));
  const room = Math.max(1, requestsPerMinute - burst);
  const intervalMs = (60_000 + (options.jitterMs ?? 1_000)) / room;
  return { intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

/**
 * Where the server's count puts the next slot: no earlier than leaves room for only what the
 * window still takes before it resets, less requests that may be in flight (this process's, and
 * `slack` more for other processes'). Never earlier than it already is.
 */
export function slotAfterCount(intervalMs: number, count: ServerCount, slack: number): number {
  const left = Math.max(0, count.remaining - count.inFlight - slack);
  return count.resetMs - left * intervalMs;
}

/** Other processes' requests a shared budget assumes in flight when it reads a count: the burst and 2 more. */
export function defaultSlack(pacing: Pacing): number {
  return Math.round(pacing.toleranceMs / Math.max(pacing.intervalMs, 1)) + 3;
}

/**
 * How long a request waits for the slot a shared budget gave it: until `startMs` less the burst's
 * tolerance, and not before a pause ends (`blockedUntilMs`), counted from `nowMs` (that budget's clock).
 */
export function waitForSlot(
  pacing: Pacing,
  slot: { readonly startMs: number; readonly blockedUntilMs: number; readonly nowMs: number },
): number {
  return Math.max(0, Math.max(slot.startMs - pacing.toleranceMs, slot.blockedUntilMs) - slot.nowMs);
}

/**
 * The warning a shared budget gives when its store does not answer: once, until it answers
 * again. The client then paces on its own budget.
 */
export function unavailableWarning(logger: Logger | undefined) {
  let warned = false;
  return {
    failed(what: string, error: unknown): void {
      if (warned) return;
      warned = true;
      logger?.warn(
        { err: (error as Error).message, what },
        'shared Propstreet rate budget unavailable; this process paces itself alone until it answers',
      );
    },
    answered(): void {
      warned = false;
    },
  };
}

/** The in-process budget: the GCRA state in memory. */
export function localRateBudget(pacing: Pacing, clock: Clock): RateBudget {
  let tat = 0;
  return {
    reserve: async () => {
      if (pacing.intervalMs === 0) return 0;
      const now = clock.now().getTime();
      const start = Math.max(tat, now);
      tat = start + pacing.intervalMs;
      return Math.max(0, start - pacing.toleranceMs - now);
    },
    // One process sees its own requests in flight: its header gate (rate-limiter.ts) already
    // follows the server's count and its Retry-After.
    observe: () => undefined,
    pause: () => undefined,
  };
}
