/**
 * Where a webhook run's time goes in the webhooks scenario: how long a dispatched run waits for
 * one of `serve`'s run slots (`--serve-concurrency`), how long the run itself takes per
 * connection, and how much of the time every slot was taken. The debounce window is known (a
 * flag); this splits the rest of an edit's latency.
 */
import type { ConnectionScope } from '../src/state/port.js';

export interface Spread {
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly max: number | null;
}

export interface RunProfileSummary {
  /** Dispatch → run start, seconds: the wait for a free slot. */
  readonly slotWait: Spread;
  /** Run start → end, seconds, per connection name. */
  readonly runSeconds: Readonly<Record<string, Spread>>;
  /** Share of the measured time with every slot taken. */
  readonly saturated: number;
}

function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) =>
    s.length === 0 ? null : (s[Math.min(s.length, Math.ceil(p * s.length)) - 1] ?? null);
  return { count: s.length, p50: at(0.5), p95: at(0.95), max: s.at(-1) ?? null };
}

export class RunProfile {
  private readonly dispatchedAt = new Map<string, number>();
  private waits: number[] = [];
  private runs = new Map<string, number[]>();
  private inFlight = 0;
  private fullSince: number | undefined;
  private fullMs = 0;
  private from = performance.now();

  constructor(private readonly slots: number) {}

  /** Forget what was measured so far (the set-up). */
  reset(): void {
    this.waits = [];
    this.runs = new Map();
    this.fullMs = 0;
    this.from = performance.now();
    if (this.fullSince !== undefined) this.fullSince = this.from;
  }

  dispatched(scope: ConnectionScope): void {
    this.dispatchedAt.set(key(scope), performance.now());
  }

  /** Wraps one run. */
  async time<T>(scope: ConnectionScope, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const at = this.dispatchedAt.get(key(scope));
    if (at !== undefined) this.waits.push((start - at) / 1000);
    if (++this.inFlight === this.slots) this.fullSince = start;
    try {
      return await run();
    } finally {
      const end = performance.now();
      if (this.inFlight-- === this.slots && this.fullSince !== undefined) {
        this.fullMs += end - this.fullSince;
        this.fullSince = undefined;
      }
      const list = this.runs.get(scope.connection) ?? [];
      list.push((end - start) / 1000);
      this.runs.set(scope.connection, list);
    }
  }

  summary(): RunProfileSummary {
    const now = performance.now();
    const full = this.fullMs + (this.fullSince === undefined ? 0 : now - this.fullSince);
    return {
      slotWait: spread(this.waits),
      runSeconds: Object.fromEntries([...this.runs].map(([name, xs]) => [name, spread(xs)])),
      saturated: now > this.from ? full / (now - this.from) : 0,
    };
  }
}

const key = (s: ConnectionScope) => `${s.tenant}/${s.connection}`;
