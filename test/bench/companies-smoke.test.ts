/**
 * Keeps the companies scenarios of `npm run bench` working: the first sync of 50 contacts at 10
 * companies into each CRM, its calls against the optimum, and the results file and section.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompaniesRunRecord } from '../../bench/companies-report.js';
import { expandScenarios, runCompaniesScenarios } from '../../bench/run.js';

describe('bench: companies and associations', () => {
  const out = mkdtempSync(join(tmpdir(), 'propsync-bench-companies-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures both CRMs at N = 50: writes at the optimum, and the RESULTS.md section', async () => {
    expect(expandScenarios('companies')).toEqual(['companies-hubspot', 'companies-salesforce']);
    await runCompaniesScenarios(
      ['companies-hubspot', 'companies-salesforce'],
      50,
      out,
      ['--n', '50'],
      () => {},
    );
    const runs = JSON.parse(
      readFileSync(join(out, 'companies-results.json'), 'utf8'),
    ) as CompaniesRunRecord[];
    expect(runs.map((r) => r.scenario)).toEqual(['companies-hubspot', 'companies-salesforce']);
    for (const r of runs) {
      expect(r.companies).toBe(10);
      expect(r.failedOrDeferred).toBe(0);
      expect(r.companyWrites).toMatchObject({ measured: 1, optimum: 1 });
      expect(r.associationWrites.ratio).toBe(1);
      expect(r.linksPropstreetReads.ratio).toBe(1);
    }
    expect(existsSync(join(out, 'RESULTS.md'))).toBe(true);
    expect(readFileSync(join(out, 'RESULTS.md'), 'utf8')).toContain('<!-- companies-calls: begin -->');
  }, 120_000);
});
