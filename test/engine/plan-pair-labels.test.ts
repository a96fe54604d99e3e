/**
 * A record is listed under its current name on both sides: a contact renamed in the CRM was
 * listed under its old (Propstreet) name only.
 */
import { describe, expect, it } from 'vitest';
import { type PairState, planPair } from '../../src/engine/plan-pair.js';
import { aContact, aCrmRecord, hubspotMapper, pairSettings } from './pair-builders.js';

const mapper = hubspotMapper;
const link = {
  propstreetId: 'ps-1',
  crmId: '101',
  shadow: mapper.fromPropstreet(aContact()),
  propstreetEtag: '"e2"',
  crmModifiedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const plan = (pair: Partial<PairState>) =>
  planPair(
    { propstreet: null, crm: null, link, propstreetEcho: false, ...pair },
    pairSettings(),
    mapper,
    'propstreet_id',
  ).plan;

describe('record labels', () => {
  it('a CRM rename: the Propstreet name as label, the CRM name as crmLabel', () => {
    const r = plan({ propstreet: aContact(), crm: aCrmRecord({ firstname: 'Augusta' }) });
    expect(r.label).toBe('Ada Lovelace');
    expect(r.crmLabel).toBe('Augusta Lovelace');
  });

  it('the same name on both sides: no crmLabel', () => {
    expect(plan({ propstreet: aContact(), crm: aCrmRecord() })).not.toHaveProperty('crmLabel');
  });

  it('one side only, or a deleted CRM record: no crmLabel', () => {
    expect(plan({ crm: aCrmRecord({ firstname: 'Augusta' }) })).toMatchObject({ label: 'Augusta Lovelace' });
    expect(plan({ crm: aCrmRecord({ firstname: 'Augusta' }) })).not.toHaveProperty('crmLabel');
    expect(plan({ propstreet: aContact() })).not.toHaveProperty('crmLabel');
    expect(plan({ propstreet: aContact(), crm: aCrmRecord({ firstname: null }, true) })).not.toHaveProperty(
      'crmLabel',
    );
  });

  it('a contact: first and last name, either alone, else the email, else the id', () => {
    const label = (over: Record<string, unknown>) => plan({ propstreet: aContact(over) }).label;
    expect(label({})).toBe('Ada Lovelace');
    expect(label({ lastName: null })).toBe('Ada');
    expect(label({ firstName: '' })).toBe('Lovelace');
    expect(label({ firstName: null, lastName: null })).toBe('ada@example.com');
    expect(label({ firstName: '', lastName: '', email: null })).toBe('ps-1');
    const crmLabel = (over: Record<string, string | null>) => plan({ crm: aCrmRecord(over) }).label;
    expect(crmLabel({ firstname: null })).toBe('Lovelace');
    expect(crmLabel({ firstname: 'Ada', lastname: '' })).toBe('Ada');
    expect(crmLabel({ firstname: null, lastname: null, email: null })).toBe('101');
  });
});
