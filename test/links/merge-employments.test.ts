/** The three-way merge of one contact's employments, case by case (pure). */
import { describe, expect, it } from 'vitest';
import type { CrmEmployments, Employments } from '../../src/links/employments.js';
import { type MergeInput, mergeEmployments } from '../../src/links/merge-employments.js';

const ps = (primary: string | null, companies: Record<string, string | null>): Employments => ({
  primary,
  companies: new Map(Object.entries(companies)),
});
const crm = (primary: string | null, companies: string[], title?: string | null): CrmEmployments => ({
  primary,
  companies: new Set(companies),
  primaryTitle: title,
});
const merge = (over: Partial<MergeInput> & Pick<MergeInput, 'propstreet' | 'crm'>) =>
  mergeEmployments({ shadow: null, secondary: true, titles: true, policy: 'propstreet-wins', ...over });

describe('mergeEmployments', () => {
  it('agreed sides plan nothing, with or without a shadow', () => {
    const p = ps('a', { a: 'CFO', b: null });
    const c = crm('a', ['a', 'b'], 'CFO');
    expect(merge({ propstreet: p, crm: c })).toMatchObject({ toPropstreet: [], toCrm: [], conflicts: [] });
    expect(merge({ propstreet: p, crm: c, shadow: p })).toMatchObject({ toPropstreet: [], toCrm: [] });
  });

  it('a job new on either side is added to the other; one the CRM made is never a removal', () => {
    const shadow = ps('a', { a: null });
    const m = merge({
      propstreet: ps('a', { a: null, b: 'Advisor' }),
      crm: crm('a', ['a', 'c'], null),
      shadow,
    });
    expect(m.toCrm).toEqual([{ op: 'associate', company: 'b', primary: false }]);
    expect(m.toPropstreet).toEqual([{ op: 'create', company: 'c', jobTitle: null }]);
  });

  it('removes a pair both sides knew when one side drops it', () => {
    const shadow = ps('a', { a: null, b: null });
    const fromPs = merge({ propstreet: ps('a', { a: null }), crm: crm('a', ['a', 'b'], null), shadow });
    expect(fromPs.toCrm).toEqual([{ op: 'dissociate', company: 'b' }]);
    const fromCrm = merge({ propstreet: ps('a', { a: null, b: null }), crm: crm('a', ['a'], null), shadow });
    expect(fromCrm.toPropstreet).toEqual([{ op: 'delete', company: 'b' }]);
  });

  it('moves the primary the side that changed it says; both changed → the policy, reported', () => {
    const shadow = ps('a', { a: null, b: null });
    const moved = merge({
      propstreet: ps('a', { a: null, b: null }),
      crm: crm('b', ['a', 'b'], null),
      shadow,
    });
    expect(moved.toPropstreet).toEqual([{ op: 'primary', company: 'b' }]);
    const both = merge({
      propstreet: ps('b', { a: null, b: null, c: null }),
      crm: crm('c', ['a', 'b', 'c'], null),
      shadow: ps('a', { a: null, b: null, c: null }),
      policy: 'crm-wins',
    });
    expect(both.result.primary).toBe('c');
    expect(both.conflicts).toHaveLength(1);
  });

  it('carries the CRM title to the primary link and a Propstreet title to the CRM contact', () => {
    const shadow = ps('a', { a: 'CFO' });
    expect(merge({ propstreet: shadow, crm: crm('a', ['a'], 'CEO'), shadow }).toPropstreet).toEqual([
      { op: 'title', company: 'a', jobTitle: 'CEO' },
    ]);
    expect(merge({ propstreet: ps('a', { a: 'COO' }), crm: crm('a', ['a'], 'CFO'), shadow }).toCrm).toEqual([
      { op: 'title', jobTitle: 'COO' },
    ]);
  });

  it('with a CRM that holds only the primary: others are never written nor removed; a cleared primary removes it', () => {
    const shadow = ps('a', { a: null, b: null });
    const only = { secondary: false, shadow };
    const kept = merge({
      ...only,
      propstreet: ps('a', { a: null, b: null, c: null }),
      crm: crm('a', ['a'], null),
    });
    expect(kept).toMatchObject({ toCrm: [], toPropstreet: [] });
    const cleared = merge({ ...only, propstreet: ps('a', { a: null, b: null }), crm: crm(null, [], null) });
    expect(cleared.toPropstreet).toEqual([{ op: 'delete', company: 'a' }]);
    expect(cleared.result.companies.has('b')).toBe(true);
  });

  it('a primary moved in the CRM with its title untouched keeps the new primary company’s title', () => {
    const shadow = ps('a', { a: 'Analyst', b: 'Board member' });
    const moved = merge({ propstreet: shadow, crm: crm('b', ['a', 'b'], 'Analyst'), shadow });
    expect(moved.toPropstreet).toEqual([{ op: 'primary', company: 'b' }]);
    expect(moved.toCrm).toEqual([{ op: 'title', jobTitle: 'Board member' }]);
    expect(moved.conflicts).toEqual([]);
    // Moved and retitled in the CRM: the title is the new primary company's.
    const retitled = merge({ propstreet: shadow, crm: crm('b', ['a', 'b'], 'Chair'), shadow });
    expect(retitled.toPropstreet).toEqual([
      { op: 'title', company: 'b', jobTitle: 'Chair' },
      { op: 'primary', company: 'b' },
    ]);
    expect(retitled.result.companies.get('a')).toBe('Analyst');
  });

  it('a company the CRM cannot hold stays in Propstreet as it is, unwritten in the CRM, and the shadow says so', () => {
    const shadow = ps('a', { a: 'CEO', b: 'Board member' });
    const gone = merge({
      propstreet: shadow,
      crm: crm('a', ['a'], 'CEO'),
      shadow,
      unknown: new Set(['b']),
    });
    expect(gone).toMatchObject({ toPropstreet: [], toCrm: [], conflicts: [] });
    expect(gone.result).toEqual(shadow);
    // The same pair without `unknown` is a removal in the CRM: Propstreet would lose the job.
    expect(merge({ propstreet: shadow, crm: crm('a', ['a'], 'CEO'), shadow }).toPropstreet).toEqual([
      { op: 'delete', company: 'b' },
    ]);
    // Its primary gone from the CRM with it: no change of the CRM's; Propstreet keeps its primary.
    const primary = ps('b', { b: 'CFO' });
    const kept = merge({
      propstreet: primary,
      crm: crm(null, [], 'CFO'),
      shadow: primary,
      unknown: new Set(['b']),
    });
    expect(kept).toMatchObject({ toPropstreet: [], toCrm: [], conflicts: [] });
    expect(kept.result).toEqual(primary);
    const again = merge({
      propstreet: primary,
      crm: crm(null, [], 'CFO'),
      shadow: kept.result,
      unknown: new Set(['b']),
    });
    expect(again).toMatchObject({ toPropstreet: [], toCrm: [], result: kept.result });
    // Made primary in Propstreet: the CRM's primary and title stay as they are, and stay so.
    const chosen = merge({
      propstreet: ps('b', { a: 'CEO', b: 'Board member' }),
      crm: crm('a', ['a'], 'CEO'),
      shadow: ps('a', { a: 'CEO' }),
      unknown: new Set(['b']),
    });
    // The shadow keeps the CRM's primary (what the CRM holds), so the next run reads no CRM change.
    expect(chosen).toMatchObject({
      toPropstreet: [],
      toCrm: [],
      result: ps('a', { a: 'CEO', b: 'Board member' }),
    });
    const stays = merge({
      propstreet: ps('b', { a: 'CEO', b: 'Board member' }),
      crm: crm('a', ['a'], 'CEO'),
      shadow: chosen.result,
      unknown: new Set(['b']),
    });
    expect(stays).toMatchObject({ toPropstreet: [], toCrm: [], result: chosen.result });
  });

  it('the CRM primary at the company its old primary was merged into is no move of the CRM (bug 73)', () => {
    // Propstreet: primary z (whose CRM company was merged into e's, its link ended), also at e.
    const shadow = ps('z', { z: 'COO', e: 'Adviser' });
    const input = {
      propstreet: shadow,
      crm: crm('e', ['e'], 'COO'),
      shadow,
      unknown: new Set(['z']),
    } as const;
    const kept = merge({ ...input, mergedPrimary: 'e' });
    expect(kept).toMatchObject({ toPropstreet: [], toCrm: [], conflicts: [] });
    // The shadow holds the CRM's own primary, so a later read without the merge's record agrees.
    expect(kept.result.primary).toBe('e');
    expect(merge({ ...input, shadow: kept.result })).toMatchObject({ toPropstreet: [], toCrm: [] });
    // Not merged there (a CRM user moved it): the move reaches Propstreet, as before.
    expect(merge(input).toPropstreet).toEqual([{ op: 'primary', company: 'e' }]);
  });

  it('a title cleared on either side is cleared on the other, never written back', () => {
    const shadow = ps('a', { a: 'CEO', b: 'Board member' });
    const inPropstreet = merge({
      propstreet: ps('a', { a: null, b: null }),
      crm: crm('a', ['a', 'b'], 'CEO'),
      shadow,
    });
    expect(inPropstreet.toPropstreet).toEqual([]);
    expect(inPropstreet.toCrm).toEqual([{ op: 'title', jobTitle: null }]);
    expect(inPropstreet.result).toEqual(ps('a', { a: null, b: null }));
    const inCrm = merge({ propstreet: shadow, crm: crm('a', ['a', 'b'], null), shadow });
    expect(inCrm.toPropstreet).toEqual([{ op: 'title', company: 'a', jobTitle: null }]);
    expect(inCrm.toCrm).toEqual([]);
  });

  it('a CRM title property that cuts: Propstreet’s whole title stands, the cut one in the CRM is no edit', () => {
    const fitTitle = (t: string | null) => (t === null ? null : t.slice(0, 5));
    const shadow = ps('a', { a: 'Chairman' });
    // The contacts kind sent Propstreet's new title cut: the two agree, nothing to write.
    const sent = merge({
      propstreet: ps('a', { a: 'Directorate' }),
      crm: crm('a', ['a'], 'Direc'),
      shadow,
      fitTitle,
    });
    expect(sent).toMatchObject({ toPropstreet: [], toCrm: [], conflicts: [] });
    expect(sent.result.companies.get('a')).toBe('Directorate');
    // Later, the CRM still holds the cut: no edit either.
    expect(
      merge({ propstreet: sent.result, crm: crm('a', ['a'], 'Direc'), shadow: sent.result, fitTitle }),
    ).toMatchObject({ toPropstreet: [], toCrm: [] });
    // A title to write is written cut; a real CRM edit still flows.
    expect(
      merge({ propstreet: ps('a', { a: 'Chairwoman' }), crm: crm('a', ['a'], 'Chair'), shadow, fitTitle })
        .toCrm,
    ).toEqual([]);
    expect(
      merge({ propstreet: ps('a', { a: 'Founder' }), crm: crm('a', ['a'], 'Chair'), shadow, fitTitle }).toCrm,
    ).toEqual([{ op: 'title', jobTitle: 'Found' }]);
    expect(merge({ propstreet: shadow, crm: crm('a', ['a'], 'CEO'), shadow, fitTitle }).toPropstreet).toEqual(
      [{ op: 'title', company: 'a', jobTitle: 'CEO' }],
    );
  });

  it('a primary cleared in Propstreet, the company kept: nothing written, and the next run reads no CRM change', () => {
    const shadow = ps('a', { a: 'CEO', b: null });
    // The contacts kind has cleared the CRM's title (no primary, no title at it).
    const cleared = merge({
      propstreet: ps(null, { a: 'CEO', b: null }),
      crm: crm('a', ['a', 'b'], null),
      shadow,
    });
    expect(cleared).toMatchObject({ toPropstreet: [], toCrm: [], conflicts: [] });
    expect(cleared.result).toEqual(shadow);
    const next = merge({
      propstreet: ps(null, { a: 'CEO', b: null }),
      crm: crm('a', ['a', 'b'], null),
      shadow: cleared.result,
    });
    expect(next).toMatchObject({ toPropstreet: [], toCrm: [], result: shadow });
  });

  it('a primary cleared in the CRM, the company kept: cleared in Propstreet too, and settles', () => {
    const shadow = ps('a', { a: 'CEO', b: null });
    const cleared = merge({ propstreet: shadow, crm: crm(null, ['a', 'b'], 'CEO'), shadow });
    expect(cleared.toPropstreet).toEqual([{ op: 'primary', company: 'a', clear: true }]);
    expect(cleared.toCrm).toEqual([]);
    expect(cleared.result.primary).toBeNull();
    const next = merge({
      propstreet: ps(null, { a: 'CEO', b: null }),
      crm: crm(null, ['a', 'b'], 'CEO'),
      shadow: cleared.result,
    });
    expect(next).toMatchObject({ toPropstreet: [], toCrm: [] });
    // A CRM holding only its primary removes the company with it instead: nothing to clear.
    const only = merge({ propstreet: shadow, crm: crm(null, [], null), shadow, secondary: false });
    expect(only.toPropstreet).toEqual([{ op: 'delete', company: 'a' }]);
  });

  it('a CRM that needs a primary first gets the first new job as it when neither side has one', () => {
    const shadow = ps(null, { a: 'CEO' });
    const input = { propstreet: ps(null, { a: 'CEO', b: 'Advisor' }), crm: crm(null, ['a']), shadow };
    const salesforce = merge({ ...input, primaryFirst: true });
    expect(salesforce.toCrm).toEqual([{ op: 'associate', company: 'b', primary: true }]);
    expect(salesforce.toPropstreet).toEqual([]);
    expect(salesforce.result.primary).toBe('b');
    const after = merge({
      propstreet: ps(null, { a: 'CEO', b: 'Advisor' }),
      crm: crm('b', ['a', 'b']),
      shadow: salesforce.result,
      primaryFirst: true,
    });
    expect(after).toMatchObject({ toPropstreet: [], toCrm: [] });
    // HubSpot relates a contact to companies without a primary one.
    expect(merge(input).toCrm).toEqual([{ op: 'associate', company: 'b', primary: false }]);
  });

  it('needs-a-primary-first: never a company the CRM cannot hold or has no record of, nor while Propstreet names one', () => {
    const input = {
      propstreet: ps(null, { a: 'CEO', b: 'Advisor', c: null }),
      crm: crm(null, ['a']),
      shadow: ps(null, { a: 'CEO' }),
    };
    // b has no CRM record yet: c, which has, becomes the primary.
    expect(merge({ ...input, primaryFirst: true, inCrm: new Set(['a', 'c']) }).toCrm).toEqual([
      { op: 'associate', company: 'b', primary: false },
      { op: 'associate', company: 'c', primary: true },
    ]);
    // Propstreet's primary at a company the CRM cannot hold: the CRM still needs one of its own.
    const unknownPrimary = merge({
      propstreet: ps('u', { u: 'CEO', b: 'Advisor' }),
      crm: crm(null, []),
      shadow: ps('u', { u: 'CEO' }),
      unknown: new Set(['u']),
      primaryFirst: true,
    });
    expect(unknownPrimary.toCrm).toEqual([{ op: 'associate', company: 'b', primary: true }]);
    expect(unknownPrimary.result.primary).toBe('b');
    const settled = merge({
      propstreet: ps('u', { u: 'CEO', b: 'Advisor' }),
      crm: crm('b', ['b']),
      shadow: unknownPrimary.result,
      unknown: new Set(['u']),
      primaryFirst: true,
    });
    expect(settled).toMatchObject({ toPropstreet: [], toCrm: [] });
    // Propstreet's primary being cleared now (that write may fail): nothing is made primary in its place.
    const clearing = merge({
      propstreet: ps('a', { a: 'CEO', b: 'Advisor' }),
      crm: crm(null, ['a']),
      shadow: ps('a', { a: 'CEO' }),
      primaryFirst: true,
    });
    expect(clearing.toPropstreet).toEqual([{ op: 'primary', company: 'a', clear: true }]);
    expect(clearing.toCrm).toEqual([{ op: 'associate', company: 'b', primary: false }]);
  });

  it('crm-wins: the CRM clearing its own primary does not clear a Propstreet primary at a company the CRM cannot hold', () => {
    const m = merge({
      propstreet: ps('b', { a: 'CEO', b: 'Board member' }),
      crm: crm(null, ['a'], 'CEO'),
      shadow: ps('a', { a: 'CEO', b: 'Board member' }),
      unknown: new Set(['b']),
      policy: 'crm-wins',
    });
    expect(m.toPropstreet).toEqual([]);
  });
});
