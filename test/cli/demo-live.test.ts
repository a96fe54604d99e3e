/** `propsync demo --live`, small, in process: every edit on each side that sends events arrives on the others. */
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from './run-cli.js';

describe('propsync demo --live', () => {
  it('times each edit to its arrival on every other side, summarises, and exits 0 when all arrived', async () => {
    const r = await runCli(['demo', '--live', '--contacts', '20', '--edits', '2']);
    expect(r.code, describeRun(r)).toBe(0);
    const edits = r.stdout.split('\n').filter((l) => / edit \d \(lastName → /.test(l));
    // Two edits on each side (Propstreet and HubSpot webhooks, Salesforce change events), each
    // measured on the two other sides.
    expect(edits).toHaveLength(6);
    expect(edits.filter((l) => l.startsWith('  Salesforce edit'))).toHaveLength(2);
    for (const line of edits) {
      expect(line).not.toContain('NOT within');
      expect(line.match(/\d+\.\d\d s/g)).toHaveLength(2);
    }
    expect(r.stdout).toMatch(/^ {2}all: 12 of 12 arrived, p50 \d+\.\d\d s, p95 \d+\.\d\d s$/m);
    expect(r.stdout).toContain('every edit arrived');
    expect(r.stdout).toMatch(
      /created subscription \d+ for http:\/\/127\.0\.0\.1:\d+\/webhooks\/live\/propstreet/,
    );
    expect(r.stdout).not.toContain('whsec_');
  }, 180_000);
});
