/**
 * Exit codes of real runs: 1 when records fail (and `retry` recovers them), 3 for a token the
 * API refuses, 4 when the mass-delete guard holds a run (and `--force` goes past it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../fakes/sandbox/people.js';
import { seedPropstreet, writes } from '../e2e/support.js';
import { byConnection, type CliSandbox, logLines, type RunJson, startCliSandbox } from './cli-sandbox.js';
import { describeRun } from './run-cli.js';

const BAD_TOKEN = 'ps-wrong-token-7f3a9c2e51d84b06';

describe('propsync exit codes', () => {
  let f: CliSandbox;
  let acme: string;
  let psIds: string[];
  const liveHubSpot = () => f.sb.hubspot!.control.dump().filter((c) => !c.archived).length;
  const liveSalesforce = () => f.sb.salesforce!.control.count();

  beforeAll(async () => {
    f = await startCliSandbox();
    f.addSecret(BAD_TOKEN);
    psIds = seedPropstreet(f.sb, 0, 20);
    acme = f.tenant({ tenant: 'acme', connection: { deletes: { fromPropstreet: 'delete' } } });
  });
  afterAll(async () => f?.close());

  it('exits 1 when a CRM rejects a record, and retry then syncs it (exit 0)', async () => {
    const hubspotBlocked = person(3).email;
    const salesforceBlocked = person(5).email;
    f.sb.hubspot!.control.rejectWhen((p) => p.email === hubspotBlocked, {
      code: 'INVALID_EMAIL',
      message: 'blocked',
    });
    f.sb.salesforce!.control.reject({
      field: 'Email',
      value: salesforceBlocked,
      statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Blocked by a validation rule',
    });

    const run = await f.cli(['run', acme, '--json']);
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.json<RunJson>().exitCode).toBe(1);
    const r = byConnection(run);
    for (const name of ['hubspot', 'salesforce']) {
      expect(r[name]!.status, name).toBe('partial');
      expect(r[name]!.failures, name).toHaveLength(1);
      // A failed create is keyed by the Propstreet contact it came from.
      expect(r[name]!.failures[0]!.side, name).toBe('propstreet');
      expect(r[name]!.done.create.crm, name).toBe(19);
    }
    expect(r.hubspot!.failures[0]!.recordId).toBe(psIds[3]);
    expect(r.salesforce!.failures[0]!.recordId).toBe(psIds[5]);
    expect(r.salesforce!.failures[0]!.error).toContain('Blocked by a validation rule');
    expect(liveHubSpot()).toBe(19);
    expect(liveSalesforce()).toBe(19);

    const status = await f.cli(['status', acme, '--json']);
    const s = status.json<{ connections: { failures: { attempts: number }[] }[] }>();
    expect(s.connections.map((c) => c.failures.length)).toEqual([1, 1]);

    f.sb.hubspot!.control.clearRejections();
    f.sb.salesforce!.control.clearRejections();
    const retry = await f.cli(['retry', acme, '--json']);
    expect(retry.code, describeRun(retry)).toBe(0);
    for (const c of Object.values(byConnection(retry))) expect(c.done.create.crm, c.connection).toBe(1);
    expect(liveHubSpot()).toBe(20);
    expect(liveSalesforce()).toBe(20);
  });

  it('exits 3 when Propstreet refuses the token: validate --check and run, logs as JSON lines', async () => {
    const env = { [f.sb.variable('acme', 'propstreet')]: BAD_TOKEN };
    const before = writes(f.sb);
    const check = await f.cli(['validate', acme, '--check'], { env });
    expect(check.code, describeRun(check)).toBe(3);
    expect(check.stdout).toMatch(/^FAIL propstreet: .*401/m);
    expect(check.stdout).toMatch(/^ok {3}hubspot · contacts: credentials/m);

    const run = await f.cli(['run', acme, '--json'], { env });
    expect(run.code, describeRun(run)).toBe(3);
    for (const c of Object.values(byConnection(run))) {
      expect(c.status).toBe('aborted');
      expect(c.abort?.code).toBe('UNAUTHORIZED');
    }
    // stderr is not a TTY here: every log line is one JSON object.
    const logs = logLines(run);
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(l).toMatchObject({ level: expect.any(Number), msg: expect.any(String) });
    expect(writes(f.sb)).toEqual(before);
  });

  it('exits 4 when a run would delete most links, deletes nothing; --force deletes', async () => {
    for (const id of psIds.slice(0, 15)) f.sb.propstreet.deleteAsUser(id);
    const held = await f.cli(['run', acme, '--json']);
    expect(held.code, describeRun(held)).toBe(4);
    const r = byConnection(held);
    expect(r.hubspot!.abort?.code).toBe('MASS_DELETE_GUARD');
    for (const c of Object.values(r)) expect(c.done.delete.crm, c.connection).toBe(0);
    expect(liveHubSpot()).toBe(20);
    expect(liveSalesforce()).toBe(20);

    const text = await f.cli(['run', acme]);
    expect(text.code).toBe(4);
    expect(text.stdout).toContain('MASS_DELETE_GUARD');

    const forced = await f.cli(['run', acme, '--force', '--json']);
    expect(forced.code, describeRun(forced)).toBe(0);
    for (const c of Object.values(byConnection(forced))) expect(c.done.delete.crm, c.connection).toBe(15);
    expect(liveHubSpot()).toBe(5);
    expect(liveSalesforce()).toBe(5);
  });

  it('never prints a token, the wrong one included', () => {
    f.expectNoSecretsPrinted();
  });
});
