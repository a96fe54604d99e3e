/** A tenant run's exit code counts each connection's links phase like a kind: the guard 4, a failed write 1. */
import { describe, expect, it } from 'vitest';
import { runOutcomes } from '../../src/app/run-outcomes.js';
import type { TenantRun } from '../../src/app/sync-tenant.js';
import { EXIT, exitCodeForResults } from '../../src/cli/exit-codes.js';
import { abortFailure } from '../../src/cli/failure.js';
import type { LinksResult } from '../../src/links/links-phase.js';
import { aResult } from '../report/builders.js';

const links = (over: Partial<LinksResult>): LinksResult => ({
  dryRun: false,
  fullScan: false,
  contactsRead: 0,
  rows: [],
  conflicts: [],
  deferred: [],
  failed: [],
  ...over,
});
const run = (result: LinksResult): TenantRun => ({
  tenant: 'acme',
  dryRun: false,
  generatedAt: '2026-03-02T08:00:00.000Z',
  connections: [{ kind: 'contacts', result: aResult(), records: [] }],
  links: [{ connection: 'hubspot', crm: 'hubspot', result }],
});

describe('runOutcomes', () => {
  it('a held links phase exits 4 with the guard line naming the connection', () => {
    const outcomes = runOutcomes(
      run(
        links({
          abort: { code: 'MASS_DELETE_GUARD', message: 'this run would remove 12 of 12 known employments' },
        }),
      ),
    );
    expect(outcomes.map((o) => `${o.kind} ${o.status}`)).toEqual(['contacts ok', 'links aborted']);
    const code = exitCodeForResults(outcomes);
    expect(code).toBe(EXIT.abortedByGuard);
    expect(abortFailure(outcomes, code)?.message).toMatch(
      /^acme\/hubspot: this run would remove 12 of 12 known employments; check with `propsync plan/,
    );
  });

  it('a failed link write exits 1; a clean phase 0', () => {
    expect(exitCodeForResults(runOutcomes(run(links({ failed: [{ contact: '1', error: 'x' }] }))))).toBe(
      EXIT.someRecordsFailed,
    );
    expect(exitCodeForResults(runOutcomes(run(links({}))))).toBe(EXIT.ok);
  });
});
