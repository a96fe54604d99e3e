/**
 * Regression: failure labels carried whole field values, so one contact with a 300 KB first
 * name made `run --json` 506 KB and the HTML report 2 MB (and the state file's run record as
 * large). Salesforce refuses the name (FirstName allows 40 characters), HubSpot takes it: the
 * run fails that record on one side and plans the whole value on the other. Through the CLI
 * in process, every output stays small and says what it cut.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { type CliResult, runCli } from './run-cli.js';

const NAME = `Huge${'e'.repeat(300_000)}`;
const dir = mkdtempSync(join(tmpdir(), 'propsync-huge-'));
let sb: Sandbox;
let run: CliResult;
let status: CliResult;
const report = (ext: string) => readFileSync(join(dir, `run.${ext}`), 'utf8');

beforeAll(async () => {
  sb = await startSandbox();
  sb.propstreet.seed([
    { firstName: NAME, lastName: 'Person', email: 'huge@example.test' },
    { firstName: 'Small', lastName: 'Person', email: 'small@example.test' },
  ]);
  const file = sb.writeTenant(dir, { tenant: 'huge' });
  run = await runCli(['run', file, '--json', '--report', join(dir, 'run.html')], { env: sb.env });
  // Two more runs (the failure is retried, and fails again) for the Markdown and JSON reports.
  for (const ext of ['md', 'json'])
    await runCli(['retry', file, '--report', join(dir, `run.${ext}`)], { env: sb.env });
  status = await runCli(['status', file, '--json'], { env: sb.env });
}, 120_000);
afterAll(async () => {
  await sb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a 300 KB name', () => {
  it('fails on Salesforce, as a failure whose label is cut with a marker', () => {
    expect(run.code, run.stderr).toBe(1);
    const json = run.json<{
      tenants: { connections: { connection: string; failures: { label: string; error: string }[] }[] }[];
    }>();
    const sf = json.tenants[0]!.connections.find((c) => c.connection === 'salesforce')!;
    expect(sf.failures).toHaveLength(1);
    expect(sf.failures[0]!.label).toMatch(/^Hugee+…\[\d+ more characters\]$/);
    expect(sf.failures[0]!.label.length).toBeLessThan(250);
  });

  it('leaves `run --json` small', () => {
    expect(run.stdout.length).toBeLessThan(30_000);
  });

  it.each(['html', 'md', 'json'])('leaves the %s report small', (ext) => {
    const text = report(ext);
    expect(text).toContain('more characters');
    expect(text.length).toBeLessThan(60_000);
  });

  it('leaves the state file’s run records and failures small, and `status --json`', () => {
    expect(status.stdout.length).toBeLessThan(30_000);
    const db = new Database(join(dir, 'huge.db'), { readonly: true });
    try {
      const rows = [...db.prepare('SELECT * FROM runs').all(), ...db.prepare('SELECT * FROM failures').all()];
      expect(rows.length).toBeGreaterThan(3);
      for (const row of rows) expect(JSON.stringify(row).length).toBeLessThan(30_000);
    } finally {
      db.close();
    }
  });
});
