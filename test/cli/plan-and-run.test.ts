/**
 * `plan` is a true dry run (no API write, no state change) and predicts `run` exactly; the
 * `--json` output of both has the documented shape.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionResult } from '../../src/run/run-result.js';
import { seedPropstreet, seedSalesforce, writes } from '../e2e/support.js';
import { byConnection, type CliSandbox, type RunJson, startCliSandbox, stateHash } from './cli-sandbox.js';
import { describeRun } from './run-cli.js';

/** The operations a run performs, as planned (dry run) or as done (real run). */
function operations(c: ConnectionResult, which: 'planned' | 'done') {
  const p = c[which];
  return { create: p.create, update: p.update, delete: p.delete, link: p.link, unlink: p.unlink };
}

function expectShape(c: ConnectionResult): void {
  expect(c).toMatchObject({
    tenant: 'acme',
    status: 'ok',
    pulled: { propstreet: expect.any(Number), crm: expect.any(Number) },
    planned: {
      create: { propstreet: expect.any(Number), crm: expect.any(Number) },
      conflict: expect.any(Number),
    },
    done: { create: { propstreet: expect.any(Number), crm: expect.any(Number) } },
    conflicts: expect.any(Array),
    failures: [],
    calls: { propstreet: expect.any(Object), crm: expect.any(Object) },
  });
  for (const api of [c.calls.propstreet, c.calls.crm])
    for (const n of Object.values(api)) expect(n).toEqual(expect.any(Number));
}

describe('plan and run through the CLI', () => {
  let f: CliSandbox;
  let acme: string;
  let db: string;
  let psIds: string[];
  let sfIds: string[];
  beforeAll(async () => {
    f = await startCliSandbox();
    psIds = seedPropstreet(f.sb, 0, 30);
    sfIds = seedSalesforce(f.sb, 100, 5);
    acme = f.tenant({ tenant: 'acme' });
    db = join(f.dir, 'acme.db');
  });
  afterAll(async () => f?.close());

  let firstPlan: Record<string, ConnectionResult>;

  it('plan --json on a fresh tenant: writes nothing anywhere, and reports what run would do', async () => {
    const before = writes(f.sb);
    const plan = await f.cli(['plan', acme, '--json']);
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(writes(f.sb)).toEqual(before);
    expect(before).toEqual({ propstreet: 0, hubspot: 0, salesforce: 0 });
    // No state file either: a tenant's first plan runs on an empty in-memory store.
    expect(existsSync(db)).toBe(false);

    const json = plan.json<RunJson>();
    expect(json).toMatchObject({ dryRun: true, exitCode: 0 });
    firstPlan = byConnection(plan);
    expect(Object.keys(firstPlan)).toEqual(['hubspot', 'salesforce']);
    for (const c of Object.values(firstPlan)) {
      expectShape(c);
      expect(c.dryRun).toBe(true);
      expect(c.calls.propstreet.write ?? 0).toBe(0);
      expect(operations(c, 'done').create).toEqual({ propstreet: 0, crm: 0 });
    }
    expect(firstPlan.hubspot!.pulled).toEqual({ propstreet: 30, crm: 0 });
    expect(firstPlan.hubspot!.planned.create).toEqual({ propstreet: 0, crm: 30 });
    expect(firstPlan.salesforce!.pulled).toEqual({ propstreet: 30, crm: 5 });
    expect(firstPlan.salesforce!.planned.create).toEqual({ propstreet: 5, crm: 30 });
  });

  it('run --json then does exactly what plan said', async () => {
    const run = await f.cli(['run', acme, '--json']);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.json<RunJson>()).toMatchObject({ dryRun: false, exitCode: 0 });
    // stderr is not a TTY: no progress line, and nothing logged at the tenant's `warn` level.
    expect(run.stderr).toBe('');
    const done = byConnection(run);
    for (const name of ['hubspot', 'salesforce']) {
      expectShape(done[name]!);
      expect(operations(done[name]!, 'done'), name).toEqual(operations(firstPlan[name]!, 'planned'));
      expect(done[name]!.calls.crm.write, name).toBeGreaterThan(0);
    }
    expect(f.sb.hubspot!.control.dump().filter((c) => !c.archived)).toHaveLength(30);
    expect(f.sb.salesforce!.control.count()).toBe(35);
    expect(f.sb.propstreet.allContacts().filter((c) => !c.deletedUtc)).toHaveLength(35);
  });

  it('after edits on both sides: plan changes neither the fakes nor the state file, and run matches it', async () => {
    f.sb.propstreet.editAsUser(psIds[0]!, { firstName: 'Ebbe' });
    f.sb.propstreet.editAsUser(psIds[1]!, { lastName: 'Lindqvist-Berg' });
    f.sb.salesforce!.control.edit(sfIds[0]!, { FirstName: 'Märta' });
    f.sb.salesforce!.control.edit(f.sb.salesforce!.control.getByKey(psIds[2]!)!.Id as string, {
      Phone: '+46701234567',
    });

    const writesBefore = writes(f.sb);
    const hashBefore = stateHash(db);
    expect(hashBefore).not.toBeNull();
    const report = join(f.dir, 'plan.html');
    const plan = await f.cli(['plan', acme, '--json', '--report', report]);
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(writes(f.sb)).toEqual(writesBefore);
    expect(stateHash(db)).toBe(hashBefore);
    expect(readFileSync(report, 'utf8')).toContain('<html');

    const planned = byConnection(plan);
    expect(planned.hubspot!.planned.update.crm).toBe(2);
    expect(planned.salesforce!.planned.update).toEqual({ propstreet: 2, crm: 2 });

    const run = await f.cli(['run', acme, '--json']);
    expect(run.code, describeRun(run)).toBe(0);
    const done = byConnection(run);
    for (const name of ['hubspot', 'salesforce'])
      expect(operations(done[name]!, 'done'), name).toEqual(operations(planned[name]!, 'planned'));
    expect(f.sb.salesforce!.control.getByKey(psIds[0]!)?.FirstName).toBe('Ebbe');
    expect(f.sb.propstreet.contact(psIds[2]!)?.phone).toBe('+46701234567');
  });

  it('never prints a token', () => {
    f.expectNoSecretsPrinted();
  });
});
