/**
 * The planner's delete rule for a kind whose records have dependants (companies: their linked
 * contacts), on one pair at a time: a delete policy that would remove the other side's record
 * is held — the pair unlinked, a notice raised — while that record still has dependants, or
 * when its side cannot tell; policies that delete nothing are unchanged, and a kind without
 * dependants (contacts) is never held.
 */
import { describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/crm/port.js';
import { type PairState, planPair } from '../../src/engine/plan-pair.js';
import type { RecordAction, SyncSettings } from '../../src/engine/types.js';
import { COMPANIES } from '../../src/kinds/companies/spec.js';
import { mapperFor } from '../../src/kinds/mapper.js';
import { loadMapping } from '../../src/mapping/index.js';
import { type Company, companySchema } from '../../src/propstreet/company-schema.js';
import { aContact, aCrmRecord, hubspotMapper, pairSettings } from './pair-builders.js';

const hubspot = mapperFor(COMPANIES, loadMapping('mappings/hubspot.companies.yaml'));
const salesforce = mapperFor(COMPANIES, loadMapping('mappings/salesforce.accounts.yaml'));
const DELETED = '2026-01-03T00:00:00Z';

const company = (over: Partial<Record<keyof Company, unknown>> = {}): Company =>
  companySchema.parse({
    id: 'co-1',
    name: 'Acme AB',
    domain: 'acme.se',
    externalRefs: [{ namespace: 'hubspot', id: '901' }],
    createdUtc: '2026-01-01T00:00:00Z',
    updatedUtc: '2026-01-02T00:00:00Z',
    etag: '"e2"',
    ...over,
  });
const crm = (over: Record<string, string | null> = {}, deleted = false): CrmRecord => ({
  id: '901',
  properties: { name: 'Acme AB', domain: 'acme.se', propstreet_id: 'co-1', ...over },
  modifiedAt: '2026-01-02T00:00:00.000Z',
  deleted,
});
const link = (shadow: Record<string, string | null>) => ({
  propstreetId: 'co-1',
  crmId: '901',
  shadow,
  propstreetEtag: '"e2"',
  crmModifiedAt: '2026-01-02T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
});
const shadow = hubspot.fromPropstreet(company());
const settings = (deletes: Partial<SyncSettings['deletes']>) => pairSettings({ deletes });

interface Row {
  readonly name: string;
  readonly pair: PairState<Company>;
  readonly deletes: Partial<SyncSettings['deletes']>;
  readonly action: RecordAction;
  readonly reason: string | RegExp;
}

const deletedInPs = company({ deletedUtc: DELETED });
const withContacts = company({ contacts: [{ id: 'p1' }, { id: 'p2' }] });
const rows: Row[] = [
  {
    name: 'deleted in Propstreet, the CRM company has contacts: held',
    pair: {
      propstreet: deletedInPs,
      crm: crm({ num_associated_contacts: '4' }),
      link: link(shadow),
      propstreetEcho: false,
    },
    deletes: { fromPropstreet: 'archive' },
    action: 'unlink',
    reason:
      'deleted in Propstreet, but the CRM company still has 4 linked contacts: kept and unlinked (a company is not deleted while it has linked contacts)',
  },
  {
    name: 'deleted in Propstreet, the CRM company has none: archived',
    pair: {
      propstreet: deletedInPs,
      crm: crm({ num_associated_contacts: '0' }),
      link: link(shadow),
      propstreetEcho: false,
    },
    deletes: { fromPropstreet: 'archive' },
    action: 'delete-in-crm',
    reason: 'deleted in Propstreet (policy archive)',
  },
  {
    name: 'deleted in Propstreet, the CRM record unread: held, it cannot tell',
    pair: { propstreet: deletedInPs, crm: null, link: link(shadow), propstreetEcho: false },
    deletes: { fromPropstreet: 'delete' },
    action: 'unlink',
    reason: /^deleted in Propstreet, but the CRM record does not say whether it still has linked contacts/,
  },
  {
    name: 'deleted in Propstreet under unlink: the policy, no hold needed',
    pair: {
      propstreet: deletedInPs,
      crm: crm({ num_associated_contacts: '4' }),
      link: link(shadow),
      propstreetEcho: false,
    },
    deletes: { fromPropstreet: 'unlink' },
    action: 'unlink',
    reason: 'deleted in Propstreet (policy unlink)',
  },
  {
    name: 'deleted in the CRM, the Propstreet company has contacts: held, for good',
    pair: { propstreet: withContacts, crm: crm({}, true), link: link(shadow), propstreetEcho: false },
    deletes: { fromCrm: 'delete' },
    action: 'unlink',
    reason:
      'deleted in the CRM, but the Propstreet company still has 2 linked contacts: kept and unlinked (a company is not deleted while it has linked contacts); not created in the CRM again (deletes.recreate: false)',
  },
  {
    name: 'deleted in the CRM, the Propstreet company has none: deleted',
    pair: { propstreet: company(), crm: crm({}, true), link: link(shadow), propstreetEcho: false },
    deletes: { fromCrm: 'delete' },
    action: 'delete-in-propstreet',
    reason: 'deleted in the CRM (policy delete)',
  },
  {
    name: 'deleted in the CRM, the Propstreet company unread: held',
    pair: { propstreet: null, crm: crm({}, true), link: link(shadow), propstreetEcho: false },
    deletes: { fromCrm: 'delete' },
    action: 'unlink',
    reason: /^deleted in the CRM, but its Propstreet company could not be read to count its linked contacts/,
  },
];

describe('planPair: companies with linked contacts are not deleted', () => {
  for (const row of rows)
    it(row.name, () => {
      const { plan } = planPair(row.pair, settings(row.deletes), hubspot, 'propstreet_id');
      expect(plan.action).toBe(row.action);
      if (typeof row.reason === 'string') expect(plan.reason).toBe(row.reason);
      else expect(plan.reason).toMatch(row.reason);
      const held = plan.reason.includes('kept and unlinked');
      if (held)
        expect(plan.notice).toMatchObject({ kind: 'delete-held', crmId: '901', propstreetIds: ['co-1'] });
      else expect(plan.notice).toBeUndefined();
    });

  it('holds every delete of a Salesforce Account: the record does not count its contacts', () => {
    const account: CrmRecord = { ...crm(), properties: { Name: 'Acme AB', Website: 'acme.se' } };
    const pair: PairState<Company> = {
      propstreet: deletedInPs,
      crm: account,
      link: link(shadow),
      propstreetEcho: false,
    };
    const { plan } = planPair(pair, settings({ fromPropstreet: 'delete' }), salesforce, 'Propstreet_Id__c');
    expect(plan).toMatchObject({ action: 'unlink', notice: { kind: 'delete-held' } });
  });

  it('an Account edited since the company was deleted in Propstreet: the conflict is reported under keep-edited, the hold under delete', () => {
    const renamed: CrmRecord = { ...crm(), properties: { Name: 'Acme Renamed AB', Website: 'acme.se' } };
    const pair: PairState<Company> = {
      propstreet: deletedInPs,
      crm: renamed,
      link: link(salesforce.fromPropstreet(company())),
      propstreetEcho: false,
    };
    const plan = (againstEdit: 'keep-edited' | 'delete') =>
      planPair(pair, settings({ fromPropstreet: 'delete', againstEdit }), salesforce, 'Propstreet_Id__c')
        .plan;
    // Both keep both records and end the link; only the first tells the person their edit raced a delete.
    expect(plan('keep-edited')).toMatchObject({
      action: 'unlink',
      notice: { kind: 'delete-vs-edit' },
      reason:
        'deleted in Propstreet, but edited in the CRM since the last sync (name): the edited record is kept and unlinked (deletes.againstEdit: keep-edited)',
    });
    expect(plan('delete')).toMatchObject({ action: 'unlink', notice: { kind: 'delete-held' } });
  });

  it('a CRM deletion another connection of a bridge is behind on is held, the link kept; unless the company is kept anyway', () => {
    const pair: PairState<Company> = {
      propstreet: company(),
      crm: crm({}, true),
      link: link(shadow),
      propstreetEcho: false,
      siblingsBehind: ['salesforce'],
    };
    const { plan } = planPair(pair, settings({ fromCrm: 'delete' }), hubspot, 'propstreet_id');
    expect(plan).toMatchObject({
      action: 'skip',
      heldFor: ['salesforce'],
      notice: { kind: 'delete-held', crmId: '901', propstreetIds: ['co-1'] },
    });
    const kept = planPair(
      { ...pair, propstreet: withContacts },
      settings({ fromCrm: 'delete' }),
      hubspot,
      'propstreet_id',
    );
    expect(kept.plan).toMatchObject({ action: 'unlink', notice: { kind: 'delete-held' } });
    expect(kept.plan.heldFor).toBeUndefined();
    // A policy that deletes nothing in Propstreet does not wait.
    expect(planPair(pair, settings({ fromCrm: 'unlink' }), hubspot, 'propstreet_id').plan.action).toBe(
      'unlink',
    );
  });

  it('never holds a kind without dependants (contacts)', () => {
    const contactShadow = hubspotMapper.fromPropstreet(aContact());
    const pair = {
      propstreet: aContact({ deletedUtc: DELETED }),
      crm: aCrmRecord(),
      link: { ...link(contactShadow), propstreetId: 'ps-1', crmId: '101' },
      propstreetEcho: false,
    };
    const { plan } = planPair(pair, settings({ fromPropstreet: 'archive' }), hubspotMapper, 'propstreet_id');
    expect(plan.action).toBe('delete-in-crm');
  });
});
