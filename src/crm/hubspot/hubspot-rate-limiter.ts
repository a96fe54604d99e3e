/**
 * Per-adapter-instance pacing for one HubSpot account. Two buckets: the rolling interval
 * shared by all non-search calls (190 / 10 s until the `X-HubSpot-RateLimit-*` headers say
 * otherwise) and search's own per-second limit (search answers carry no headers). Calls by
 * other clients of the same app show up as a `Remaining` lower than our own count implies;
 * that share is reserved until it ages out of the interval.
 */
import type { Clock } from '../../core/clock.js';

export type Bucket = 'general' | 'search';

export interface RateLimiterOptions {
  readonly requestsPerInterval: number;
  readonly intervalMs: number;
  readonly searchPerSecond: number;
}

/** Slack for clock and network jitter between our window and the server's. */
const MARGIN_MS = 50;

export class HubSpotRateLimiter {
  private max: number;
  private intervalMs: number;
  private readonly searchPerSecond: number;
  /**
   * Calls in each bucket's window, oldest first: a call counts from its start until it is
   * settled, then from its end. The server counts a call when it arrives, which may be long
   * after its start on a busy machine or network; its end is never earlier than its arrival,
   * so a window measured from the ends never admits a call the server would still count.
   */
  private readonly calls: Record<Bucket, { t: number; settled: boolean }[]> = { general: [], search: [] };
  private readonly pausedUntil: Record<Bucket, number> = { general: 0, search: 0 };
  private othersUsage = { count: 0, until: 0 };
  daily: { limit: number; remaining: number } | undefined;

  constructor(
    private readonly clock: Clock,
    options: RateLimiterOptions,
  ) {
    this.max = options.requestsPerInterval;
    this.intervalMs = options.intervalMs;
    this.searchPerSecond = options.searchPerSecond;
  }

  /** Resolves when a call in `bucket` may start, and counts it as started. */
  async acquire(bucket: Bucket, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now().getTime();
      const wait = this.waitMs(bucket, now);
      if (wait <= 0) {
        this.calls[bucket].push({ t: now, settled: false });
        return;
      }
      await this.clock.sleep(wait, signal);
    }
  }

  /** A call of this bucket ended (answered or not): from now on it counts from its end. */
  settle(bucket: Bucket): void {
    const list = this.calls[bucket];
    const open = list.find((c) => !c.settled);
    if (!open) return;
    open.t = this.clock.now().getTime();
    open.settled = true;
    list.sort((a, b) => a.t - b.t);
  }

  /** After a 429: nothing in the bucket starts for `ms`. */
  pause(bucket: Bucket, ms: number): void {
    this.pausedUntil[bucket] = Math.max(this.pausedUntil[bucket], this.clock.now().getTime() + ms);
  }

  observe(headers: Readonly<Record<string, string>> | undefined): void {
    if (!headers) return;
    const max = Number(headers['x-hubspot-ratelimit-max']);
    const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
    const remaining = Number(headers['x-hubspot-ratelimit-remaining']);
    if (Number.isFinite(max) && max > 0) this.max = max;
    if (Number.isFinite(interval) && interval > 0) this.intervalMs = interval;
    if (Number.isFinite(remaining) && headers['x-hubspot-ratelimit-remaining'] !== undefined) {
      const now = this.clock.now().getTime();
      const ours = this.inWindow('general', now);
      const others = Math.max(0, this.max - remaining - ours);
      this.othersUsage = { count: others, until: now + this.intervalMs };
    }
    const daily = Number(headers['x-hubspot-ratelimit-daily']);
    const dailyRemaining = Number(headers['x-hubspot-ratelimit-daily-remaining']);
    if (Number.isFinite(daily) && Number.isFinite(dailyRemaining))
      this.daily = { limit: daily, remaining: dailyRemaining };
  }

  private windowMs(bucket: Bucket): number {
    return (bucket === 'search' ? 1_000 : this.intervalMs) + MARGIN_MS;
  }

  private inWindow(bucket: Bucket, now: number): number {
    const from = now - this.windowMs(bucket);
    // A call still in flight stays counted however old its start: it may not have arrived yet.
    const kept = this.calls[bucket].filter((c) => !c.settled || c.t > from);
    this.calls[bucket] = kept;
    return kept.length;
  }

  private waitMs(bucket: Bucket, now: number): number {
    const paused = this.pausedUntil[bucket] - now;
    if (paused > 0) return paused;
    const others = bucket === 'general' && this.othersUsage.until > now ? this.othersUsage.count : 0;
    const budget = Math.max(1, (bucket === 'search' ? this.searchPerSecond : this.max) - others);
    const used = this.inWindow(bucket, now);
    if (used < budget) return 0;
    const oldest = this.calls[bucket][used - budget]?.t ?? now;
    // An unsettled call frees its place only when it ends: look again shortly.
    const untilFree = Math.max(oldest + this.windowMs(bucket) - now + 1, 10);
    return bucket === 'general' && others > 0
      ? Math.min(untilFree, this.othersUsage.until - now + 1)
      : untilFree;
  }
}
