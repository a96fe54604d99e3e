/**
 * HubSpot's private-app limits: a rolling ten-second bucket and a daily count shared by all
 * non-search calls, reported in `X-HubSpot-RateLimit-*` headers; search has its own
 * per-second limit and answers without those headers. Rejected calls do not count.
 */
import type { FakeResponse } from '../shared/http-fake.js';
import { rateLimitBody } from './fake-errors.js';

export interface FakeRateLimitOptions {
  /** Requests per rolling interval (HubSpot Professional: 190). */
  readonly max: number;
  readonly intervalMs: number;
  readonly daily: number;
}

export const DEFAULT_RATE_LIMIT: FakeRateLimitOptions = { max: 190, intervalMs: 10_000, daily: 625_000 };

export type Admission = { ok: true; headers: Record<string, string> } | { ok: false; response: FakeResponse };

export class FakeRateLimits {
  private window: number[] = [];
  private searchWindow: number[] = [];
  private dailyUsed = 0;

  constructor(
    private options: FakeRateLimitOptions,
    private searchPerSecond: number,
  ) {}

  configure(options: Partial<FakeRateLimitOptions> & { searchPerSecond?: number }): void {
    const { searchPerSecond, ...rest } = options;
    this.options = { ...this.options, ...rest };
    if (searchPerSecond !== undefined) this.searchPerSecond = searchPerSecond;
  }

  reset(): void {
    this.window = [];
    this.searchWindow = [];
    this.dailyUsed = 0;
  }

  /** Uses up the daily allowance, so the next call gets the DAILY 429. */
  exhaustDaily(): void {
    this.dailyUsed = this.options.daily;
  }

  usedToday(): number {
    return this.dailyUsed;
  }

  admit(kind: 'search' | 'general'): Admission {
    const now = Date.now();
    if (this.dailyUsed >= this.options.daily) {
      return {
        ok: false,
        response: { status: 429, headers: this.headers(now), body: rateLimitBody('DAILY') },
      };
    }
    if (kind === 'search') {
      this.searchWindow = this.searchWindow.filter((t) => t > now - 1000);
      if (this.searchWindow.length >= this.searchPerSecond)
        return { ok: false, response: { status: 429, body: rateLimitBody('SECONDLY') } };
      this.searchWindow.push(now);
      this.dailyUsed++;
      return { ok: true, headers: {} };
    }
    this.prune(now);
    if (this.window.length >= this.options.max) {
      return {
        ok: false,
        response: { status: 429, headers: this.headers(now), body: rateLimitBody('TEN_SECONDLY_ROLLING') },
      };
    }
    this.window.push(now);
    this.dailyUsed++;
    return { ok: true, headers: this.headers(now) };
  }

  private prune(now: number): void {
    const from = now - this.options.intervalMs;
    let i = 0;
    while (i < this.window.length && (this.window[i] ?? 0) <= from) i++;
    if (i > 0) this.window = this.window.slice(i);
  }

  private headers(now: number): Record<string, string> {
    this.prune(now);
    return {
      'X-HubSpot-RateLimit-Max': String(this.options.max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.options.max - this.window.length)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.options.intervalMs),
      'X-HubSpot-RateLimit-Daily': String(this.options.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, this.options.daily - this.dailyUsed)),
    };
  }
}
