/** The links shadow's format: unchanged where the CRM gives links no ids, and their ids where it does. */
import { describe, expect, it } from 'vitest';
import { type CrmEmployments, linkIdsFor, shadowLinkIds, toShadow } from '../../src/links/employments.js';

const ada = {
  primary: 'c1',
  companies: new Map([
    ['c2', null],
    ['c1', 'CFO'],
  ]),
};

describe('links shadow', () => {
  it('keeps the format it always had when there are no link ids (HubSpot): no row is rewritten', () => {
    expect(toShadow(ada)).toEqual({
      primary: 'c1',
      companies: JSON.stringify([
        { id: 'c1', jobTitle: 'CFO' },
        { id: 'c2', jobTitle: null },
      ]),
    });
  });

  it('keeps the CRM link ids sorted, and reads them back; unreadable ids are none', () => {
    const shadow = toShadow(ada, ['07kB', '07kA']);
    expect(shadow.crmLinks).toBe('["07kA","07kB"]');
    expect(shadowLinkIds(shadow)).toEqual(['07kA', '07kB']);
    expect(shadowLinkIds({ ...shadow, crmLinks: '["07k' })).toEqual([]);
    expect(shadowLinkIds({ ...shadow, crmLinks: '{"a":1}' })).toEqual([]);
    expect(shadowLinkIds(null)).toEqual([]);
  });

  it('keeps the ids of the companies the employments still hold (a removed one was our own deletion)', () => {
    const crm: CrmEmployments = {
      primary: 'c1',
      companies: new Set(['c1', 'c2', 'c3']),
      primaryTitle: undefined,
      linkIds: new Map([
        ['07kA', 'c2'],
        ['07kB', 'c3'],
      ]),
    };
    expect(linkIdsFor(ada, crm)).toEqual(['07kA']);
    expect(linkIdsFor(ada, { ...crm, linkIds: undefined as never })).toEqual([]);
  });
});
