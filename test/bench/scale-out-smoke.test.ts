/**
 * The scale-out scenario at its smallest: 2 tenants, 1 and then 2 `propsync worker` processes,
 * each tenant's Propstreet token its own and then one token for both, fakes without latency.
 * Checks the wiring end to end — jobs go through pg-boss to the worker processes and every
 * tenant's edits arrive — and that the results file and RESULTS.md section are written; the
 * figures themselves are the bench's business, not asserted here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScaleOutScenario } from '../../bench/run.js';
import type { ScaleOutRecord } from '../../bench/scale-out-report.js';

describe('bench: scale-out scenario', () => {
  const out = mkdtempSync(join(tmpdir(), 'propsync-bench-scale-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('drains 2 tenants with 1 and 2 worker processes, own and shared token, and writes its section', async () => {
    await runScaleOutScenario(
      {
        tenants: 2,
        workers: [1, 2],
        contacts: 100,
        concurrency: 1,
        tokens: ['own', 'shared'],
        latency: [0, 5],
        out,
      },
      ['--scenario', 'scale-out'],
      () => {},
    );
    const [record] = JSON.parse(
      readFileSync(join(out, 'scale-out-results.json'), 'utf8'),
    ) as ScaleOutRecord[];
    expect(record?.modes.map((m) => m.tokens)).toEqual(['own', 'shared']);
    for (const mode of record?.modes ?? []) {
      expect(mode.runs.map((r) => r.workers)).toEqual([1, 2]);
      for (const run of mode.runs) {
        expect(run.okJobs).toBe(2);
        expect(run.problems).toEqual([]);
        // 1 % of 100 contacts edited on each side of each tenant, each written to the other side.
        expect(run.edits).toEqual({ propstreet: 2, crm: 2 });
        expect(run.updates).toEqual({ propstreet: 2, crm: 2 });
        expect(run.rateLimited).toEqual({ propstreet: 0, hubspot: 0 });
        expect(run.calls.propstreet).toBeGreaterThan(0);
        expect(run.workerCpuS).toBeGreaterThan(0);
        expect(run.tenantsPerHour).toBeGreaterThan(0);
      }
      expect(mode.runs[0]?.speedUp).toBe(1);
    }
    const md = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    expect(md).toContain('<!-- scale-out: begin -->');
    expect(md).toMatch(/\| 2 × 100 \| one token for all \| 2 \(× 1\) \|/);
  }, 600_000);
});
