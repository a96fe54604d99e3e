/**
 * The work a benchmark child process does: one tenant sync through the real stack (against
 * the fakes, which live in the parent so their CPU and memory are not counted), or one engine
 * run on the in-memory ports with SQLite state on disk. Each kind is imported only when run:
 * the CRM SDKs alone add ~40 MB of RSS that an engine-only run should not carry.
 */
import type { ConnectionResult } from '../src/run/run-result.js';

export interface TenantJob {
  readonly kind: 'tenant';
  readonly configPath: string;
  readonly env: Readonly<Record<string, string>>;
  readonly dryRun: boolean;
}

export interface EngineJob {
  readonly kind: 'engine';
  readonly psOnly: number;
  readonly crmOnly: number;
  /** Start the world as a finished first sync leaves it (the state file must be that run's). */
  readonly synced: boolean;
  readonly statePath: string;
  readonly dryRun: boolean;
}

/** The state store's durable writes of N created records alone (bench/state-floor.ts). */
export interface StateFloorJob {
  readonly kind: 'state-floor';
  readonly n: number;
  readonly statePath: string;
}

export type Job = TenantJob | EngineJob | StateFloorJob;

/** A ConnectionResult without its per-record lists (a 1M run may list many). */
export interface RunSummary {
  readonly status: ConnectionResult['status'];
  readonly pulled: ConnectionResult['pulled'];
  readonly planned: ConnectionResult['planned'];
  readonly done: ConnectionResult['done'];
  readonly calls: ConnectionResult['calls'];
  readonly conflicts: number;
  readonly failures: number;
  readonly invalid: number;
  /** The first few failures and invalid records, for the report. */
  readonly problems: readonly string[];
  readonly abort?: ConnectionResult['abort'];
  /** Seconds from the sync's start to the end of its CRM work (ref write-backs may follow). */
  readonly crmCompleteS?: number;
  /** Engine runs: MB the in-memory ports' world holds (bench harness, counted in the run's RSS). */
  readonly harnessMb?: number;
}

export function summarize(r: ConnectionResult): RunSummary {
  const problems = [
    ...r.failures.slice(0, 3).map((f) => `failure ${f.side}:${f.recordId}: ${f.error}`),
    ...r.invalid.slice(0, 3).map((i) => `invalid ${i.side}:${i.id ?? '?'}: ${i.message}`),
  ];
  return {
    status: r.status,
    pulled: r.pulled,
    planned: r.planned,
    done: r.done,
    calls: r.calls,
    conflicts: r.conflicts.length,
    failures: r.failures.length,
    invalid: r.invalid.length,
    problems,
    ...(r.abort ? { abort: r.abort } : {}),
  };
}

/** Loads what the job needs (outside the measurement) and returns the run itself. */
export async function loadJob(job: Job): Promise<() => Promise<RunSummary>> {
  if (job.kind === 'tenant') {
    const { runTenantJob } = await import('./tenant-job.js');
    return () => runTenantJob(job);
  }
  if (job.kind === 'state-floor') {
    const { runStateFloorJob } = await import('./state-floor.js');
    return () => runStateFloorJob(job);
  }
  const { runEngineJob } = await import('./engine-job.js');
  return () => runEngineJob(job);
}
