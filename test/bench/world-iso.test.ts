/**
 * The bench world's `iso` reuses the text of the last second it formatted: it must answer
 * exactly as Date does, for stamps in any order, on and across second and day boundaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso } from '../support/in-memory/world.js';

const viaDate = (ms: number) => new Date(ms).toISOString();

describe('the bench world’s iso', () => {
  it('formats any stamp as Date does, called in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -62_198_755_200_000, max: 8_640_000_000_000_000 }), { maxLength: 50 }),
        (stamps) => {
          for (const ms of stamps) expect(iso(ms)).toBe(viaDate(ms));
        },
      ),
    );
  });

  it('formats a run of consecutive milliseconds across a second, a day and a year', () => {
    for (const start of [Date.parse('2024-01-01T00:00:00Z') - 1_500, Date.parse('2026-12-31T23:59:59Z'), 0]) {
      for (let ms = start; ms < start + 3_000; ms++) expect(iso(ms)).toBe(viaDate(ms));
    }
  });
});
