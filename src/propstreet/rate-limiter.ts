/**
 * Client-side pacing for one Propstreet token, two rules in series:
 *
 * 1. A smooth ceiling (default 600 requests/min, the bot-token limit) as a GCRA token bucket
 *    (rate-budget.ts): each call reserves the next slot in order, so concurrent callers queue
 *    fairly without a mutex, and at most `burst` requests go out back to back. The budget is
 *    this client's own, or one every process on the token shares (PostgreSQL state).
 * 2. The server's count: every answer says how many requests its window still takes
 *    (`RateLimit-Remaining`) and when the window resets (`RateLimit-Reset`, seconds). Requests
 *    already in flight when an answer is read may not be in its count yet, so they are taken
 *    off it, and so is every request sent after it; when nothing is left, nothing is sent until
 *    the reset. Rule 1 alone overshoots a fixed window by its burst (and by requests that
 *    arrive early on a jittery network): ~3 answers in 600 were 429s. A 429's `Retry-After`
 *    closes the same gate, so requests already queued wait too instead of each collecting one.
 */
import type { Clock } from '../core/clock.js';
import { localPacing, localRateBudget, type RateBudget } from './rate-budget.js';

export interface RateLimiterOptions {
  readonly requestsPerMinute: number;
  /** Requests that may go out back to back; default one second's worth. */
  readonly burst?: number;
  readonly clock: Clock;
  /** Where the ceiling's slots come from; default this limiter's own (`requestsPerMinute`, `burst`). */
  readonly budget?: RateBudget;
}

export type HeaderValue = string | string[] | undefined;

export function headerOf(headers: Record<string, HeaderValue>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export class RateLimiter {
  private readonly budget: RateBudget;
  private readonly clock: Clock;
  /** Server-imposed pause: no request before this instant. */
  private blockedUntil = 0;
  /** Requests sent and not yet answered (or failed), and the most there have been at once. */
  private inflight = 0;
  private peak = 1;
  /**
   * The server's window as last heard of: requests it still takes from us, when it ends, and the
   * lowest `RateLimit-Remaining` it answered in it.
   */
  private window: { left: number; endsAt: number; lowest: number } | undefined;

  constructor(options: RateLimiterOptions) {
    this.clock = options.clock;
    this.budget =
      options.budget ?? localRateBudget(localPacing(options.requestsPerMinute, options.burst), options.clock);
  }

  /** Waits until this request may be sent; every acquire must be followed by one `settle`. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now().getTime();
      const w = this.window;
      if (w && now >= w.endsAt) this.window = undefined;
      const wait =
        Math.max(this.blockedUntil, this.window && this.window.left <= 0 ? this.window.endsAt : 0) - now;
      if (wait <= 0) break;
      await this.clock.sleep(wait, signal);
    }
    if (this.window) this.window.left--;
    this.inflight++;
    this.peak = Math.max(this.peak, this.inflight);
    try {
      // The wait counts from the asking: a shared budget answers a round trip later.
      const asked = this.clock.now().getTime();
      const wait = asked + (await this.budget.reserve()) - this.clock.now().getTime();
      if (wait > 0) await this.clock.sleep(wait, signal);
    } catch (error) {
      // Aborted while waiting for its slot (or no slot): not sent, nor settled by the caller.
      this.settle();
      throw error;
    }
  }

  /** The request acquired last is done (answered or failed). */
  settle(): void {
    this.inflight = Math.max(0, this.inflight - 1);
  }

  /** Reads the RateLimit-* headers of an answer (before its request is settled). */
  observe(headers: Record<string, HeaderValue>): void {
    const remaining = Number(headerOf(headers, 'ratelimit-remaining'));
    const reset = Number(headerOf(headers, 'ratelimit-reset'));
    if (headerOf(headers, 'ratelimit-remaining') === undefined || !Number.isFinite(remaining)) return;
    if (!Number.isFinite(reset)) return;
    const endsAt = this.clock.now().getTime() + Math.max(0, reset) * 1000;
    // The other requests in flight may have reached the server after this one.
    const others = Math.max(0, this.inflight - 1);
    this.budget.observe({ remaining, resetMs: Math.max(0, reset) * 1000, inFlight: others });
    const left = remaining - others;
    const w = this.window;
    // Within a window the server's count only falls; an answer overtaken by others shows at most
    // as many more as were ever in flight together. A reset later than this window's (rounded up
    // to whole seconds), or a count higher than that, is a new window: start over. Otherwise
    // keep the lower count.
    const renewed = !w || endsAt > w.endsAt + 1000 || remaining > w.lowest + this.peak;
    if (renewed) this.window = { left, endsAt, lowest: remaining };
    else {
      w.left = Math.min(w.left, left);
      w.endsAt = Math.max(w.endsAt, endsAt);
      w.lowest = Math.min(w.lowest, remaining);
    }
  }

  /** Closes the gate for `ms` from now (after a 429 with Retry-After). */
  pauseFor(ms: number): void {
    this.budget.pause(ms);
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now().getTime() + ms);
  }
}
