/**
 * `plan --report x.json` writes the report as the plan runs, and `plan` prints its terminal
 * list from a digest (the first 200 records, summaries over all): neither holds the plan
 * whole. In process (test/cli/run-cli.ts), against the HTTP fakes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import type { PlanReport } from '../../src/report/report-model.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import { runCli } from './run-cli.js';

const CONTACTS = 230;
const dir = mkdtempSync(join(tmpdir(), 'propsync-streamed-'));
let sb: Sandbox;
let file: string;

beforeAll(async () => {
  sb = await startSandbox({ salesforce: false });
  sb.propstreet.seed(
    Array.from({ length: CONTACTS }, (_, i) => ({
      firstName: `Person${i}`,
      lastName: 'Streamed',
      email: `p${i}@example.test`,
    })),
  );
  file = sb.writeTenant(dir, { tenant: 'acme' });
}, 60_000);
afterAll(async () => {
  await sb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reports of a plan larger than the terminal lists', () => {
  it('plan --report x.json: every record, then the result the run returned, in the documented shape', async () => {
    const path = join(dir, 'plan.json');
    const plan = await runCli(['plan', file, '--json', '--report', path], { env: sb.env });
    expect(plan.code, plan.stderr).toBe(0);
    const printed = plan.json<{ tenants: { connections: ConnectionResult[] }[] }>().tenants[0]?.connections;
    const text = readFileSync(path, 'utf8');
    const report = JSON.parse(text) as PlanReport;
    expect(Object.keys(report)).toEqual(['connections', 'dryRun', 'generatedAt', 'tenant']);
    expect(report).toMatchObject({ tenant: 'acme', dryRun: true });
    expect(report.connections.map((c) => Object.keys(c))).toEqual([['records', 'result']]);
    const [hubspot] = report.connections;
    expect(hubspot?.records).toHaveLength(CONTACTS);
    expect(hubspot?.records.every((r) => r.action === 'create-in-crm')).toBe(true);
    expect(hubspot?.result).toEqual(printed?.[0]);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('plan (terminal): the first 200 records, the rest counted, summaries over all', async () => {
    const plan = await runCli(['plan', file], { env: sb.env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`Records by reason: new in Propstreet: ${CONTACTS} records`);
    expect(plan.stdout).toContain(
      `… ${CONTACTS - 200} more records (write an .html or .json report to see all)`,
    );
    expect(plan.stdout.match(/^ {2}create-in-crm /gm)).toHaveLength(200);
  });

  it('plan --report x.md: the same cap and totals', async () => {
    const path = join(dir, 'plan.md');
    const plan = await runCli(['plan', file, '--report', path], { env: sb.env });
    expect(plan.code, plan.stderr).toBe(0);
    const md = readFileSync(path, 'utf8');
    expect(md).toContain(`### Records (${CONTACTS} shown, 0 unchanged)`);
    expect(md).toContain(`_… ${CONTACTS - 200} more records`);
  });

  it('a report with an unknown extension is refused before the run', async () => {
    const plan = await runCli(['plan', file, '--report', join(dir, 'plan.pdf')], { env: sb.env });
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('expected a file ending in .html, .md, .json or .txt');
    expect(plan.stdout).toBe('');
  });
});
