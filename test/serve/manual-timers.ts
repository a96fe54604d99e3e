/** Timers and a clock moved by hand: `advance(ms)` runs what falls due, in order. */
import type { Clock } from '../../src/core/clock.js';
import type { Timers } from '../../src/serve/timers.js';

export class ManualTimers implements Timers {
  private nowMs: number;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  readonly clock: Clock;

  constructor(start = Date.parse('2026-03-01T12:00:00Z')) {
    this.nowMs = start;
    this.clock = { now: () => new Date(this.nowMs), sleep: async () => undefined };
  }

  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.due.set(id, { at: this.nowMs + ms, fn });
    return id;
  }

  clear(handle: unknown): void {
    this.due.delete(handle as number);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.due.size;
  }

  /** Moves time forward by `ms`, running each timer that falls due at its own instant. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.due)
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.due.delete(next[0]);
      this.nowMs = Math.max(this.nowMs, next[1].at);
      next[1].fn();
    }
    this.nowMs = end;
  }
}
