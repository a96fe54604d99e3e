/**
 * The fake org's clock. Salesforce audit stamps (SystemModstamp, LastModifiedDate) carry whole
 * seconds, so many writes share one stamp; freezing the clock makes such ties on purpose.
 */
export class FakeClock {
  private frozen: number | undefined;
  private offsetMs = 0;

  /** Milliseconds since the epoch, whole seconds. */
  stamp(): number {
    return Math.floor(this.nowMs() / 1000) * 1000;
  }

  nowMs(): number {
    return (this.frozen ?? Date.now()) + this.offsetMs;
  }

  /** Stops the clock at `at` until advanced or released. */
  set(at: Date | string | number): void {
    const ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
    if (Number.isNaN(ms)) throw new Error(`invalid clock value: ${String(at)}`);
    this.frozen = ms;
    this.offsetMs = 0;
  }

  advance(ms: number): void {
    if (this.frozen !== undefined) this.frozen += ms;
    else this.offsetMs += ms;
  }

  real(): void {
    this.frozen = undefined;
    this.offsetMs = 0;
  }
}

/** Salesforce's JSON datetime form: `2024-05-01T12:34:56.000+0000`. */
export function formatSfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
