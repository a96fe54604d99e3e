/** `propsync demo`: the whole product on its own fakes (in process). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from './run-cli.js';

describe('propsync demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every step with 40 contacts and their companies, writes plan.html, ends with a quiet run, prints no token', async () => {
    const run = await runCli(['demo', '--contacts', '40', '--dir', dir]);
    expect(run.code, describeRun(run)).toBe(0);
    const steps = [...run.stdout.matchAll(/^== (\d)\. /gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(run.stdout).toContain('Propstreet  http://127.0.0.1:');
    expect(run.stdout).toContain('propsync plan (dry run): demo');
    // People and the companies they work at: companies sync first, in both CRMs.
    expect(run.stdout).toMatch(/40 contacts at 8 companies \(\d+ at two, \d+ at none\)/);
    expect(run.stdout).toContain('hubspot · companies → HubSpot · ok');
    expect(run.stdout).toContain('salesforce · companies → Salesforce · ok');
    expect(run.stdout).toContain('linked by domain');
    expect(run.stdout.indexOf('hubspot · companies')).toBeLessThan(run.stdout.indexOf('hubspot · contacts'));
    expect(run.stdout).toContain('write calls in the quiet run: 0');
    expect(run.stdout).not.toContain('\x1b[');
    expect(readFileSync(join(dir, 'plan.html'), 'utf8')).toMatch(/<html[\s>]/);
    for (const ext of ['md', 'json'])
      expect(readFileSync(join(dir, `plan.${ext}`), 'utf8').length).toBeGreaterThan(0);

    // The demo keeps the fakes' tokens in a .env beside its tenant file; none may be printed.
    const tokens = Object.values(parse(readFileSync(join(dir, '.env'), 'utf8')));
    expect(tokens.length).toBe(3);
    for (const t of tokens) expect(`${run.stdout}${run.stderr}`).not.toContain(t);
  });
});
