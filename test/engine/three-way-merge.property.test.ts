/**
 * Properties of the three-way merge over random fields, directions, policies and values
 * (three-way-merge.test.ts pins the individual rules by example). Values come from a small
 * alphabet with null, so equal values, blanks and conflicts are all frequent.
 * PROPSYNC_PROPERTY_SEED reruns a reported counterexample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MergeInput, type MergeResult, threeWayMerge } from '../../src/engine/three-way-merge.js';

type FieldDirection = MergeInput['fields'][number]['direction'];
type Values = Record<string, string | null>;

const SEED = Number(process.env.PROPSYNC_PROPERTY_SEED ?? 1_300_013);
const RUNS = { seed: SEED, numRuns: 400 };

const value = fc.constantFrom<string | null>(null, 'a', 'b', 'c');
const directions: readonly MergeInput['direction'][] = ['bidirectional', 'to-crm', 'from-crm'];
const policies: readonly MergeInput['policy'][] = ['propstreet-wins', 'crm-wins', 'newest-wins', 'manual'];

/** One to five fields, each with a direction and its value on each side and in the shadow. */
const fieldsArb = fc.uniqueArray(
  fc.record({
    name: fc.constantFrom('firstName', 'lastName', 'email', 'phone', 'jobTitle', 'lifecycle'),
    direction: fc.constantFrom<FieldDirection>('both', 'both', 'to-crm', 'from-crm'),
    ps: value,
    crm: value,
    shadow: value,
  }),
  { minLength: 1, maxLength: 5, selector: (f) => f.name },
);

const inputArb: fc.Arbitrary<MergeInput> = fc
  .record({
    fields: fieldsArb,
    synced: fc.boolean(),
    direction: fc.constantFrom(...directions),
    policy: fc.constantFrom(...policies),
    newer: fc.constantFrom<'propstreet' | 'crm'>('propstreet', 'crm'),
  })
  .map(({ fields, synced, direction, policy, newer }) => ({
    fields: fields.map(({ name, direction: d }) => ({ name, direction: d })),
    propstreet: Object.fromEntries(fields.map((f) => [f.name, f.ps])),
    crm: Object.fromEntries(fields.map((f) => [f.name, f.crm])),
    shadow: synced ? Object.fromEntries(fields.map((f) => [f.name, f.shadow])) : null,
    direction,
    policy,
    newer,
  }));

const at = (v: Readonly<Values> | null, f: string): string | null => v?.[f] ?? null;
/** The field's value on each side once the merge's writes are applied. */
const applied = (input: MergeInput, r: MergeResult) => ({
  propstreet: { ...input.propstreet, ...Object.fromEntries(r.toPropstreet.map((c) => [c.field, c.after])) },
  crm: { ...input.crm, ...Object.fromEntries(r.toCrm.map((c) => [c.field, c.after])) },
});
const mayWriteCrm = (i: MergeInput, d: FieldDirection) => i.direction !== 'from-crm' && d !== 'from-crm';
const mayWritePropstreet = (i: MergeInput, d: FieldDirection) => i.direction !== 'to-crm' && d !== 'to-crm';

