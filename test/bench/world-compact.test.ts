/**
 * The bench world keeps six flags a record as bits of one byte and its stamps as 32-bit offsets
 * (13 bytes a record): each flag must read back what was set without touching the others, and
 * a stamp must read back exactly, or be refused, never wrapped around.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryWorld } from '../support/in-memory/world.js';

const FLAGS = ['psExists', 'crmExists', 'psDeleted', 'crmDeleted', 'refWritten', 'keyWritten'] as const;

describe('the bench world’s compact arrays', () => {
  it('flags read back what was set, each independent of the others and of the next record', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(...FLAGS), fc.boolean()), {
          maxLength: 60,
        }),
        (writes) => {
          const world = new InMemoryWorld({ psOnly: 0, empty: 4 });
          const model = Array.from({ length: 4 }, () => new Map<string, number>(FLAGS.map((f) => [f, 0])));
          for (const [i, flag, on] of writes) {
            world[flag].set(i, on ? 1 : 0);
            model[i]?.set(flag, on ? 1 : 0);
          }
          for (let i = 0; i < 4; i++) for (const f of FLAGS) expect(world[f].get(i)).toBe(model[i]?.get(f));
        },
      ),
    );
  });

  it('keeps 13 bytes a record, stamps exact across the range, and refuses one outside it', () => {
    const world = new InMemoryWorld({ psOnly: 3 });
    expect(world.bytes).toBe(3 * 13);
    const base = world.psStamp.get(0);
    for (const ms of [base, base + 1, base + 0xffffffff]) {
      world.crmStamp.set(1, ms);
      expect(world.crmStamp.get(1)).toBe(ms);
    }
    expect(() => world.crmStamp.set(1, base + 2 ** 32)).toThrow(RangeError);
    expect(() => world.crmStamp.set(1, base - 1)).toThrow(RangeError);
    expect(() => world.crmStamp.set(1, base + 0.5)).toThrow(RangeError);
    expect(world.crmStamp.get(1)).toBe(base + 0xffffffff);
  });
});
