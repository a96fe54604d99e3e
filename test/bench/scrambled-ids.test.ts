/**
 * The bench's scrambled Propstreet ids (PROPSYNC_BENCH_IDS=scrambled) must name each record
 * once and lead back to it: the map from index to id is a bijection of 32-bit integers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scrambleId, unscrambleId } from '../support/in-memory/world.js';

describe('scrambled bench ids', () => {
  it('lead back to their index, for any 32-bit index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (i) => {
        expect(unscrambleId(scrambleId(i))).toBe(i);
        expect(scrambleId(unscrambleId(i))).toBe(i);
      }),
    );
  });

  it('are distinct and out of key order for consecutive records', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `ps-${scrambleId(i)}`);
    expect(new Set(ids).size).toBe(ids.length);
    const inOrder = ids.filter((id, i) => i > 0 && id > (ids[i - 1] ?? '')).length;
    // Random order puts about half of the ids after their predecessor; key order puts all.
    expect(inOrder).toBeGreaterThan(3_000);
    expect(inOrder).toBeLessThan(7_000);
  });
});
