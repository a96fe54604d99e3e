/**
 * Keeps `npm run bench` working: the harness at N = 50 — one network first sync at the real
 * Propstreet pace of 10 calls/s (~5 s), the three engine-alone runs and the state floor — with the results
 * written where asked.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchOptions } from '../../bench/results.js';
import { expandScenarios, runBench } from '../../bench/run.js';

describe('bench harness', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const options = (scenarios: string[]): BenchOptions => {
    const out = mkdtempSync(join(tmpdir(), 'propsync-bench-test-'));
    dirs.push(out);
    return { scenarios, n: 50, engineN: [50], latency: [0, 5], quick: false, overlapSeconds: 300, out };
  };

  it('expands groups and rejects unknown scenarios', () => {
    expect(expandScenarios('engine')).toEqual([
      'engine-dry',
      'engine-real',
      'engine-rerun',
      'engine-state-floor',
    ]);
    expect(expandScenarios('reverse-salesforce,initial-hubspot')).toEqual([
      'initial-hubspot',
      'reverse-salesforce',
    ]);
    expect(() => expandScenarios('initial-pipedrive')).toThrow(/unknown scenario/);
  });

  it('measures a first sync into HubSpot at N = 50 and writes results.json and RESULTS.md', async () => {
    const o = options(['initial-hubspot']);
    const doc = await runBench(o, [], () => {});
    const [initial] = doc.scenarios;
    expect(initial?.scenario).toBe('initial-hubspot');
    expect(initial?.summary.status).toBe('ok');
    expect(initial?.summary.done.create.crm).toBe(50);
    // One ref write-back per record (no 429 at this size), one HubSpot batch upsert.
    expect(initial?.calls.propstreet?.write).toBe(50);
    expect(initial?.calls.hubspot?.write).toBe(1);
    expect(initial?.ratios.propstreet?.writes).toBe(1);
    expect(initial?.projections?.map((p) => p.n)).toEqual([100_000, 1_000_000]);
    expect(initial?.naive?.seconds).toBeGreaterThan(0);

    const json = JSON.parse(readFileSync(join(o.out, 'results.json'), 'utf8')) as typeof doc;
    expect(json.scenarios).toHaveLength(1);
    expect(json.machine.cpuCount).toBeGreaterThan(0);
    expect(existsSync(join(o.out, 'RESULTS.md'))).toBe(true);
    // The label names a non-default overlap window: "initial-hubspot (overlap 300 s)".
    expect(readFileSync(join(o.out, 'RESULTS.md'), 'utf8')).toMatch(
      /\| initial-hubspot( \(overlap 300 s\))? \| 50 \|/,
    );
  }, 180_000);

  it('--batch-upsert: CRM-only contacts into Propstreet in one call, against an optimum that counts 100 a call', async () => {
    const doc = await runBench({ ...options(['reverse-hubspot']), batchUpsert: true }, [], () => {});
    const [reverse] = doc.scenarios;
    expect(reverse?.scenario).toBe('reverse-hubspot-batch');
    expect(reverse?.summary.status).toBe('ok');
    expect(reverse?.summary.done.create.propstreet).toBe(50);
    expect(reverse?.calls.propstreet?.write).toBe(1);
    expect(reverse?.optimum.propstreet?.writes).toBe(1);
  }, 180_000);

  it('runs the engine alone at N = 50: dry run, first sync, and the rerun that only reads echoes', async () => {
    const doc = await runBench(
      options(['engine-dry', 'engine-real', 'engine-rerun', 'engine-state-floor']),
      [],
      () => {},
    );
    const byName = new Map(doc.scenarios.map((s) => [s.scenario, s]));
    expect(byName.get('engine-dry')?.summary.planned.create.crm).toBe(50);
    expect(byName.get('engine-dry')?.calls.propstreet?.write ?? 0).toBe(0);
    expect(byName.get('engine-real')?.summary.done.create.crm).toBe(50);
    const rerun = byName.get('engine-rerun');
    expect(rerun?.summary.planned.noop).toBe(50);
    expect(rerun?.calls.propstreet?.write ?? 0).toBe(0);
    expect(rerun?.perf.maxRssMb).toBeGreaterThan(0);
    // The state floor drains every ref it queued (it throws otherwise) and checks no engine target.
    const floor = byName.get('engine-state-floor');
    expect(floor?.summary.done.create.crm).toBe(50);
    expect(floor?.targets).toEqual([]);
  }, 180_000);
});
