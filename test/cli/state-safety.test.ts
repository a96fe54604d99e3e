/**
 * Exit codes of the state-safety checks, through the real binary: a key that names a data
 * field is a config error (2, file:line:col); a key the CRM shows unfit, or a state that
 * belongs to another account, is a setup problem (3) before anything is written; `--rebind`
 * moves the state on purpose and says so in the log.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { seedPropstreet, writes } from '../e2e/support.js';
import { byConnection, type CliSandbox, logLines, startCliSandbox } from './cli-sandbox.js';
import { describeRun } from './run-cli.js';

describe('state safety through the CLI', () => {
  let f: CliSandbox;
  let other: Sandbox;
  beforeAll(async () => {
    f = await startCliSandbox({ salesforce: false });
    other = await startSandbox({ hubspot: false, salesforce: false });
    seedPropstreet(f.sb, 0, 5);
    seedPropstreet(other, 50, 5);
  });
  afterAll(async () => {
    await Promise.all([f?.close(), other?.close()]);
  });

  it('exits 2 for a key that names a HubSpot data field, at its line and column', async () => {
    const file = f.tenant({ tenant: 'website', connection: { keyProperty: 'website' } });
    const r = await f.cli(['validate', file]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(`${r.stdout}${r.stderr}`).toMatch(
      /website\.yaml:\d+:\d+ connections\[0\]\.keyProperty: expected a property of its own for Propstreet ids/,
    );
  });

  it('exits 3, writing nothing, for a key property HubSpot shows is not unique', async () => {
    f.sb.hubspot!.control.defineProperty({ name: 'legacy_id', hasUniqueValue: false });
    const file = f.tenant({ tenant: 'legacy', connection: { keyProperty: 'legacy_id' } });
    const before = writes(f.sb);
    const r = await f.cli(['run', file, '--json']);
    expect(r.code, describeRun(r)).toBe(3);
    expect(byConnection(r).hubspot!.abort).toMatchObject({
      code: 'SETUP_REQUIRED',
      message: expect.stringContaining('--check --setup'),
    });
    expect(writes(f.sb)).toEqual(before);
  });

  let acme: string;
  let elsewhere: string;
  it('exits 3 for a state of another Propstreet organisation, in plan and run', async () => {
    acme = f.tenant({ tenant: 'acme' });
    const first = await f.cli(['run', acme]);
    expect(first.code, describeRun(first)).toBe(0);

    elsewhere = acme.replace(/acme\.yaml$/, 'acme-elsewhere.yaml');
    writeFileSync(elsewhere, readFileSync(acme, 'utf8').replace(f.sb.propstreet.url, other.propstreet.url));
    for (const command of ['run', 'plan']) {
      const r = await f.cli([command, elsewhere, '--json']);
      expect(r.code, describeRun(r)).toBe(3);
      expect(byConnection(r).hubspot!.abort?.code).toBe('ACCOUNT_MISMATCH');
      expect(byConnection(r).hubspot!.abort?.message).toContain(other.propstreet.organisation.teamId);
    }
    expect(other.propstreet.apiWriteCount()).toBe(0);
  });

  it('--rebind moves the state to the other organisation, with a warning; the first is then refused', async () => {
    const moved = await f.cli(['run', elsewhere, '--rebind', '--json']);
    expect(moved.code, describeRun(moved)).toBe(0);
    expect(logLines(moved).find((l) => String(l.msg).startsWith('--rebind:'))).toMatchObject({ level: 40 });
    const back = await f.cli(['run', acme]);
    expect(back.code, describeRun(back)).toBe(3);
    expect(back.stdout).toContain('ACCOUNT_MISMATCH');
  });

  it('prints no token', () => f.expectNoSecretsPrinted());
});
