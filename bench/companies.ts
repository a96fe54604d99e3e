/**
 * `companies-<crm>`: the first sync of N Propstreet contacts at N/5 companies (one in ten at
 * none, one in six at two: the fake's planLinks) into an empty CRM with `objects: [companies,
 * contacts, links]`, in process on the fakes, and its API calls per phase against the optimum:
 * per company (the companies kind's CRM writes, full batches: HubSpot 100, Salesforce 200) and
 * per association (the links phase's CRM writes: HubSpot associations v4 batch create, 100 a
 * call; Salesforce `AccountId` updates and AccountContactRelation creates, 200 a collection
 * call), and the links phase's Propstreet reads against the link delta's pages plus the contact
 * pages that carry each contact's primary company (500 a page). Counts, not times: no latency and no rate limits (a 429 would only add
 * retried calls; the network scenarios measure pacing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../fakes/sandbox/sandbox.js';
import { syncTenant } from '../src/app/sync-tenant.js';
import { loadTenantConfig } from '../src/config/index.js';
import { silentLogger } from '../src/core/logger.js';
import { Redactor } from '../src/core/redact.js';
import { markLogs } from './fake-calls.js';
import { type ApiCalls, reads, writes } from './model.js';

export const COMPANIES_SCENARIOS = ['companies-hubspot', 'companies-salesforce'] as const;
export type CompaniesScenario = (typeof COMPANIES_SCENARIOS)[number];

/** Measured / optimum, and the ratio. */
export interface Versus {
  readonly measured: number;
  readonly optimum: number;
  readonly ratio: number | null;
}

export interface CompaniesResult {
  readonly scenario: CompaniesScenario;
  readonly crm: 'hubspot' | 'salesforce';
  readonly contacts: number;
  readonly companies: number;
  /** Contact–company pairs; of them primary (one per employed contact) and secondary. */
  readonly associations: { readonly all: number; readonly primary: number; readonly secondary: number };
  /** Calls per phase and API, by kind (fake-calls.ts). */
  readonly calls: { readonly companies: ApiCalls; readonly contacts: ApiCalls; readonly links: ApiCalls };
  readonly companyWrites: Versus;
  readonly associationWrites: Versus;
  readonly linksPropstreetReads: Versus;
  readonly linksCrmReads: number;
  readonly failedOrDeferred: number;
  readonly seconds: number;
}

const BATCH = { hubspot: 100, salesforce: 200 } as const;
const versus = (measured: number, optimum: number): Versus => ({
  measured,
  optimum,
  ratio: optimum > 0 ? measured / optimum : null,
});

export async function runCompaniesScenario(
  scenario: CompaniesScenario,
  n: number,
  log: (line: string) => void,
): Promise<CompaniesResult> {
  const crm = scenario === 'companies-hubspot' ? 'hubspot' : 'salesforce';
  const companies = Math.max(1, Math.round(n / 5));
  const sb = await startSandbox({
    hubspot: crm === 'hubspot',
    salesforce: crm === 'salesforce',
    seed: 1,
    propstreetPerMinute: 1e9,
    salesforceOptions: { contactsToMultipleAccounts: true },
  });
  const dir = mkdtempSync(join(tmpdir(), 'propsync-bench-companies-'));
  try {
    sb.propstreet.generate(n, { companies });
    const employed = sb.propstreet.allContacts().filter((c) => c.companies.length > 0);
    const all = employed.reduce((s, c) => s + c.companies.length, 0);
    const primary = employed.length;
    const file = sb.writeTenant(dir, {
      tenant: 'bench',
      connections: [crm],
      connection: { objects: ['companies', 'contacts', 'links'] },
    });
    const redactor = new Redactor();
    const config = await loadTenantConfig(file, { env: sb.env, cwd: dir, redactor });
    const apis = ['propstreet', crm] as const;
    let mark = markLogs(sb, apis);
    const phases: Partial<Record<'companies' | 'contacts', ApiCalls>> = {};
    log(`  ${scenario}: first sync of ${n} contacts, ${companies} companies, ${all} associations`);
    const t0 = performance.now();
    const run = await syncTenant(config, {
      dryRun: false,
      logger: silentLogger,
      redactor,
      onConnectionDone: (_connection, result) => {
        if (result.kind === 'companies' || result.kind === 'contacts') phases[result.kind] = mark();
        mark = markLogs(sb, apis);
      },
    });
    const links = mark();
    const seconds = (performance.now() - t0) / 1000;
    const linksResult = run.links?.[0]?.result;
    const companyCalls = phases.companies ?? {};
    const b = BATCH[crm];
    const result: CompaniesResult = {
      scenario,
      crm,
      contacts: n,
      companies,
      associations: { all, primary, secondary: all - primary },
      calls: { companies: companyCalls, contacts: phases.contacts ?? {}, links },
      companyWrites: versus(writes(companyCalls[crm]), Math.ceil(companies / b)),
      // HubSpot: one input per pair (the Primary label rides with it). Salesforce: the primary is
      // the Contact's AccountId (an update collection), the others relations (a create collection).
      associationWrites: versus(
        writes(links[crm]),
        crm === 'hubspot' ? Math.ceil(all / b) : Math.ceil(primary / b) + Math.ceil((all - primary) / b),
      ),
      // The link delta's pages (which contacts changed) and the contact pages (their primary).
      linksPropstreetReads: versus(reads(links.propstreet), Math.ceil(all / 500) + Math.ceil(n / 500)),
      linksCrmReads: reads(links[crm]),
      failedOrDeferred: (linksResult?.failed.length ?? 0) + (linksResult?.deferred.length ?? 0),
      seconds,
    };
    const r = (v: Versus) => `${v.measured} / ${v.optimum} = ${v.ratio === null ? '–' : v.ratio.toFixed(2)}`;
    log(
      `  ${scenario}: company writes ${r(result.companyWrites)}, association writes ${r(result.associationWrites)}, ` +
        `links Propstreet reads ${r(result.linksPropstreetReads)}, links ${crm} reads ${result.linksCrmReads}, ` +
        `${seconds.toFixed(1)} s`,
    );
    return result;
  } finally {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
