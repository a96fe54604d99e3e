/**
 * Client-side pacing for one Propstreet token, two rules in series:
 *
 * 1. A smooth ceiling (default 600 requests/min, the bot-token limit) as a GCRA token bucket:
 *    each call reserves the next slot synchronously, so concurrent callers queue fairly
 *    without a mutex, and at most `burst` requests go out back to back.
 * 2. The server's word: when `RateLimit-Remaining` reaches 0, nothing is sent until
 *    `RateLimit-Reset` seconds have passed; a 429's `Retry-After` closes the same gate, so
 *    requests already queued wait too instead of each collecting its own 429.
 */
import type { Clock } from '../core/clock.js';

export interface RateLimiterOptions {
  readonly requestsPerMinute: number;
  /** Requests that may go out back to back; default one second's worth. */
  readonly burst?: number;
  readonly clock: Clock;
}

export type HeaderValue = string | string[] | undefined;

export function headerOf(headers: Record<string, HeaderValue>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export class RateLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly clock: Clock;
  /** Theoretical arrival time of the next request (GCRA). */
  private tat = 0;
  /** Server-imposed pause: no request before this instant. */
  private blockedUntil = 0;

  constructor(options: RateLimiterOptions) {
    const rpm = options.requestsPerMinute;
    this.intervalMs = rpm > 0 && Number.isFinite(rpm) ? 60_000 / rpm : 0;
    const burst = Math.max(1, Math.floor(options.burst ?? Math.ceil(rpm / 60)));
    this.toleranceMs = this.intervalMs === 0 ? 0 : (burst - 1) * this.intervalMs;
    this.clock = options.clock;
  }

  /** Waits until this request may be sent. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.blockedUntil - this.clock.now().getTime();
      if (wait <= 0) break;
      await this.clock.sleep(wait, signal);
    }
    if (this.intervalMs === 0) return;
    const now = this.clock.now().getTime();
    const tat = Math.max(this.tat, now);
    this.tat = tat + this.intervalMs;
    const wait = tat - this.toleranceMs - now;
    if (wait > 0) await this.clock.sleep(wait, signal);
  }

  /** Reads the RateLimit-* headers of any answer. */
  observe(headers: Record<string, HeaderValue>): void {
    const remaining = Number(headerOf(headers, 'ratelimit-remaining'));
    const reset = Number(headerOf(headers, 'ratelimit-reset'));
    if (headerOf(headers, 'ratelimit-remaining') !== undefined && remaining <= 0 && Number.isFinite(reset)) {
      this.pauseFor(Math.max(0, reset) * 1000);
    }
  }

  /** Closes the gate for `ms` from now (after a 429 with Retry-After). */
  pauseFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now().getTime() + ms);
  }
}
