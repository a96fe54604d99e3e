import { describe, expect, it } from 'vitest';
import { type MergeInput, threeWayMerge } from '../../src/engine/three-way-merge.js';

const fields = [
  { name: 'firstName', direction: 'both' as const },
  { name: 'email', direction: 'both' as const },
  { name: 'jobTitle', direction: 'to-crm' as const },
  { name: 'lifecycle', direction: 'from-crm' as const },
];

const input = (over: Partial<MergeInput>): MergeInput => ({
  fields,
  propstreet: {},
  crm: {},
  shadow: {},
  direction: 'bidirectional',
  policy: 'propstreet-wins',
  newer: 'propstreet',
  ...over,
});

describe('threeWayMerge', () => {
  const shadow = { firstName: 'Ann', email: 'ann@x.se', jobTitle: 'CEO', lifecycle: 'lead' };

  it('sends a field changed only in Propstreet to the CRM, and one changed only in the CRM back', () => {
    const r = threeWayMerge(
      input({
        shadow,
        propstreet: { ...shadow, firstName: 'Anna' },
        crm: { ...shadow, email: 'anna@x.se' },
      }),
    );
    expect(r.toCrm).toEqual([{ field: 'firstName', before: 'Ann', after: 'Anna' }]);
    expect(r.toPropstreet).toEqual([{ field: 'email', before: 'ann@x.se', after: 'anna@x.se' }]);
    expect(r.conflicts).toEqual([]);
    expect(r.shadow).toMatchObject({ firstName: 'Anna', email: 'anna@x.se' });
  });

  it('writes nothing when both sides equal the shadow', () => {
    const r = threeWayMerge(input({ shadow, propstreet: shadow, crm: shadow }));
    expect(r.toCrm).toEqual([]);
    expect(r.toPropstreet).toEqual([]);
    expect(r.shadow).toEqual(shadow);
  });

  it('treats the same change on both sides as agreement, not a conflict', () => {
    const r = threeWayMerge(
      input({ shadow, propstreet: { ...shadow, firstName: 'Bo' }, crm: { ...shadow, firstName: 'Bo' } }),
    );
    expect(r.conflicts).toEqual([]);
    expect(r.toCrm).toEqual([]);
    expect(r.shadow.firstName).toBe('Bo');
  });

  it.each([
    ['propstreet-wins', 'crm', 'propstreet', 'P'],
    ['crm-wins', 'propstreet', 'crm', 'C'],
    ['newest-wins', 'crm', 'crm', 'C'],
    ['newest-wins', 'propstreet', 'propstreet', 'P'],
  ] as const)(
    'resolves a true conflict by %s (newer: %s) in favour of %s',
    (policy, newer, winner, value) => {
      const r = threeWayMerge(
        input({
          shadow,
          policy,
          newer,
          propstreet: { ...shadow, firstName: 'P' },
          crm: { ...shadow, firstName: 'C' },
        }),
      );
      expect(r.conflicts).toEqual([
        { field: 'firstName', propstreet: 'P', crm: 'C', shadow: 'Ann', policy, winner },
      ]);
      expect(r.shadow.firstName).toBe(value);
      if (winner === 'propstreet') expect(r.toCrm).toEqual([{ field: 'firstName', before: 'C', after: 'P' }]);
      else expect(r.toPropstreet).toEqual([{ field: 'firstName', before: 'P', after: 'C' }]);
    },
  );

  it('leaves both values in place under manual and keeps the old shadow so the conflict stays visible', () => {
    const r = threeWayMerge(
      input({
        shadow,
        policy: 'manual',
        propstreet: { ...shadow, firstName: 'P' },
        crm: { ...shadow, firstName: 'C' },
      }),
    );
    expect(r.conflicts[0]?.winner).toBe('none');
    expect(r.toCrm).toEqual([]);
    expect(r.toPropstreet).toEqual([]);
    expect(r.shadow.firstName).toBe('Ann');
  });

  it('fills blanks from either side on a new link and reports differing values as conflicts', () => {
    const r = threeWayMerge(
      input({
        shadow: null,
        policy: 'crm-wins',
        propstreet: { firstName: 'Ann', email: null, jobTitle: 'CEO' },
        crm: { firstName: 'Annie', email: 'ann@x.se', lifecycle: 'lead' },
      }),
    );
    expect(r.toPropstreet).toEqual([
      { field: 'firstName', before: 'Ann', after: 'Annie' },
      { field: 'email', before: null, after: 'ann@x.se' },
      { field: 'lifecycle', before: null, after: 'lead' },
    ]);
    expect(r.toCrm).toEqual([{ field: 'jobTitle', before: null, after: 'CEO' }]);
    expect(r.conflicts.map((c) => c.field)).toEqual(['firstName']);
  });

  it('honours field directions: a to-crm field never flows to Propstreet, a from-crm field never to the CRM', () => {
    const r = threeWayMerge(
      input({
        shadow,
        propstreet: { ...shadow, jobTitle: 'CTO', lifecycle: 'ignored' },
        crm: { ...shadow, jobTitle: 'ignored', lifecycle: 'customer' },
      }),
    );
    expect(r.toCrm).toEqual([{ field: 'jobTitle', before: 'CEO', after: 'CTO' }]);
    expect(r.toPropstreet).toEqual([{ field: 'lifecycle', before: 'lead', after: 'customer' }]);
  });

  it('under a one-way connection, a change on the other side is neither sent nor reverted', () => {
    const r = threeWayMerge(
      input({
        shadow,
        direction: 'to-crm',
        propstreet: shadow,
        crm: { ...shadow, firstName: 'Edited in CRM' },
      }),
    );
    expect(r.toCrm).toEqual([]);
    expect(r.toPropstreet).toEqual([]);
    expect(r.shadow.firstName).toBe('Ann');
  });

  it("applies a person's resolution to a conflict, writing only the side that differs", () => {
    const both = { ...shadow, firstName: 'Anna' };
    const r = threeWayMerge(
      input({
        shadow,
        propstreet: both,
        crm: { ...shadow, firstName: 'Annie' },
        policy: 'manual',
        resolutions: new Map([['firstName', { take: 'propstreet' as const, value: null }]]),
      }),
    );
    expect(r.toCrm).toEqual([{ field: 'firstName', before: 'Annie', after: 'Anna' }]);
    expect(r.toPropstreet).toEqual([]);
    expect(r.conflicts).toMatchObject([
      { field: 'firstName', winner: 'propstreet', resolved: { take: 'propstreet', value: 'Anna' } },
    ]);
    expect(r.shadow.firstName).toBe('Anna');
  });
});
