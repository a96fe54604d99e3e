/**
 * Engine-alone scenarios on the in-memory ports, each in a fresh child process: a dry run of a
 * first sync (collect + pair + plan), the real first sync (executor and state commits too),
 * and the run after it, where every record comes back as our own echo (pairs through the
 * stored links, plans nothing). State is a SQLite file on disk. `engine-state-floor` is no engine
 * run: the state store's durable writes of N created records alone (state-floor.ts), the part of
 * engine-real's CPU no change to the engine can remove.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from './jobs.js';
import type { ApiCalls } from './model.js';
import { buildResult, type ScenarioResult } from './scenario-result.js';
import { spawnJob } from './spawn-job.js';

export const ENGINE_STEPS = ['engine-dry', 'engine-real', 'engine-rerun', 'engine-state-floor'] as const;
export type EngineStep = (typeof ENGINE_STEPS)[number];

export interface EngineOptions {
  readonly n: number;
  readonly measure: ReadonlySet<EngineStep>;
  readonly log: (line: string) => void;
}

export async function runEngineScenarios(o: EngineOptions): Promise<ScenarioResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-bench-engine-'));
  const results: ScenarioResult[] = [];
  try {
    const jobs: Record<EngineStep, Job> = {
      'engine-dry': {
        kind: 'engine',
        psOnly: o.n,
        crmOnly: 0,
        synced: false,
        statePath: join(dir, 'dry.db'),
        dryRun: true,
      },
      'engine-real': {
        kind: 'engine',
        psOnly: o.n,
        crmOnly: 0,
        synced: false,
        statePath: join(dir, 'state.db'),
        dryRun: false,
      },
      'engine-rerun': {
        kind: 'engine',
        psOnly: o.n,
        crmOnly: 0,
        synced: true,
        statePath: join(dir, 'state.db'),
        dryRun: false,
      },
      'engine-state-floor': { kind: 'state-floor', n: o.n, statePath: join(dir, 'floor.db') },
    };
    for (const step of ENGINE_STEPS) {
      const needed = o.measure.has(step) || (step === 'engine-real' && o.measure.has('engine-rerun'));
      if (!needed) continue;
      o.log(
        `  ${step}: ${o.measure.has(step) ? 'measuring' : 'set-up run'} (N = ${o.n.toLocaleString('en')})`,
      );
      const report = await spawnJob(jobs[step]);
      if (report.summary.status !== 'ok') throw new Error(`${step}: ${JSON.stringify(report.summary)}`);
      if (!o.measure.has(step)) continue;
      const c = report.summary.calls;
      const calls: ApiCalls = {
        propstreet: { list: c.propstreet.read ?? 0, write: c.propstreet.write ?? 0 },
        memcrm: { ...c.crm },
      };
      const result = buildResult({
        scenario: step,
        kind: 'engine',
        crm: 'memcrm',
        n: o.n,
        dryRun: step === 'engine-dry',
        incremental: step === 'engine-rerun',
        zeroChange: false,
        stateFloor: step === 'engine-state-floor',
        summary: report.summary,
        calls,
        measured: report.measured,
      });
      results.push(result);
      o.log(
        `  ${step}: ${result.wallS.toFixed(1)} s, ${Math.round(result.perf.recordsPerCpuS).toLocaleString('en')} records/CPU-s, ` +
          `RSS ${result.perf.maxRssMb.toFixed(0)} MB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
