/**
 * Issue #14's acceptance run, on the three fakes over HTTP: a tenant with 2,000 Propstreet
 * contacts at 400 companies (one in ten at none, one in six at two) syncs `[companies, contacts,
 * links]` to an empty HubSpot and an empty Salesforce (Contacts to Multiple Accounts on). Every
 * company is created once in each CRM, every contact is associated to its companies with the
 * primary one right and its title right, and Propstreet carries both CRMs' ids. Then a company
 * edit, a new job, a changed primary company and a removed link are made on each side; one tenant
 * run carries Propstreet's and HubSpot's (HubSpot runs first), the second Salesforce's through
 * Propstreet to HubSpot; a rerun writes nothing.
 *
 * HubSpot stamps no contact for an association edit, and Salesforce none for an
 * AccountContactRelation edit (README, "Who works where", limits): such edits are found by the
 * links phase's full scan, so the two runs that carry the edits scan (`reconcile`, as
 * `links.fullScanEvery` would when due); the quiet rerun does not.
 *
 * The size is PROPSYNC_ACCEPT_CONTACTS (default 2,000; companies a fifth of it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRun } from '../../src/app/sync-tenant.js';
import {
  disagreements,
  hubspotView,
  propstreetView,
  type SideView,
  salesforceView,
} from './employment-views.js';
import { type E2E, startE2E, writes } from './support.js';

const CONTACTS = Number(process.env.PROPSYNC_ACCEPT_CONTACTS ?? 2000);
const COMPANIES = Math.max(10, Math.round(CONTACTS / 5));
const TIMEOUT = 900_000;

describe(`companies, contacts and links through the bridge (${CONTACTS} contacts, ${COMPANIES} companies)`, () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E(
      // The Propstreet rate limit is not what this measures (bench/ does): lifted.
      { propstreetPerMinute: 10_000_000, salesforceOptions: { contactsToMultipleAccounts: true } },
      { tenant: 'acme', connection: { objects: ['companies', 'contacts', 'links'] } },
    );
    e.sb.propstreet.generate(CONTACTS, { companies: COMPANIES });
  }, TIMEOUT);
  afterAll(async () => e?.close());

  const hs = () => e.sb.hubspot!.control;
  const sf = () => e.sb.salesforce!.control;
  const only = (view: SideView, ids: ReadonlySet<string>): SideView =>
    new Map([...view].filter(([id]) => ids.has(id)));
  const expectAgreement = (ids?: ReadonlySet<string>) => {
    const cut = (v: SideView) => (ids ? only(v, ids) : v);
    const ps = cut(propstreetView(e.sb));
    const problems = [
      ...disagreements('hubspot', ps, cut(hubspotView(e.sb))),
      ...disagreements('salesforce', ps, cut(salesforceView(e.sb))),
    ];
    expect(problems.slice(0, 20), `${problems.length} disagreements`).toEqual([]);
  };
  const expectClean = (run: TenantRun) => {
    for (const c of run.connections) expect(c.result.status, `${c.result.connection}/${c.kind}`).toBe('ok');
    for (const l of run.links ?? []) {
      expect(l.result.failed, `${l.connection} links failed`).toEqual([]);
      expect(l.result.deferred, `${l.connection} links deferred`).toEqual([]);
    }
  };
  const companyNames = () => {
    const ps = new Map(e.sb.propstreet.allCompanies().map((c) => [c.id, c.name]));
    const hubspot = new Map(
      hs()
        .companies.dump()
        .filter((c) => !c.archived)
        .map((c) => [c.properties.propstreet_id, c.properties.name]),
    );
    const salesforce = new Map(
      sf()
        .accounts.dump()
        .map((a) => [a.Propstreet_Id__c, a.Name]),
    );
    return { ps, hubspot, salesforce };
  };

  it(
    'the first run creates every company once in each CRM and associates every contact, primary and title right',
    async () => {
      const seeded = propstreetView(e.sb);
      const byCount = (n: number) => [...seeded.values()].filter((v) => v.companies.length === n).length;
      expect(byCount(0)).toBeGreaterThan(0);
      expect(byCount(2)).toBeGreaterThan(0);

      const run = await e.run();
      expectClean(run);

      const hubspotCompanies = hs()
        .companies.dump()
        .filter((c) => !c.archived);
      const accounts = sf().accounts.dump();
      expect(hubspotCompanies).toHaveLength(COMPANIES);
      expect(new Set(hubspotCompanies.map((c) => c.properties.propstreet_id)).size).toBe(COMPANIES);
      expect(accounts).toHaveLength(COMPANIES);
      expect(new Set(accounts.map((a) => a.Propstreet_Id__c)).size).toBe(COMPANIES);
      expect(
        hs()
          .dump()
          .filter((c) => !c.archived),
      ).toHaveLength(CONTACTS);
      expect(sf().count()).toBe(CONTACTS);

      expectAgreement();

      // Propstreet carries both CRMs' ids, on contacts and companies.
      const hsIds = new Set([...hubspotCompanies, ...hs().dump()].map((r) => r.id));
      const sfIds = new Set([...accounts, ...sf().dump()].map((r) => r.Id as string));
      const refs = [...e.sb.propstreet.allContacts(), ...e.sb.propstreet.allCompanies()].map(
        (r) => r.externalRefs,
      );
      const missing = refs.filter(
        (list) => !list.some((x) => hsIds.has(x.id)) || !list.some((x) => sfIds.has(x.id)),
      );
      expect(missing).toHaveLength(0);
    },
    TIMEOUT,
  );

  it(
    'a second run writes nothing',
    async () => {
      const before = writes(e.sb);
      const run = await e.run();
      expectClean(run);
      expect(writes(e.sb)).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'edits on every side (company, new job, primary, removed link, title) reach the others: Propstreet and HubSpot in one run, Salesforce in two; a rerun writes nothing',
    async () => {
      const ps = e.sb.propstreet;
      const view = propstreetView(e.sb);
      const pick = (n: number) => [...view].filter(([, v]) => v.companies.length === n).map(([id]) => id);
      const [one, two] = [pick(1), pick(2)];
      const take = (list: string[]) => {
        const id = list.shift();
        if (!id) throw new Error('not enough seeded contacts');
        return id;
      };
      const companies = ps.allCompanies().map((c) => c.id);
      const otherCompany = (contact: string) =>
        companies.find(
          (c) => !view.get(contact)?.companies.includes(c) && !companies.slice(0, 3).includes(c),
        ) ?? '';
      const linkOf = (contact: string, company: string) => {
        const l = ps
          .allLinks()
          .find((x) => x.contactId === contact && x.companyId === company && !x.deletedUtc);
        if (!l) throw new Error(`no link ${contact} → ${company}`);
        return l;
      };
      const secondary = (contact: string) =>
        view.get(contact)?.companies.find((c) => c !== view.get(contact)?.primary) ?? '';
      const hsContact = (psId: string) =>
        hs()
          .dump()
          .find((r) => r.properties.propstreet_id === psId)?.id ?? '';
      const hsCompany = (psId: string) =>
        hs()
          .companies.dump()
          .find((r) => r.properties.propstreet_id === psId)?.id ?? '';
      const sfContact = (psId: string) => (sf().getByKey(psId)?.Id as string) ?? '';
      const sfAccount = (psId: string) => (sf().accounts.getByKey(psId)?.Id as string) ?? '';

      // Propstreet: a company renamed, a new job, the primary moved, a link removed (a secondary
      // one, and a contact's only one), a title changed.
      const [c0, c1, c2] = companies as [string, string, string];
      ps.editCompanyAsUser(c0, { name: 'Renamed in Propstreet AB' });
      const psNew = take(one);
      const psNewAt = otherCompany(psNew);
      ps.linkAsUser(psNew, psNewAt, { jobTitle: 'Advisor' });
      const psPrimary = take(two);
      ps.editLinkAsUser(linkOf(psPrimary, secondary(psPrimary)).id, { isPrimary: true });
      const psRemoved = take(two);
      ps.unlinkAsUser(linkOf(psRemoved, secondary(psRemoved)).id);
      const psRemovedAll = take(one);
      ps.unlinkAsUser(linkOf(psRemovedAll, view.get(psRemovedAll)?.primary ?? '').id);
      const psTitle = take(one);
      ps.editLinkAsUser(linkOf(psTitle, view.get(psTitle)?.primary ?? '').id, {
        jobTitle: 'Chair (Propstreet)',
      });

      // HubSpot: the same, by a HubSpot user.
      hs().companies.editAsUser(hsCompany(c1), { name: 'Renamed in HubSpot AB' });
      const hsNew = take(one);
      hs().associate(hsContact(hsNew), hsCompany(otherCompany(hsNew)));
      const hsPrimary = take(two);
      hs().associate(hsContact(hsPrimary), hsCompany(secondary(hsPrimary)), { primary: true });
      const hsRemoved = take(two);
      hs().dissociate(hsContact(hsRemoved), hsCompany(secondary(hsRemoved)));
      const hsTitle = take(one);
      hs().editAsUser(hsContact(hsTitle), { jobtitle: 'Chair (HubSpot)' });

      // Salesforce: the same, by a Salesforce user.
      sf().accounts.edit(sfAccount(c2), { Name: 'Renamed in Salesforce AB' });
      const sfNew = take(one);
      sf().accountContactRelations!.create({
        AccountId: sfAccount(otherCompany(sfNew)),
        ContactId: sfContact(sfNew),
      });
      const sfPrimary = take(two);
      sf().edit(sfContact(sfPrimary), { AccountId: sfAccount(secondary(sfPrimary)) });
      const sfRemoved = take(two);
      const relation = sf()
        .accountContactRelations!.dump()
        .find((r) => r.ContactId === sfContact(sfRemoved) && r.AccountId === sfAccount(secondary(sfRemoved)));
      sf().accountContactRelations!.remove(relation?.Id as string);
      const sfTitle = take(one);
      sf().edit(sfContact(sfTitle), { Title: 'Chair (Salesforce)' });

      const fromPropstreet = new Set([psNew, psPrimary, psRemoved, psRemovedAll, psTitle]);
      const fromHubSpot = new Set([hsNew, hsPrimary, hsRemoved, hsTitle]);
      const fromSalesforce = new Set([sfNew, sfPrimary, sfRemoved, sfTitle]);

      // The association edits alone stamp no contact: the links phase's full scan (`--reconcile`
      // forces it; `links.fullScanEvery` schedules it) is how a run finds them.
      const first = await e.run({ reconcile: true });
      expectClean(first);
      expectAgreement(new Set([...fromPropstreet, ...fromHubSpot]));
      const after = propstreetView(e.sb);
      // What each edit made of the contact, in Propstreet (the other sides agree, above).
      expect(after.get(psNew)?.companies).toContain(psNewAt);
      expect(after.get(psPrimary)?.primary).toBe(secondary(psPrimary));
      expect(after.get(psRemoved)?.companies).toEqual([view.get(psRemoved)?.primary]);
      expect(after.get(psRemovedAll)).toMatchObject({ companies: [], primary: null });
      expect(after.get(psTitle)?.title).toBe('Chair (Propstreet)');
      expect(after.get(hsNew)?.companies).toHaveLength(2);
      expect(after.get(hsPrimary)?.primary).toBe(secondary(hsPrimary));
      expect(after.get(hsRemoved)?.companies).toEqual([view.get(hsRemoved)?.primary]);
      expect(after.get(hsTitle)?.title).toBe('Chair (HubSpot)');
      expect(after.get(sfNew)?.companies).toHaveLength(2);
      expect(after.get(sfPrimary)?.primary).toBe(secondary(sfPrimary));
      expect(after.get(sfRemoved)?.companies).toEqual([view.get(sfRemoved)?.primary]);
      expect(after.get(sfTitle)?.title).toBe('Chair (Salesforce)');
      const names = companyNames();
      for (const side of [names.ps, names.hubspot, names.salesforce]) {
        expect(side.get(c0)).toBe('Renamed in Propstreet AB');
        expect(side.get(c1)).toBe('Renamed in HubSpot AB');
      }
      expect(names.ps.get(c2)).toBe('Renamed in Salesforce AB');

      const second = await e.run({ reconcile: true });
      expectClean(second);
      expectAgreement();
      expect(companyNames().hubspot.get(c2)).toBe('Renamed in Salesforce AB');
      expect(fromSalesforce.size).toBe(4);

      const before = writes(e.sb);
      const quiet = await e.run();
      expectClean(quiet);
      expect(writes(e.sb)).toEqual(before);
      expectAgreement();
    },
    TIMEOUT,
  );
});
