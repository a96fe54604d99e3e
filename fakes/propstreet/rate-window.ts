/**
 * Per-token fixed-window rate limiting with the headers Propstreet documents:
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the window
 * resets) on every authenticated answer, and `Retry-After` (seconds) on a 429.
 */
export interface RateDecision {
  readonly allowed: boolean;
  readonly headers: Record<string, string>;
}

export class RateWindows {
  private windows = new Map<string, { start: number; count: number }>();
  private limit: number;
  private windowMs: number;

  constructor(
    private readonly initial: { readonly limit: number; readonly windowMs: number },
    private readonly now: () => number,
  ) {
    this.limit = initial.limit;
    this.windowMs = initial.windowMs;
  }

  configure(limit: number, windowMs = this.windowMs): void {
    this.limit = limit;
    this.windowMs = windowMs;
    this.windows.clear();
  }

  /** Back to the limits the fake started with, all windows fresh. */
  reset(): void {
    this.configure(this.initial.limit, this.initial.windowMs);
  }

  take(token: string): RateDecision {
    const now = this.now();
    let w = this.windows.get(token);
    if (!w || now >= w.start + this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(token, w);
    }
    const resetSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    const allowed = w.count < this.limit;
    if (allowed) w.count++;
    const headers: Record<string, string> = {
      'RateLimit-Limit': String(this.limit),
      'RateLimit-Remaining': String(Math.max(0, this.limit - w.count)),
      'RateLimit-Reset': String(resetSeconds),
    };
    if (!allowed) headers['Retry-After'] = String(resetSeconds);
    return { allowed, headers };
  }
}
