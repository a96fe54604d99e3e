/** The results document (bench/results.json) and what it says about the machine and method. */
import { execFileSync } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';
import type { ScenarioResult } from './scenario-result.js';

export interface Machine {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly cpuSpeedMHz: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
}

export interface BenchOptions {
  readonly scenarios: readonly string[];
  readonly n: number;
  /** Records in the reverse scenarios when not `n` (the default run's 2,000). */
  readonly reverseN?: number;
  readonly engineN: readonly number[];
  readonly latency: readonly [number, number];
  readonly quick: boolean;
  readonly overlapSeconds: number;
  /** The network tenant's refWriteBacks.drainFor, when not its default. */
  readonly drainFor?: string;
  readonly out: string;
  /** Reverse scenarios create through the batch upsert (`propstreet.batchUpsertPath`, the fake's guessed path). */
  readonly batchUpsert?: boolean;
}

/** One invocation of `npm run bench`; `--append` adds runs to an existing document. */
export interface BenchRun {
  readonly startedAt: string;
  /** The commit measured, `+changes` when src/ differed from it. */
  readonly commit?: string;
  readonly argv: readonly string[];
  readonly totalSeconds: number;
  /** 1, 5 and 15 minute load averages: the machine may be shared. */
  readonly loadAverage: { readonly start: number[]; readonly end: number[] };
  readonly options: BenchOptions;
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly machine: Machine;
  readonly runs: readonly BenchRun[];
  readonly notes: readonly string[];
  /** `run` is the index of the run in `runs` that measured it. */
  readonly scenarios: readonly (ScenarioResult & { readonly run: number })[];
}

/** The code under test, from read-only git calls; undefined outside a git checkout. */
export function commitUnderTest(): string | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: 'pipe' }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src') ? '+changes' : ''}`;
  } catch {
    return undefined;
  }
}

function machine(): Machine {
  const cs = cpus();
  return {
    cpuModel: cs[0]?.model.trim() ?? 'unknown',
    cpuCount: cs.length,
    cpuSpeedMHz: cs[0]?.speed ?? 0,
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${platform()} ${release()}`,
  };
}

/** Merges a new run into an earlier document: its scenarios replace those with the same name, N and overlap. */
export function appendRun(
  earlier: BenchResults | undefined,
  run: BenchRun,
  scenarios: readonly ScenarioResult[],
): BenchResults {
  const key = (s: ScenarioResult) => `${s.scenario}@${s.n}@${s.overlapSeconds ?? ''}`;
  const replaced = new Set(scenarios.map(key));
  const kept = (earlier?.scenarios ?? []).filter((s) => !replaced.has(key(s)));
  // Runs whose every scenario was measured again are dropped; the rest are renumbered.
  const oldRuns = earlier?.runs ?? [];
  const used = oldRuns.map((_, i) => kept.some((s) => s.run === i));
  const index = new Map<number, number>();
  const runs: BenchRun[] = [];
  oldRuns.forEach((r, i) => {
    if (!used[i]) return;
    index.set(i, runs.length);
    runs.push(r);
  });
  runs.push(run);
  return {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    runs,
    notes: methodNotes(),
    scenarios: [
      ...kept.map((s) => ({ ...s, run: index.get(s.run) ?? s.run })),
      ...scenarios.map((s) => ({ ...s, run: runs.length - 1 })),
    ],
  };
}

function methodNotes(): string[] {
  return [
    'Network scenarios run the real stack (tenant file → syncTenant → Propstreet client, HubSpot/Salesforce adapter, engine, SQLite state) in a child process against the sandbox fakes in the parent, so RSS and CPU are the connector’s alone. Every fake adds the run’s latency (see Runs) to every call.',
    'Rate limits as in production: Propstreet 600/min per token (the client paces at 600/min), HubSpot 190 per 10 s plus search 5/s, Salesforce no rate limit but a daily allowance (fake set to 100,000, the adapter stops at 80 %). With --quick the rate windows are scaled down 10× at the same rates (Propstreet 10 per 1 s, HubSpot 19 per 1 s); the bound is the same, but a short window punishes bursts sooner.',
    'Calls are counted from the fakes’ request logs (retries and 429 answers included; “N× 429” says how many were rejected). Optimum: every page full (Propstreet 500, HubSpot search 200, Salesforce query 2,000), every write batch full (HubSpot 100, Salesforce 200; one batch kind per call), one Propstreet write per record that needs one (no batch endpoint), and for an incremental HubSpot read one page of the archived list (search never returns archived records). “check” counts the per-run safety checks (which account the credentials reach, HubSpot’s enumeration options, the key field on a first run): shown, but outside the optimum and the 0-change count. A first run’s key check samples the key property (HubSpot: one search, counted as the check the run makes; Salesforce: a `LIMIT` query).',
    'Rate-limit bound = max over APIs (accepted calls / rate): Propstreet 10/s, HubSpot 19/s for non-search calls and 5/s for search; Salesforce adds none. The bound is given for the measured calls and for the optimum calls; the wall-time target is checked against the first (scheduling), the call targets cover the rest. Runs whose bound is under 5 s are latency-bound and the ratio is not checked.',
    'Naive baseline: computed, not run — one call per record for every read, lookup, write and write-back, APIs one after the other: calls × the mean round trip probed on each fake (10 sequential reads), or the rate bound of those calls when larger.',
    'Overlap window: the network tenants use 5 s unless a scenario says “overlap 300 s” (the tenant default). A run re-reads the window before its checkpoints only when the last run that did is at least one overlap ago (src/run/quiet-window.ts); back-to-back runs in between read from their checkpoints. With 5 s most benchmark runs re-read the window; with 300 s a chain of runs right after a sync does not (the runs measured before that change re-read it every time).',
    'Engine alone: runConnection on hand-written in-memory ports (test/support/in-memory/ports.ts; record i computed from i, writes kept in typed arrays, 13 bytes a record: six flags in one byte, a version, two 32-bit stamp offsets; 26 before 12-04), SQLite state and staging on disk, HubSpot mapping and tenant defaults, one fresh process per run. CRM call counts there follow HubSpot’s batch sizes. Records per CPU-second = N / (user + system CPU) of the whole process, i.e. per core for this single-threaded engine.',
    'RSS: sampled every 50 ms during the run (“sampled”), and the kernel’s high-water mark for the process (“max”, includes start-up). Under `npm run bench` the child runs the compiled JavaScript (dist-bench/); started through tsx instead (`npx tsx bench/run.ts`), its loader adds ~33 MB over plain Node; “start” is the RSS with every module loaded, before the run.',
    'Projections scale each first sync’s measured calls per record to 100k and 1M and apply the same rates.',
  ];
}
