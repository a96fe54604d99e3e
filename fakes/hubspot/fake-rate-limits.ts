/**
 * HubSpot's private-app limits: a rolling ten-second bucket and a daily count shared by all
 * non-search calls, reported in `X-HubSpot-RateLimit-*` headers; search has its own
 * per-second limit and answers without those headers. Rejected calls do not count. Calls with
 * an access token of the OAuth app have a bucket of their own (`oauthMax`, per app and portal)
 * and no daily limit, so no `-Daily` headers (H16, H51).
 */
import type { FakeResponse } from '../shared/http-fake.js';
import { rateLimitBody } from './fake-errors.js';

export interface FakeRateLimitOptions {
  /** Requests per rolling interval (HubSpot Professional: 190). */
  readonly max: number;
  readonly intervalMs: number;
  readonly daily: number;
  /** Requests per rolling interval with an OAuth access token (H51: 100). */
  readonly oauthMax: number;
}

export const DEFAULT_RATE_LIMIT: FakeRateLimitOptions = {
  max: 190,
  intervalMs: 10_000,
  daily: 625_000,
  oauthMax: 100,
};

export type Admission = { ok: true; headers: Record<string, string> } | { ok: false; response: FakeResponse };

export class FakeRateLimits {
  private window: number[] = [];
  private oauthWindow: number[] = [];
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
    this.oauthWindow = [];
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

  /** `oauth`: the call carries an access token of the OAuth app (its own bucket, no daily limit). */
  admit(kind: 'search' | 'general', oauth = false): Admission {
    const now = Date.now();
    if (oauth && kind === 'general') return this.admitOAuth(now);
    if (!oauth && this.dailyUsed >= this.options.daily) {
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
      if (!oauth) this.dailyUsed++;
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

  private admitOAuth(now: number): Admission {
    this.oauthWindow = recent(this.oauthWindow, now - this.options.intervalMs);
    const headers = () => ({
      'X-HubSpot-RateLimit-Max': String(this.options.oauthMax),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.options.oauthMax - this.oauthWindow.length)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.options.intervalMs),
    });
    if (this.oauthWindow.length >= this.options.oauthMax)
      return {
        ok: false,
        response: { status: 429, headers: headers(), body: rateLimitBody('TEN_SECONDLY_ROLLING') },
      };
    this.oauthWindow.push(now);
    return { ok: true, headers: headers() };
  }

  private prune(now: number): void {
    this.window = recent(this.window, now - this.options.intervalMs);
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

/** The stamps after `from` (the list is in time order). */
function recent(stamps: number[], from: number): number[] {
  let i = 0;
  while (i < stamps.length && (stamps[i] ?? 0) <= from) i++;
  return i > 0 ? stamps.slice(i) : stamps;
}
