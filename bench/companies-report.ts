/**
 * The companies scenarios' results: kept in bench/companies-results.json (the latest run per
 * scenario and N) and shown in the `companies-calls` section of bench/RESULTS.md, which the
 * other scenarios' rewrites of that file keep.
 */
import type { CompaniesResult, Versus } from './companies.js';
import { keepRun } from './kept-runs.js';
import { COMPANIES_SECTION } from './report-section.js';

export interface CompaniesRunRecord extends CompaniesResult {
  readonly startedAt: string;
  readonly commit?: string;
  readonly argv: readonly string[];
}

const v = (x: Versus) =>
  `${x.measured} / ${x.optimum} = ${x.ratio === null ? '–' : `**${x.ratio.toFixed(2)}**`}`;
const per = (calls: number, of: number) => (of > 0 ? (calls / of).toFixed(3) : '–');

function render(runs: readonly CompaniesRunRecord[]): string {
  const out = [
    '## Companies and associations: first sync, calls vs optimum (`--scenario companies-hubspot,companies-salesforce`)',
    '',
    'N Propstreet contacts at N/5 companies (one in ten at none, one in six at two) into an empty CRM,',
    '`objects: [companies, contacts, links]`, in process on the fakes with no latency and no rate limits',
    '(calls, not times). Optimum: every batch full — company upserts 100 (HubSpot) / 200 (Salesforce) a',
    'call; associations: HubSpot v4 batch create 100 pairs a call (the Primary label rides with its pair);',
    'Salesforce `AccountId` updates and AccountContactRelation creates, 200 a collection call each. The',
    "links phase's Propstreet reads are set against the link delta's pages plus the contact pages that",
    "carry each contact's primary company (500 a page each). CRM reads have no stated optimum here.",
    '',
    '| started (UTC) | commit | scenario | contacts / companies / associations (secondary) | company writes | per company | association writes | per association | links: Propstreet reads | links: CRM reads | failed or deferred | took |',
    '|---|---|---|---|---|---:|---|---:|---|---:|---:|---:|',
  ];
  for (const r of runs)
    out.push(
      `| ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${r.commit ?? '–'} | ${r.scenario} | ${r.contacts} / ${r.companies} / ${r.associations.all} (${r.associations.secondary}) | ${v(r.companyWrites)} | ${per(r.companyWrites.measured, r.companies)} | ${v(r.associationWrites)} | ${per(r.associationWrites.measured, r.associations.all)} | ${v(r.linksPropstreetReads)} | ${r.linksCrmReads} | ${r.failedOrDeferred} | ${r.seconds.toFixed(1)} s |`,
    );
  out.push(
    '',
    `Commands: ${[...new Set(runs.map((r) => `\`npm run bench -- ${r.argv.join(' ')}\``))].join(', ')}.`,
  );
  return out.join('\n');
}

/** Keeps this run (replacing the one of the same scenario and N) and rewrites the RESULTS.md section. */
export function recordCompaniesRun(outDir: string, run: CompaniesRunRecord): readonly CompaniesRunRecord[] {
  return keepRun(
    outDir,
    {
      file: 'companies-results.json',
      section: COMPANIES_SECTION,
      sameAs: (a, b) => a.scenario === b.scenario && a.contacts === b.contacts,
      order: (a, b) => a.scenario.localeCompare(b.scenario) || a.contacts - b.contacts,
      render,
    },
    run,
  );
}
