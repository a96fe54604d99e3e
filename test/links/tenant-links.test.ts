/**
 * The links phase wired into a tenant run (syncTenant) on the fakes: a connection with
 * `objects: [contacts, companies, links]` associates every contact to its companies in both CRMs
 * after the kinds ran, and a rerun writes no association.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from '../e2e/support.js';

describe('links in a tenant run', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E({}, { tenant: 'acme', connection: { objects: ['contacts', 'companies', 'links'] } });
    e.sb.propstreet.generate(30, { companies: 6 });
  });
  afterAll(async () => e?.close());

  it('runs after the kinds; the dry run writes nothing; the first run associates; a rerun writes nothing', async () => {
    const plan = await e.run({ dryRun: true });
    expect(plan.links?.map((l) => l.connection)).toEqual(['hubspot', 'salesforce']);
    const run = await e.run();
    const hubspot = run.links?.find((l) => l.connection === 'hubspot')?.result;
    expect(hubspot?.failed).toEqual([]);
    expect(hubspot?.rows.some((r) => r.side === 'crm' && r.outcome === 'done')).toBe(true);
    const rerun = await e.run();
    for (const l of rerun.links ?? [])
      expect(
        l.result.rows.filter((r) => r.side === 'crm'),
        l.connection,
      ).toEqual([]);
  });
});
