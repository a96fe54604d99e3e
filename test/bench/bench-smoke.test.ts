/**
 * Keeps `npm run bench` working: the harness at N = 50 (one network first sync with real
 * Propstreet pacing, ~5 s, and the engine-alone runs), results written where asked.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandScenarios, runBench } from '../../bench/run.js';

describe('bench harness', () => {
  const out = mkdtempSync(join(tmpdir(), 'propsync-bench-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('expands groups and rejects unknown scenarios', () => {
    expect(expandScenarios('engine')).toEqual(['engine-dry', 'engine-real', 'engine-rerun']);
    expect(expandScenarios('reverse-salesforce,initial-hubspot')).toEqual(['initial-hubspot', 'reverse-salesforce']);
    expect(() => expandScenarios('initial-pipedrive')).toThrow(/unknown scenario/);
  });

  it('measures a first sync and the engine alone at N = 50 and writes the results', async () => {
    const doc = await runBench(
      {
        scenarios: ['initial-hubspot', 'engine-dry', 'engine-real', 'engine-rerun'],
        n: 50,
        engineN: [50],
        latency: [0, 5],
        quick: true,
        overlapSeconds: 300,
        out,
      },
      [],
      () => {},
    );
    const byName = new Map(doc.scenarios.map((s) => [s.scenario, s]));
    const initial = byName.get('initial-hubspot')!;
    expect(initial.summary.status).toBe('ok');
    expect(initial.summary.done.create.crm).toBe(50);
    expect(initial.calls.propstreet?.write).toBe(50);
    expect(initial.calls.hubspot?.write).toBe(1);
    expect(initial.ratios.propstreet?.writes).toBe(1);
    expect(initial.projections?.map((p) => p.n)).toEqual([100_000, 1_000_000]);
    expect(initial.naive?.seconds).toBeGreaterThan(0);

    expect(byName.get('engine-real')?.summary.done.create.crm).toBe(50);
    // The run after a first sync only reads its own writes back.
    const rerun = byName.get('engine-rerun')!;
    expect(rerun.summary.planned.noop).toBe(50);
    expect(rerun.calls.propstreet?.write ?? 0).toBe(0);
    expect(rerun.perf.maxRssMb).toBeGreaterThan(0);

    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as typeof doc;
    expect(json.scenarios).toHaveLength(4);
    expect(json.machine.cpuCount).toBeGreaterThan(0);
    expect(existsSync(join(out, 'RESULTS.md'))).toBe(true);
    expect(readFileSync(join(out, 'RESULTS.md'), 'utf8')).toContain('| initial-hubspot | 50 |');
  }, 20_000);
});
