/**
 * Who works where when both sides change a contact's jobs around a change to its companies,
 * found by a companies/links probe (RELIABILITY.md bugs 55–57): a job removed in Propstreet
 * while HubSpot merged its company came back; a primary moved in the CRM while the old primary
 * company was deleted in Propstreet was lost in Propstreet; a relation ended in Salesforce
 * (IsActive false) stayed a current job.
 */
import { describe, expect, it } from 'vitest';
import { employed, hubspot, inTenant, liveLinks, salesforce, writesNothing } from './employments-support.js';

describe('jobs changed on both sides around a change to their companies', () => {
  it('a job removed in Propstreet while HubSpot merges its company stays removed on both sides (bug 55)', () =>
    inTenant('hubspot', async (e) => {
      const { hs, contact, company } = hubspot(e);
      const { id, link } = await employed(e, {
        Three: [
          ['Gamma', 'CEO'],
          ['Keep', 'Adviser'],
        ],
        One: [
          ['Keep', 'CFO'],
          ['Other', 'Board'],
        ],
      });
      e.sb.propstreet.unlinkAsUser(link('Three', 'Keep').id);
      // A HubSpot user merges Other into Keep: a new record with a new id, associations moved to it.
      const merged = hs.companies.mergeAsUser(company(id('Keep')), company(id('Other')));
      await e.run();
      await e.run({ reconcile: true });
      expect(liveLinks(e, id('Three')).map((l) => l.companyId)).toEqual([id('Gamma')]);
      expect(hs.associatedCompanies(contact(id('Three'))).map((c) => c.companyId)).not.toContain(merged);
      // One's job at the merged company is kept, at the company that survived.
      expect(liveLinks(e, id('One')).map((l) => l.companyId)).toContain(id('Keep'));
      await writesNothing(e, { reconcile: true });
    }));

  it('a primary moved in HubSpot while the old primary company is deleted in Propstreet reaches Propstreet (bug 56)', () =>
    inTenant('hubspot', async (e) => {
      const { hs, contact, company } = hubspot(e);
      const { id } = await employed(e, {
        Xena: [
          ['Alpha', 'Analyst'],
          ['Beta', 'Board'],
        ],
      });
      hs.associate(contact(id('Xena')), company(id('Beta')), { primary: true });
      e.sb.propstreet.deleteCompanyAsUser(id('Alpha'));
      const run = await e.run({ reconcile: true });
      expect(run.links?.[0]?.result.conflicts).toEqual([]);
      expect(e.sb.propstreet.contact(id('Xena'))?.primaryCompanyId).toBe(id('Beta'));
      await e.run({ reconcile: true });
      expect(e.sb.propstreet.contact(id('Xena'))?.primaryCompanyId).toBe(id('Beta'));
    }));

  it('an AccountId moved in Salesforce while the old primary company is deleted in Propstreet reaches Propstreet, Title kept (bug 56)', () =>
    inTenant('salesforce', async (e) => {
      const sf = salesforce(e);
      const { id } = await employed(e, {
        Xena: [
          ['Alpha', 'Analyst'],
          ['Beta', 'Board'],
        ],
      });
      const xena = sf.getByKey(id('Xena'))?.Id as string;
      sf.edit(xena, { AccountId: sf.accounts.getByKey(id('Beta'))?.Id as string });
      e.sb.propstreet.deleteCompanyAsUser(id('Alpha'));
      const run = await e.run();
      expect(run.links?.[0]?.result.conflicts).toEqual([]);
      expect(e.sb.propstreet.contact(id('Xena'))?.primaryCompanyId).toBe(id('Beta'));
      await e.run();
      expect(sf.getByKey(id('Xena'))?.AccountId).toBe(sf.accounts.getByKey(id('Beta'))?.Id);
      expect(sf.getByKey(id('Xena'))?.Title).toBe('Board');
    }));

  it('a relation ended in Salesforce (IsActive false) ends the job in Propstreet, and a job there again reactivates it (bug 57)', () =>
    inTenant('salesforce', async (e) => {
      const sf = salesforce(e);
      const relations = sf.accountContactRelations;
      if (!relations) throw new Error('no relations');
      const { id } = await employed(e, {
        Xena: [
          ['Alpha', 'Analyst'],
          ['Beta', 'Board'],
        ],
      });
      const xena = sf.getByKey(id('Xena'))?.Id as string;
      const beta = sf.accounts.getByKey(id('Beta'))?.Id as string;
      const relation = () => relations.dump().filter((r) => r.ContactId === xena && r.AccountId === beta);
      const [rel] = relation();
      expect(rel).toMatchObject({ IsDirect: false, IsActive: true });
      // A Salesforce user ends Xena's relation to Beta, as Salesforce keeps a former job.
      relations.edit(String(rel?.Id), { IsActive: false, EndDate: '2026-11-30' }, { as: sf.uiUserId });
      await e.run();
      expect(liveLinks(e, id('Xena')).map((l) => l.companyId)).toEqual([id('Alpha')]);
      await writesNothing(e, { reconcile: true });

      // She is back at Beta in Propstreet: the ended relation is made active again, not doubled.
      e.sb.propstreet.linkAsUser(id('Xena'), id('Beta'), { jobTitle: 'Board' });
      await e.run();
      expect(relation()).toEqual([expect.objectContaining({ Id: rel?.Id, IsActive: true, EndDate: null })]);
      await writesNothing(e, { reconcile: true });
      expect(
        liveLinks(e, id('Xena'))
          .map((l) => l.companyId)
          .sort(),
      ).toEqual([id('Alpha'), id('Beta')].sort());
    }));
});
