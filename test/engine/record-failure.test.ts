/** A record's failure: attempts, backoff and quarantine, and a service outage that never quarantines (bug 59). */
import { describe, expect, it } from 'vitest';
import { nextFailure } from '../../src/engine/record-failure.js';
import type { Failure } from '../../src/state/port.js';

const settings = { retryBaseMs: 60_000, maxAttempts: 5 };
const redactor = { redact: (s: string) => s };
const now = new Date('2026-12-04T10:00:00.000Z');

/** `n` failures of one record in a row, the last one's stored form. */
function failTimes(n: number, transient: boolean): Failure[] {
  const known = new Map<string, Failure>();
  return Array.from({ length: n }, () =>
    nextFailure(settings, redactor, known, 'crm', '003X', 'SERVER_ERROR: 503', now, false, false, transient),
  );
}

const waitsOf = (fs: Failure[]) => fs.map((f) => (Date.parse(f.nextRetryAt) - now.getTime()) / 60_000);

describe('nextFailure', () => {
  it('a record refused maxAttempts times is quarantined, waiting 1, 2, 4, 8 minutes before', () => {
    const fs = failTimes(5, false);
    expect(fs.map((f) => f.quarantined)).toEqual([false, false, false, false, true]);
    expect(waitsOf(fs.slice(0, 4))).toEqual([1, 2, 4, 8]);
  });

  it('a service outage (transient) is never quarantined; its wait stops growing at the longest of the others', () => {
    const fs = failTimes(12, true);
    expect(fs.some((f) => f.quarantined)).toBe(false);
    expect(waitsOf(fs)).toEqual([1, 2, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8]);
    expect(fs.at(-1)?.attempts).toBe(12);
  });
});
