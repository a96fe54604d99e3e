/**
 * The pure parts of CRM merge planning: which staged records form one merge, and which link
 * the survivor keeps.
 */
import { describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/crm/port.js';
import { chooseKeeper, mergeGroupsIn, mergeNotice } from '../../src/engine/merge-pairs.js';
import { CONTACTS } from '../../src/kinds/contacts/spec.js';
import { Staging } from '../../src/run/staging.js';
import type { Link } from '../../src/state/port.js';

const AT = '2026-01-01T00:00:00.000Z';
const live = (id: string, key: string | null = null): CrmRecord => ({
  id,
  properties: { propstreet_id: key },
  modifiedAt: AT,
  deleted: false,
});
const gone = (id: string, mergedInto: string): CrmRecord => ({
  id,
  properties: {},
  modifiedAt: AT,
  deleted: true,
  mergedInto,
});
const link = (propstreetId: string, crmId: string): Link => ({
  propstreetId,
  crmId,
  shadow: {},
  propstreetEtag: null,
  crmModifiedAt: null,
  updatedAt: AT,
});

describe('mergeGroupsIn', () => {
  it('groups a survivor with every record merged into it, across chunks and merges of merges', () => {
    const staging = new Staging({ key: 'propstreet_id' });
    try {
      // 101 went into 102, which went into 303; 104 is a plain record; 105 a plain deletion.
      staging.putCrm([live('303'), live('104'), gone('101', '102'), gone('102', '303')]);
      staging.putCrm([{ ...live('105'), deleted: true }]);
      const first = mergeGroupsIn([live('303'), live('104')], staging);
      expect(first.groups).toEqual([{ survivorId: '303', mergedIds: ['102', '101'] }]);
      expect(first.rest.map((r) => r.id)).toEqual(['104']);
      // A chunk holding only a record merged away finds the same survivor.
      expect(mergeGroupsIn([gone('101', '102')], staging).groups).toEqual([
        { survivorId: '303', mergedIds: ['102', '101'] },
      ]);
      expect(mergeGroupsIn([{ ...live('105'), deleted: true }], staging).groups).toEqual([]);
    } finally {
      staging.close();
    }
  });
});

describe('chooseKeeper', () => {
  const a = link('ps-a', '101');
  const b = link('ps-b', '102');
  const m = link('ps-m', '303');
  it.each([
    [
      'the contact the survivor’s key names (HubSpot: the primary’s values win)',
      live('303', 'ps-b'),
      [a, b],
      b,
    ],
    ['the link already on the survivor (Salesforce master)', live('303', null), [a, m], m],
    ['the key before the survivor’s own link', live('303', 'ps-a'), [m, a], a],
    ['the only link, whatever the key says', live('303', null), [a], a],
    ['none when several links and nothing names the primary', live('303', 'ps-x'), [a, b], null],
  ] as const)('%s', (_, survivor, links, keeper) => {
    expect(chooseKeeper(survivor, links, 'propstreet_id')).toBe(keeper);
  });

  it('names every contact in the notice, the keeper first', () => {
    expect(mergeNotice('303', [a, b, m], m, false, CONTACTS.noun).text).toBe(
      'merged in the CRM: Propstreet contacts ps-m, ps-a and ps-b now share one record (303); ps-m keeps the link; the others are unlinked and left as they are: merge them in Propstreet',
    );
    expect(mergeNotice('303', [a, b], null, false, CONTACTS.noun)).toMatchObject({
      kind: 'crm-merge',
      propstreetIds: ['ps-a', 'ps-b'],
      crmId: '303',
      text: expect.stringContaining('now share one record (303); no record names the primary'),
    });
  });
});