describe('threeWayMerge properties', () => {
  it('a field changed on one side only always flows to the other side when it may, and is never a conflict', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        fc.pre(input.shadow !== null);
        const r = threeWayMerge(input);
        for (const { name, direction } of input.fields) {
          const base = at(input.shadow, name);
          const ps = at(input.propstreet, name);
          const crm = at(input.crm, name);
          const psOnly = ps !== base && crm === base && direction !== 'from-crm';
          const crmOnly = crm !== base && ps === base && direction !== 'to-crm';
          if (!psOnly && !crmOnly) continue;
          expect(r.conflicts.map((c) => c.field)).not.toContain(name);
          const [winner, target, may] = psOnly
            ? [ps, r.toCrm, mayWriteCrm(input, direction)]
            : [crm, r.toPropstreet, mayWritePropstreet(input, direction)];
          const other = psOnly ? r.toPropstreet : r.toCrm;
          expect(other.map((c) => c.field)).not.toContain(name);
          if (may) {
            expect(target).toContainEqual({ field: name, before: base, after: winner });
            expect(r.shadow[name]).toBe(winner);
          } else {
            // "A change that may not flow is left where it is, never reverted."
            expect(target.map((c) => c.field)).not.toContain(name);
            expect(r.shadow[name]).toBe(base);
          }
        }
      }),
      RUNS,
    );
  });

  it('equal values on both sides never conflict and are never written', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = threeWayMerge(input);
        for (const { name, direction } of input.fields) {
          if (direction !== 'both' || at(input.propstreet, name) !== at(input.crm, name)) continue;
          expect(r.conflicts.map((c) => c.field)).not.toContain(name);
          expect([...r.toCrm, ...r.toPropstreet].map((c) => c.field)).not.toContain(name);
          expect(r.shadow[name]).toBe(at(input.crm, name));
        }
      }),
      RUNS,
    );
  });

  it('merging a pair where both sides hold the shadow is a no-op', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const shadow = input.shadow ?? input.propstreet;
        const r = threeWayMerge({ ...input, shadow, propstreet: shadow, crm: shadow });
        expect(r.toCrm).toEqual([]);
        expect(r.toPropstreet).toEqual([]);
        expect(r.conflicts).toEqual([]);
        expect(r.changed).toEqual({ propstreet: [], crm: [], same: [], both: [] });
        for (const { name } of input.fields) expect(r.shadow[name]).toBe(at(shadow, name));
      }),
      RUNS,
    );
  });

  it('the new shadow is what both sides hold after the writes, or the old one where they still differ', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = threeWayMerge(input);
        const now = applied(input, r);
        for (const { name, direction } of input.fields) {
          if (direction !== 'both') continue;
          const ps = at(now.propstreet, name);
          const crm = at(now.crm, name);
          if (ps === crm) expect(r.shadow[name]).toBe(ps);
          // Left apart (manual, or a change that may not flow): the old agreement is kept, so
          // the difference shows again next time instead of being taken as synced.
          else expect(r.shadow[name]).toBe(at(input.shadow, name));
        }
      }),
      RUNS,
    );
  });

  it('merging again after the writes writes nothing: one merge settles a pair', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = threeWayMerge(input);
        const now = applied(input, r);
        const again = threeWayMerge({ ...input, ...now, shadow: r.shadow });
        expect(again.toCrm).toEqual([]);
        expect(again.toPropstreet).toEqual([]);
      }),
      RUNS,
    );
  });

  it('writes only where directions allow, only real changes, and from the value the side holds', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = threeWayMerge(input);
        const direction = new Map(input.fields.map((f) => [f.name, f.direction]));
        for (const c of r.toCrm) {
          expect(mayWriteCrm(input, direction.get(c.field)!)).toBe(true);
          expect(c.after).not.toBe(c.before);
          // A field the CRM is not read for is taken as the shadow's value.
          const held =
            direction.get(c.field) === 'to-crm' ? at(input.shadow, c.field) : at(input.crm, c.field);
          expect(c.before).toBe(held);
        }
        for (const c of r.toPropstreet) {
          expect(mayWritePropstreet(input, direction.get(c.field)!)).toBe(true);
          expect(c.after).not.toBe(c.before);
          const held =
            direction.get(c.field) === 'from-crm' ? at(input.shadow, c.field) : at(input.propstreet, c.field);
          expect(c.before).toBe(held);
        }
        const written = [...r.toCrm, ...r.toPropstreet].map((c) => c.field);
        expect(new Set(written).size).toBe(written.length);
      }),
      RUNS,
    );
  });

  it('a conflict is decided by the policy, and manual writes neither side', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = threeWayMerge(input);
        for (const c of r.conflicts) {
          expect(c.propstreet).not.toBe(c.crm);
          const expected =
            input.policy === 'propstreet-wins'
              ? 'propstreet'
              : input.policy === 'crm-wins'
                ? 'crm'
                : input.policy === 'newest-wins'
                  ? input.newer
                  : 'none';
          expect(c.winner).toBe(expected);
          const toCrm = r.toCrm.find((x) => x.field === c.field);
          const toPs = r.toPropstreet.find((x) => x.field === c.field);
          if (c.winner === 'none') expect([toCrm, toPs]).toEqual([undefined, undefined]);
          if (c.winner === 'propstreet') expect(toCrm?.after).toBe(c.propstreet);
          if (c.winner === 'crm') expect(toPs?.after).toBe(c.crm);
        }
      }),
      RUNS,
    );
  });

  it("a person's resolution gives both sides the chosen value, whatever the policy", () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.constantFrom<'propstreet' | 'crm' | 'value'>('propstreet', 'crm', 'value'),
        value,
        (input, take, chosenValue) => {
          const bidirectional = {
            ...input,
            direction: 'bidirectional' as const,
            fields: input.fields.map((f) => ({ ...f, direction: 'both' as const })),
          };
          const plain = threeWayMerge(bidirectional);
          const resolutions = new Map(plain.conflicts.map((c) => [c.field, { take, value: chosenValue }]));
          const r = threeWayMerge({ ...bidirectional, resolutions });
          const now = applied(bidirectional, r);
          for (const c of plain.conflicts) {
            const chosen = take === 'propstreet' ? c.propstreet : take === 'crm' ? c.crm : chosenValue;
            expect(at(now.propstreet, c.field)).toBe(chosen);
            expect(at(now.crm, c.field)).toBe(chosen);
            expect(r.shadow[c.field]).toBe(chosen);
          }
        },
      ),
      RUNS,
    );
  });

  it('is symmetric: swapping the sides (and every side-named setting) swaps the writes', () => {
    const swapDirection = {
      bidirectional: 'bidirectional',
      'to-crm': 'from-crm',
      'from-crm': 'to-crm',
    } as const;
    const swapField = { both: 'both', 'to-crm': 'from-crm', 'from-crm': 'to-crm' } as const;
    const swapPolicy = {
      'propstreet-wins': 'crm-wins',
      'crm-wins': 'propstreet-wins',
      'newest-wins': 'newest-wins',
      manual: 'manual',
    } as const;
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = threeWayMerge(input);
        const s = threeWayMerge({
          ...input,
          fields: input.fields.map((f) => ({ name: f.name, direction: swapField[f.direction] })),
          propstreet: input.crm,
          crm: input.propstreet,
          direction: swapDirection[input.direction],
          policy: swapPolicy[input.policy],
          newer: input.newer === 'crm' ? 'propstreet' : 'crm',
        });
        expect(s.toCrm).toEqual(r.toPropstreet);
        expect(s.toPropstreet).toEqual(r.toCrm);
        expect(s.shadow).toEqual(r.shadow);
        expect(s.conflicts.map((c) => c.field)).toEqual(r.conflicts.map((c) => c.field));
      }),
      RUNS,
    );
  });
});
