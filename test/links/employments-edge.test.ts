/**
 * Who works where at the edges of the companies kind, found by a review probe (RELIABILITY.md
 * bugs 24–26), each on the fakes in a tenant run:
 * - a contact held back by one company (a CRM company no longer linked to Propstreet) kept its
 *   old shadow although its other writes landed, so a later removal read as an add and came back;
 * - the primary company moved in the CRM, its title untouched: the contact's one CRM title was
 *   compared with the shadow's title at the new primary, and overwrote it;
 * - a CRM company merged or deleted, its Propstreet company "left as it is" by the companies kind:
 *   the CRM's associations without it read as removals, and every job there was deleted.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { type E2E, startE2E, writes } from '../e2e/support.js';

async function linksTenant(crm: 'hubspot' | 'salesforce'): Promise<E2E> {
  const e = await startE2E(
    crm === 'hubspot'
      ? { salesforce: false }
      : { hubspot: false, salesforceOptions: { contactsToMultipleAccounts: true } },
    { tenant: 'acme', connections: [crm], connection: { objects: ['companies', 'contacts', 'links'] } },
  );
  e.sb.propstreet.setRateLimit(600_000);
  return e;
}

const liveLinks = (e: E2E, contact: string) =>
  e.sb.propstreet.allLinks().filter((l) => l.contactId === contact && !l.deletedUtc);

function hubspot(e: E2E) {
  const hs = e.sb.hubspot?.control;
  if (!hs) throw new Error('no HubSpot fake');
  const contact = (propstreetId: string) =>
    hs.dump().find((r) => r.properties.propstreet_id === propstreetId)?.id ?? '';
  const company = (propstreetId: string) =>
    hs.companies.dump().find((k) => k.properties.propstreet_id === propstreetId && !k.archived)?.id ?? '';
  return { hs, contact, company };
}

describe('employments at the edges of the companies kind', () => {
  it('a removal stays removed while the contact waits for a CRM company not in Propstreet yet', async () => {
    const e = await linksTenant('hubspot');
    try {
      const ps = e.sb.propstreet;
      const { hs, contact, company } = hubspot(e);
      const [alpha, delta] = ps.seedCompanies([
        { name: 'Alpha', domain: 'alpha.se' },
        { name: 'Delta', domain: 'delta.se' },
      ]);
      const [x] = ps.seed([{ firstName: 'Xena', lastName: 'P', email: 'x@alpha.se' }]);
      if (!alpha || !delta || !x) throw new Error('seed');
      ps.linkAsUser(x.id, alpha.id, { isPrimary: true });
      await e.run();
      // A HubSpot company Propstreet refuses (no name): never linked, so Xena waits for it.
      const nameless = hs.companies.createAsUser({ domain: 'nameless.se' });
      hs.associate(contact(x.id), nameless);
      await e.run({ reconcile: true });
      ps.linkAsUser(x.id, delta.id);
      await e.run();
      const deltaInHubSpot = company(delta.id);
      expect(hs.associatedCompanies(contact(x.id)).map((c) => c.companyId)).toContain(deltaInHubSpot);
      const toDelta = liveLinks(e, x.id).find((l) => l.companyId === delta.id);
      if (!toDelta) throw new Error('no link to Delta');
      ps.unlinkAsUser(toDelta.id);
      const run = await e.run();
      expect(liveLinks(e, x.id).map((l) => l.companyId)).toEqual([alpha.id]);
      expect(hs.associatedCompanies(contact(x.id)).map((c) => c.companyId)).not.toContain(deltaInHubSpot);
      expect(run.links?.[0]?.result.deferred).toEqual([
        { contact: x.id, reason: expect.stringContaining(`CRM companies ${nameless} are not linked`) },
      ]);
      // Still waiting, and still nothing comes back.
      await e.run({ reconcile: true });
      expect(liveLinks(e, x.id).map((l) => l.companyId)).toEqual([alpha.id]);
    } finally {
      await e.close();
    }
  });

  it('a CRM company whose Propstreet company was deleted holds none of its contacts back', async () => {
    const e = await linksTenant('hubspot');
    try {
      const ps = e.sb.propstreet;
      const { hs, contact, company } = hubspot(e);
      const [alpha, beta] = ps.seedCompanies([
        { name: 'Alpha', domain: 'alpha.se' },
        { name: 'Beta', domain: 'beta.se' },
      ]);
      const [x] = ps.seed([{ firstName: 'Xena', lastName: 'P', email: 'x@alpha.se' }]);
      if (!alpha || !beta || !x) throw new Error('seed');
      ps.linkAsUser(x.id, alpha.id, { isPrimary: true });
      ps.linkAsUser(x.id, beta.id);
      await e.run();
      const betaInHubSpot = company(beta.id);
      // Beta goes in Propstreet; HubSpot's Beta stays (the default policy), associated with Xena.
      ps.deleteCompanyAsUser(beta.id);
      await e.run();
      const run = await e.run({ reconcile: true });
      expect(run.links?.[0]?.result.deferred).toEqual([]);
      expect(run.links?.[0]?.result.failed).toEqual([]);
      expect(run.links?.[0]?.result.rows).toEqual([]);
      // Left as it is: the association with it too.
      expect(hs.associatedCompanies(contact(x.id)).map((c) => c.companyId)).toContain(betaInHubSpot);
      expect(liveLinks(e, x.id).map((l) => l.companyId)).toEqual([alpha.id]);
    } finally {
      await e.close();
    }
  });

  it('HubSpot: the primary label moved to another company keeps that company’s job title', async () => {
    const e = await linksTenant('hubspot');
    try {
      const ps = e.sb.propstreet;
      const { hs, contact, company } = hubspot(e);
      const [alpha, gamma] = ps.seedCompanies([
        { name: 'Alpha', domain: 'alpha.se' },
        { name: 'Gamma', domain: 'gamma.se' },
      ]);
      const [x] = ps.seed([{ firstName: 'Xena', lastName: 'P', email: 'x@alpha.se' }]);
      if (!alpha || !gamma || !x) throw new Error('seed');
      ps.linkAsUser(x.id, alpha.id, { isPrimary: true, jobTitle: 'Analyst' });
      ps.linkAsUser(x.id, gamma.id, { jobTitle: 'Board member' });
      await e.run();
      await e.run();
      hs.associate(contact(x.id), company(gamma.id), { primary: true });
      const run = await e.run({ reconcile: true });
      expect(run.links?.[0]?.result.conflicts).toEqual([]);
      expect(ps.contact(x.id)?.primaryCompanyId).toBe(gamma.id);
      const titles = new Map(liveLinks(e, x.id).map((l) => [l.companyId, l.jobTitle]));
      expect(titles).toEqual(
        new Map([
          [alpha.id, 'Analyst'],
          [gamma.id, 'Board member'],
        ]),
      );
      // The contact's one title in HubSpot follows its primary company.
      expect(hs.dump().find((r) => r.id === contact(x.id))?.properties.jobtitle).toBe('Board member');
    } finally {
      await e.close();
    }
  });

  it('Salesforce: the Contact’s Account moved to another company keeps that company’s job title', async () => {
    const e = await linksTenant('salesforce');
    try {
      const ps = e.sb.propstreet;
      const sf = e.sb.salesforce?.control;
      if (!sf) throw new Error('no Salesforce fake');
      const [alpha, gamma] = ps.seedCompanies([
        { name: 'Alpha AB', domain: 'alpha.se' },
        { name: 'Gamma AB', domain: 'gamma.se' },
      ]);
      const [x] = ps.seed([{ firstName: 'Xena', lastName: 'P', email: 'x@alpha.se' }]);
      if (!alpha || !gamma || !x) throw new Error('seed');
      ps.linkAsUser(x.id, alpha.id, { isPrimary: true, jobTitle: 'Analyst' });
      ps.linkAsUser(x.id, gamma.id, { jobTitle: 'Board member' });
      await e.run();
      await e.run();
      expect(sf.getByKey(x.id)?.Title).toBe('Analyst');
      sf.edit(sf.getByKey(x.id)?.Id as string, { AccountId: sf.accounts.getByKey(gamma.id)?.Id as string });
      const run = await e.run();
      expect(run.links?.[0]?.result.conflicts).toEqual([]);
      expect(ps.contact(x.id)?.primaryCompanyId).toBe(gamma.id);
      expect(liveLinks(e, x.id).find((l) => l.companyId === gamma.id)?.jobTitle).toBe('Board member');
      expect(liveLinks(e, x.id).find((l) => l.companyId === alpha.id)?.jobTitle).toBe('Analyst');
      expect(sf.getByKey(x.id)?.Title).toBe('Board member');
    } finally {
      await e.close();
    }
  });

  for (const how of ['merged', 'deleted'] as const)
    it(`a HubSpot company ${how}, its Propstreet company left as it is: the jobs there stay`, async () => {
      const e = await linksTenant('hubspot');
      try {
        const ps = e.sb.propstreet;
        const { hs, company } = hubspot(e);
        const [keep, other] = ps.seedCompanies([
          { name: 'Keep', domain: 'keep.se' },
          { name: 'Other', domain: 'other.se' },
        ]);
        const [one, two] = ps.seed([
          { firstName: 'One', lastName: 'P', email: 'one@keep.se' },
          { firstName: 'Two', lastName: 'P', email: 'two@other.se' },
        ]);
        if (!keep || !other || !one || !two) throw new Error('seed');
        ps.linkAsUser(one.id, keep.id, { isPrimary: true, jobTitle: 'CEO' });
        ps.linkAsUser(one.id, other.id, { jobTitle: 'Board member' });
        ps.linkAsUser(two.id, other.id, { isPrimary: true, jobTitle: 'CFO' });
        await e.run();
        await e.run();
        if (how === 'merged') hs.companies.mergeAsUser(company(keep.id), company(other.id));
        else hs.companies.deleteAsUser(company(other.id));
        const run = await e.run({ reconcile: true });
        const record = run.connections.flatMap((c) => c.records).find((r) => r.propstreetId === other.id);
        expect(record?.action).toBe('unlink');
        expect(ps.company(other.id)?.deletedUtc ?? null).toBeNull();
        const atOther = ps.allLinks().filter((l) => !l.deletedUtc && l.companyId === other.id);
        expect(atOther.map((l) => [l.contactId, l.jobTitle]).sort()).toEqual(
          [
            [one.id, 'Board member'],
            [two.id, 'CFO'],
          ].sort(),
        );
        expect(ps.contact(two.id)?.primaryCompanyId).toBe(how === 'merged' ? keep.id : other.id);
        // Merged: HubSpot moved Two's job to the merged company, and with it the only title it has.
        if (how === 'merged')
          expect(liveLinks(e, two.id).find((l) => l.companyId === keep.id)?.jobTitle).toBe('CFO');
        // Nothing is left waiting, and the next run changes nothing.
        expect(run.links?.[0]?.result.deferred).toEqual([]);
        const again = await e.run({ reconcile: true });
        expect(again.links?.[0]?.result.rows).toEqual([]);
        // A contact who joins the company afterwards does not wait for it to come back to HubSpot.
        const [three] = ps.seed([{ firstName: 'Three', lastName: 'P', email: 'three@other.se' }]);
        if (!three) throw new Error('seed');
        ps.linkAsUser(three.id, other.id, { isPrimary: true, jobTitle: 'COO' });
        const joined = await e.run();
        expect(joined.links?.[0]?.result.deferred).toEqual([]);
        expect(joined.links?.[0]?.result.failed).toEqual([]);
        expect(liveLinks(e, three.id).map((l) => [l.companyId, l.jobTitle])).toEqual([[other.id, 'COO']]);
      } finally {
        await e.close();
      }
    });

  it('a company relinked after a CRM deletion, its contacts untouched meanwhile: their jobs are added to the CRM again, never removed from Propstreet', async () => {
    const e = await linksTenant('hubspot');
    try {
      const ps = e.sb.propstreet;
      const { hs, contact, company } = hubspot(e);
      const [keep, other] = ps.seedCompanies([
        { name: 'Keep', domain: 'keep.se' },
        { name: 'Other', domain: 'other.se' },
      ]);
      const [one, two] = ps.seed([
        { firstName: 'One', lastName: 'P', email: 'one@keep.se' },
        { firstName: 'Two', lastName: 'P', email: 'two@other.se' },
      ]);
      if (!keep || !other || !one || !two) throw new Error('seed');
      ps.linkAsUser(one.id, keep.id, { isPrimary: true, jobTitle: 'CEO' });
      ps.linkAsUser(one.id, other.id, { jobTitle: 'Board member' });
      ps.linkAsUser(two.id, other.id, { isPrimary: true, jobTitle: 'CFO' });
      await e.run();
      await e.run();
      const first = company(other.id);
      hs.companies.deleteAsUser(first);
      await e.run();
      const relinked = await runCli(['relink', e.config.file, other.id], { env: e.sb.env });
      expect(relinked.code).toBe(0);
      await e.run();
      const again = company(other.id);
      expect(again).not.toBe('');
      expect(again).not.toBe(first);
      const run = await e.run({ reconcile: true });
      expect(run.links?.[0]?.result.rows.filter((r) => r.side === 'propstreet')).toEqual([]);
      const atOther = ps.allLinks().filter((l) => !l.deletedUtc && l.companyId === other.id);
      expect(atOther.map((l) => [l.contactId, l.jobTitle]).sort()).toEqual(
        [
          [one.id, 'Board member'],
          [two.id, 'CFO'],
        ].sort(),
      );
      expect(hs.associatedCompanies(contact(one.id)).map((c) => c.companyId)).toContain(again);
      expect(hs.associatedCompanies(contact(two.id))).toContainEqual({ companyId: again, primary: true });
    } finally {
      await e.close();
    }
  });

  it('Salesforce: a title cleared on either side reaches the other and stays cleared (bug 28)', async () => {
    const e = await linksTenant('salesforce');
    try {
      const ps = e.sb.propstreet;
      const sf = e.sb.salesforce?.control;
      if (!sf) throw new Error('no Salesforce fake');
      const [alpha, beta] = ps.seedCompanies([
        { name: 'Alpha AB', domain: 'alpha.se' },
        { name: 'Beta AB', domain: 'beta.se' },
      ]);
      const [x, y] = ps.seed([
        { firstName: 'Xena', lastName: 'P', email: 'x@alpha.se' },
        { firstName: 'Yann', lastName: 'P', email: 'y@alpha.se' },
      ]);
      if (!alpha || !beta || !x || !y) throw new Error('seed');
      const xa = ps.linkAsUser(x.id, alpha.id, { isPrimary: true, jobTitle: 'CEO' });
      const xb = ps.linkAsUser(x.id, beta.id, { jobTitle: 'Board member' });
      ps.linkAsUser(y.id, alpha.id, { isPrimary: true, jobTitle: 'CTO' });
      await e.run();
      await e.run();
      expect(sf.getByKey(y.id)?.Title).toBe('CTO');
      ps.editLinkAsUser(xa.id, { jobTitle: null });
      ps.editLinkAsUser(xb.id, { jobTitle: null });
      sf.edit(sf.getByKey(y.id)?.Id as string, { Title: null });
      sf.advanceClock(60_000);
      await e.run();
      await e.run();
      const titles = (contact: string) =>
        Object.fromEntries(liveLinks(e, contact).map((l) => [l.companyId, l.jobTitle ?? null]));
      expect(titles(x.id)).toEqual({ [alpha.id]: null, [beta.id]: null });
      expect(sf.getByKey(x.id)?.Title ?? null).toBeNull();
      expect(titles(y.id)).toEqual({ [alpha.id]: null });
      expect(sf.getByKey(y.id)?.Title ?? null).toBeNull();
    } finally {
      await e.close();
    }
  });

  it('Salesforce: a job title longer than Title holds is sent cut, with the contact’s other edits, and settles (bug 29)', async () => {
    const e = await linksTenant('salesforce');
    try {
      const ps = e.sb.propstreet;
      const sf = e.sb.salesforce?.control;
      if (!sf) throw new Error('no Salesforce fake');
      const [alpha] = ps.seedCompanies([{ name: 'Alpha AB', domain: 'alpha.se' }]);
      const [x] = ps.seed([{ firstName: 'Xena', lastName: 'P', email: 'x@alpha.se' }]);
      if (!alpha || !x) throw new Error('seed');
      const link = ps.linkAsUser(x.id, alpha.id, { isPrimary: true, jobTitle: 'Analyst' });
      await e.run();
      await e.run();
      const title = `Head of ${'very '.repeat(28)}important things`;
      expect(title.length).toBe(164);
      ps.editLinkAsUser(link.id, { jobTitle: title });
      ps.editAsUser(x.id, { lastName: 'Married-Name', email: 'xena.new@alpha.se' });
      const first = await e.run();
      await e.run();
      const held = sf.getByKey(x.id);
      expect(held).toMatchObject({
        LastName: 'Married-Name',
        Email: 'xena.new@alpha.se',
        Title: title.slice(0, 128).trim(),
      });
      expect(first.connections.flatMap((c) => c.records).filter((r) => r.action === 'invalid')).toEqual([]);
      // Propstreet keeps the whole title: the cut one Salesforce holds is no edit of it.
      expect(liveLinks(e, x.id)[0]?.jobTitle).toBe(title);
      const settled = writes(e.sb);
      const quiet = await e.run({ reconcile: true });
      expect(writes(e.sb)).toEqual(settled);
      expect(quiet.links?.[0]?.result.failed).toEqual([]);
      expect(liveLinks(e, x.id)[0]?.jobTitle).toBe(title);
    } finally {
      await e.close();
    }
  });

  it('Salesforce: a contact created with a job title longer than Title holds is created, the title cut (bug 29)', async () => {
    const e = await linksTenant('salesforce');
    try {
      const ps = e.sb.propstreet;
      const sf = e.sb.salesforce?.control;
      if (!sf) throw new Error('no Salesforce fake');
      const [alpha] = ps.seedCompanies([{ name: 'Alpha AB', domain: 'alpha.se' }]);
      const [x] = ps.seed([{ firstName: 'Xena', lastName: 'P', email: 'x@alpha.se' }]);
      if (!alpha || !x) throw new Error('seed');
      const title = `Chair of ${'the '.repeat(40)}board`;
      ps.linkAsUser(x.id, alpha.id, { isPrimary: true, jobTitle: title });
      await e.run();
      await e.run();
      expect(sf.getByKey(x.id)?.Title).toBe(title.slice(0, 128).trim());
      const settled = writes(e.sb);
      await e.run({ reconcile: true });
      expect(writes(e.sb)).toEqual(settled);
      expect(liveLinks(e, x.id)[0]?.jobTitle).toBe(title);
    } finally {
      await e.close();
    }
  });

  for (const multi of [true, false])
    it(`Salesforce: a primary cleared in Propstreet stays cleared and settles at once (relations ${multi ? 'on' : 'off'}; bug 30)`, async () => {
      const e = await startE2E(
        { hubspot: false, salesforceOptions: { contactsToMultipleAccounts: multi } },
        {
          tenant: 'acme',
          connections: ['salesforce'],
          connection: { objects: ['companies', 'contacts', 'links'] },
        },
      );
      try {
        e.sb.propstreet.setRateLimit(600_000);
        const ps = e.sb.propstreet;
        const sf = e.sb.salesforce?.control;
        if (!sf) throw new Error('no Salesforce fake');
        const [alpha, beta] = ps.seedCompanies([
          { name: 'Alpha AB', domain: 'alpha.se' },
          { name: 'Beta AB', domain: 'beta.se' },
        ]);
        const [x] = ps.seed([{ firstName: 'Xena', lastName: 'P', email: 'x@alpha.se' }]);
        if (!alpha || !beta || !x) throw new Error('seed');
        const toAlpha = ps.linkAsUser(x.id, alpha.id, { isPrimary: true, jobTitle: 'CEO' });
        ps.linkAsUser(x.id, beta.id, { jobTitle: 'Board member' });
        await e.run();
        await e.run();
        ps.editLinkAsUser(toAlpha.id, { isPrimary: false });
        await e.run();
        const settled = writes(e.sb);
        for (let i = 0; i < 3; i++) await e.run();
        expect(writes(e.sb)).toEqual(settled);
        expect(ps.contact(x.id)?.primaryCompanyId ?? null).toBeNull();
        const titles = Object.fromEntries(liveLinks(e, x.id).map((l) => [l.companyId, l.jobTitle]));
        expect(titles).toEqual({ [alpha.id]: 'CEO', [beta.id]: 'Board member' });
      } finally {
        await e.close();
      }
    });
});
