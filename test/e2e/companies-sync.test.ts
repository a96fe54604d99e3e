/**
 * A tenant whose connections sync companies and contacts, end to end on the fakes: companies
 * run first, each kind on its own state, both CRMs get every Propstreet company once (HubSpot
 * companies, Salesforce Accounts) and every contact, a rerun writes nothing, and the dry run's
 * report has a section per kind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTenantStore } from '../../src/app/open-store.js';
import { Redactor } from '../../src/core/redact.js';
import { renderTerminal } from '../../src/report/render-terminal.js';
import { type E2E, startE2E } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const CONTACTS = 60;
const COMPANIES = 12;

describe('companies and contacts on one connection', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E({}, { tenant: 'acme', connection: { objects: ['contacts', 'companies'] } });
    e.sb.propstreet.generate(CONTACTS, { companies: COMPANIES });
  });
  afterAll(async () => e?.close());

  const liveHubSpotCompanies = () => e.sb.hubspot!.control.companies.dump().filter((c) => !c.archived);
  const liveAccounts = () => e.sb.salesforce!.control.accounts.dump();

  it('the dry run plans each kind, companies first, and its report has a section per kind', async () => {
    const plan = await e.run({ dryRun: true });
    expect(plan.connections.map((c) => `${c.result.connection}/${c.kind}`)).toEqual([
      'hubspot/companies',
      'hubspot/contacts',
      'salesforce/companies',
      'salesforce/contacts',
    ]);
    const companies = plan.connections.filter((c) => c.kind === 'companies');
    for (const c of companies) expect(c.result.planned.create.crm).toBe(COMPANIES);
    const text = renderTerminal(plan, { redactor, color: false });
    expect(text).toContain('hubspot · companies → HubSpot · ok');
    expect(text).toContain('salesforce · companies → Salesforce · ok');
    expect(text).toContain('Company 3 Properties AB');
    expect(liveHubSpotCompanies()).toEqual([]);
  });

  it('the first run creates every company once in each CRM, and every contact', async () => {
    const run = await e.run();
    for (const c of run.connections) expect(c.result.status, `${c.result.connection}/${c.kind}`).toBe('ok');
    const done = (connection: string, kind: string) =>
      run.connections.find((c) => c.result.connection === connection && c.kind === kind)?.result.done;
    expect(done('hubspot', 'companies')?.create.crm).toBe(COMPANIES);
    expect(done('salesforce', 'companies')?.create.crm).toBe(COMPANIES);
    expect(done('hubspot', 'contacts')?.create.crm).toBe(CONTACTS);
    expect(done('salesforce', 'contacts')?.create.crm).toBe(CONTACTS);

    const hubspot = liveHubSpotCompanies();
    expect(hubspot).toHaveLength(COMPANIES);
    expect(new Set(hubspot.map((c) => c.properties.propstreet_id)).size).toBe(COMPANIES);
    expect(liveAccounts()).toHaveLength(COMPANIES);
    expect(new Set(liveAccounts().map((a) => a.Propstreet_Id__c)).size).toBe(COMPANIES);

    const store = await openTenantStore(e.config);
    try {
      for (const connection of ['hubspot', 'salesforce']) {
        expect(await store.countLinks({ tenant: 'acme', connection, kind: 'companies' })).toBe(COMPANIES);
        expect(await store.countLinks({ tenant: 'acme', connection, kind: 'contacts' })).toBe(CONTACTS);
      }
      expect((await store.listScopes()).map((s) => `${s.connection}/${s.kind}`)).toEqual([
        'hubspot/companies',
        'hubspot/contacts',
        'salesforce/companies',
        'salesforce/contacts',
      ]);
    } finally {
      await store.close();
    }
  });

  it('a company edited in Propstreet reaches both CRMs, and a rerun after that writes nothing', async () => {
    const [company] = e.sb.propstreet.allCompanies();
    if (!company) throw new Error('no company seeded');
    e.sb.propstreet.editCompanyAsUser(company.id, { name: 'Renamed Fastigheter AB' });
    const edited = await e.run();
    for (const c of edited.connections.filter((x) => x.kind === 'companies'))
      expect(c.result.done.update.crm, c.result.connection).toBe(1);
    expect(
      liveHubSpotCompanies().find((c) => c.properties.propstreet_id === company.id)?.properties.name,
    ).toBe('Renamed Fastigheter AB');
    expect(liveAccounts().find((a) => a.Propstreet_Id__c === company.id)?.Name).toBe(
      'Renamed Fastigheter AB',
    );

    const quiet = await e.run();
    for (const c of quiet.connections) {
      expect(c.result.status).toBe('ok');
      expect(c.result.calls.crm.write ?? 0, `${c.result.connection}/${c.kind}`).toBe(0);
      expect(c.result.calls.propstreet.write ?? 0, `${c.result.connection}/${c.kind}`).toBe(0);
    }
  });
});
