/**
 * Virtual time shared by a client and the fakes it talks to: sleeps return at once and move the
 * clock, and a test moves it on with `advance`. Give the fakes `() => clock.ms` as their token
 * (and rate-window) time source so that token lifetimes run on the same clock as the client.
 */
import type { Clock } from '../../src/core/clock.js';

export class VirtualClock implements Clock {
  private t: number;

  constructor(start = '2026-01-01T00:00:00Z') {
    this.t = Date.parse(start);
  }

  now(): Date {
    return new Date(this.t);
  }

  async sleep(ms: number): Promise<void> {
    this.t += Math.max(0, ms);
    await new Promise<void>((r) => setImmediate(r));
  }

  advance(ms: number): void {
    this.t += ms;
  }

  get ms(): number {
    return this.t;
  }

  /** The clock as a plain time source, for the fakes' options. */
  readonly source = (): number => this.t;
}
