/**
 * `propsync schedule <dir>` on a 2-second cron: two good tenants sync, a tenant with a wrong
 * token and a broken file are logged and isolated, and `--stop-after` ends the process (exit 0).
 * A child process: the command runs in the foreground until stopped, and listens for signals.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPropstreet } from '../e2e/support.js';
import { type CliSandbox, logLines, startCliSandbox } from './cli-sandbox.js';
import { type CliResult, describeRun } from './run-cli.js';

const EVERY_2S = '*/2 * * * * *';
const BAD_TOKEN = 'ps-wrong-token-for-gamma-5e1c0a77';

describe('propsync schedule', () => {
  let f: CliSandbox;
  let run: CliResult;
  let psIds: string[];
  beforeAll(async () => {
    f = await startCliSandbox();
    f.addSecret(BAD_TOKEN);
    psIds = seedPropstreet(f.sb, 0, 12);
    const dir = join(f.dir, 'tenants');
    mkdirSync(dir);
    f.tenant({ tenant: 'alpha', connections: ['hubspot'], schedule: EVERY_2S }, dir);
    f.tenant({ tenant: 'beta', connections: ['salesforce'], schedule: EVERY_2S }, dir);
    f.tenant({ tenant: 'gamma', connections: ['hubspot'], schedule: EVERY_2S }, dir);
    writeFileSync(join(dir, 'broken.yaml'), 'tenant: broken\nconnections: []\n');
    run = await f.spawn(['schedule', dir, '--stop-after', '8'], {
      env: { [f.sb.variable('gamma', 'propstreet')]: BAD_TOKEN },
    });
  });
  afterAll(async () => f?.close());

  it('stops by itself after --stop-after and exits 0', () => {
    // spawnCli kills a child that outlives its timeout (code null): this one ended on its own.
    expect(run.code, describeRun(run)).toBe(0);
  });

  it('synced both good tenants, each to its own CRM', () => {
    const hubspot = f.sb.hubspot!.control.dump().filter((c) => !c.archived);
    expect(hubspot.map((c) => c.properties.propstreet_id).sort()).toEqual([...psIds].sort());
    expect(f.sb.salesforce!.control.count()).toBe(12);
    for (const id of psIds) expect(f.sb.salesforce!.control.getByKey(id), id).toBeDefined();
    for (const c of f.sb.propstreet.allContacts())
      expect(c.externalRefs.map((r) => r.namespace).sort()).toEqual(['hubspot', 'salesforce']);
  });

  it('logs (JSON lines) each good tenant running on every tick, the bad one failing, the broken file skipped', () => {
    const logs = logLines(run);
    const of = (tenant: string, msg: string) => logs.filter((l) => l.tenant === tenant && l.msg === msg);
    expect(of('alpha', 'scheduled')).toHaveLength(1);
    for (const tenant of ['alpha', 'beta']) {
      const finished = of(tenant, 'tenant run finished');
      // Ticks every 2 s (3–4 in 8 s; a slow machine may skip one): the failing tenant never held them up.
      expect(finished.length, tenant).toBeGreaterThanOrEqual(2);
      for (const l of finished) expect(l.exitCode, tenant).toBe(0);
    }
    const failed = of('gamma', 'tenant run failed');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]).toMatchObject({
      level: 50,
      exitCode: 3,
      results: [{ status: 'aborted', abort: { code: 'UNAUTHORIZED' } }],
    });
    expect(of('gamma', 'tenant run finished')).toHaveLength(0);
    const skipped = logs.filter((l) => l.msg === 'tenant config skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.file).toMatch(/broken\.yaml$/);
    expect(skipped[0]!.err).toMatch(/broken\.yaml:2:14 connections: /);
  });

  it('never prints a token, the wrong one included', () => {
    f.expectNoSecretsPrinted();
  });
});
