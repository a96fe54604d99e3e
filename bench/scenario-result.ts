/** One measured run turned into the reported figures, with each target checked. */
import type { PageOrder } from './fake-calls.js';
import type { RunSummary } from './jobs.js';
import type { Measured } from './measure.js';
import {
  type Api,
  type ApiCalls,
  all,
  type Delta,
  type Naive,
  type Optimum,
  optimum,
  optimumBoundS,
  type Projection,
  project,
  rateBoundS,
  ratio,
  reads,
  writes,
} from './model.js';
import { MIN_BOUND_S, TARGETS } from './targets.js';

export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly value: string;
  /** null: not applicable to this run (`why` says why). */
  readonly met: boolean | null;
  readonly why?: string;
}

export interface ScenarioResult {
  readonly scenario: string;
  /** The tenant's overlap window (network runs). */
  readonly overlapSeconds?: number;
  readonly kind: 'network' | 'engine';
  readonly crm: 'hubspot' | 'salesforce' | 'memcrm';
  /** Records in the data set. */
  readonly n: number;
  readonly dryRun: boolean;
  readonly summary: RunSummary;
  /** Records that changed on each side since the previous run (what the optimum reads). */
  readonly delta: Delta;
  readonly calls: ApiCalls;
  readonly optimum: Partial<Record<Api, Optimum>>;
  readonly ratios: Partial<Record<Api, { reads: number | null; writes: number | null }>>;
  readonly wallS: number;
  readonly boundS: number;
  readonly optimumBoundS: number;
  readonly wallToBound: number | null;
  readonly naive?: Naive;
  readonly rttMs?: Partial<Record<Api, number>>;
  readonly perf: {
    readonly cpuS: number;
    readonly cpuSPer1000: number;
    readonly recordsPerS: number;
    readonly recordsPerCpuS: number;
    readonly peakRssMb: number;
    readonly maxRssMb: number;
    readonly startRssMb: number;
  };
  readonly projections?: readonly Projection[];
  readonly targets: readonly Target[];
  /** Where the CRM's first write fell among the Propstreet pages, and the CRM writes' pace (first syncs). */
  readonly pageOrder?: PageOrder;
}

export interface ResultInput {
  readonly scenario: string;
  readonly overlapSeconds?: number;
  readonly kind: ScenarioResult['kind'];
  readonly crm: ScenarioResult['crm'];
  readonly n: number;
  readonly dryRun: boolean;
  /** The CRM side had a checkpoint (HubSpot then also lists archived records). */
  readonly incremental: boolean;
  /** Nothing changed on either side since the last run. */
  readonly zeroChange: boolean;
  /** What changed since the previous run; default: what was pulled. */
  readonly delta?: Delta;
  readonly summary: RunSummary;
  readonly calls: ApiCalls;
  readonly measured: Measured;
  readonly naive?: Naive;
  readonly rttMs?: Partial<Record<Api, number>>;
  /** Project to these N (runs whose calls grow with N: first syncs). */
  readonly projectTo?: readonly number[];
  /** Propstreet creates went through the batch upsert (100 a call at best). */
  readonly batchUpsert?: boolean;
  readonly pageOrder?: PageOrder;
  /** The state store's floor (state-floor.ts), not an engine run: no engine target applies. */
  readonly stateFloor?: boolean;
}

const fmt = (x: number | null, digits = 2) => (x === null ? '∞' : x.toFixed(digits));

export function buildResult(input: ResultInput): ScenarioResult {
  const { summary: s, calls, measured: m } = input;
  const apis = Object.keys(calls) as Api[];
  const delta = input.delta ?? s.pulled;
  const best: Partial<Record<Api, Optimum>> = {};
  const ratios: ScenarioResult['ratios'] = {};
  for (const api of apis) {
    const o = optimum(api, s, {
      dryRun: input.dryRun,
      incremental: input.incremental,
      delta,
      batchUpsert: input.batchUpsert === true,
    });
    best[api] = o;
    ratios[api] = { reads: ratio(reads(calls[api]), o.reads), writes: ratio(writes(calls[api]), o.writes) };
  }
  const wallS = m.wallMs / 1000;
  // In-memory ports have no rate limits.
  const network = input.kind === 'network';
  const boundS = network ? rateBoundS(calls) : 0;
  const cpuS = (m.cpuUserMs + m.cpuSystemMs) / 1000;
  const perf = {
    cpuS,
    cpuSPer1000: (cpuS / Math.max(1, input.n)) * 1000,
    recordsPerS: input.n / wallS,
    recordsPerCpuS: input.n / Math.max(cpuS, 1e-9),
    peakRssMb: m.peakRssMb,
    maxRssMb: m.maxRssMb,
    startRssMb: m.startRssMb,
  };

  const targets: Target[] = [];
  // The state floor makes no API calls and is no engine run: no target applies to it.
  for (const api of input.stateFloor === true ? [] : apis) {
    const r = ratios[api]!;
    const o = best[api]!;
    if (o.writes > 0 || writes(calls[api]) > 0)
      targets.push({
        name: `${api} writes`,
        goal: '≤ 1.02 × optimum',
        value: `${writes(calls[api])} / ${o.writes} = ${fmt(r.writes)}`,
        met: r.writes !== null && r.writes <= 1.02,
      });
    targets.push({
      name: `${api} reads`,
      goal: '≤ 1.05 × optimum',
      value: `${reads(calls[api])} / ${o.reads} = ${fmt(r.reads)}`,
      met: r.reads !== null && r.reads <= 1.05,
    });
  }
  const wallToBound = boundS > 0 ? wallS / boundS : null;
  if (network) {
    const applies = boundS >= MIN_BOUND_S;
    targets.push({
      name: 'wall time',
      goal: '≤ 1.15 × rate-limit bound',
      value: `${wallS.toFixed(1)} s / ${boundS.toFixed(1)} s = ${fmt(wallToBound)}`,
      met: applies ? wallToBound !== null && wallToBound <= 1.15 : null,
      ...(applies ? {} : { why: `bound < ${MIN_BOUND_S} s: round trips, not rate limits, set the time` }),
    });
  }
  if (input.zeroChange) {
    // The sync's own calls (pages, deltas, the archived list); the per-run safety checks are
    // the same in every run and shown beside them.
    const checks = apis.reduce((sum, api) => sum + (calls[api]?.check ?? 0), 0);
    const total = apis.reduce((sum, api) => sum + all(calls[api]), 0) - checks;
    targets.push({
      name: '0-change calls',
      goal: '≤ 3 per connection',
      value: checks > 0 ? `${total} (+ ${checks} per-run checks)` : String(total),
      met: total <= 3,
    });
  }
  if (input.kind === 'engine' && input.stateFloor !== true) {
    // Issue #16: 50k a CPU-second for a dry run, 30k for one that executes and commits.
    const floor = input.dryRun ? TARGETS.engineDryPerCpuS : TARGETS.engineRealPerCpuS;
    targets.push({
      name: 'engine throughput',
      goal: `≥ ${floor.toLocaleString('en')} records per CPU-second`,
      value: `${Math.round(perf.recordsPerCpuS).toLocaleString('en')}`,
      met: perf.recordsPerCpuS >= floor,
    });
    targets.push({
      name: 'peak RSS',
      goal: `≤ ${TARGETS.rssMb} MB at 1M records`,
      value: `${perf.maxRssMb.toFixed(0)} MB at ${input.n.toLocaleString('en')}`,
      met: input.n >= TARGETS.rssAtN ? perf.maxRssMb <= TARGETS.rssMb : null,
      ...(input.n >= TARGETS.rssAtN ? {} : { why: 'checked at N = 1M' }),
    });
  }

  return {
    scenario: input.scenario,
    ...(input.overlapSeconds === undefined ? {} : { overlapSeconds: input.overlapSeconds }),
    kind: input.kind,
    crm: input.crm,
    n: input.n,
    dryRun: input.dryRun,
    summary: s,
    delta,
    calls,
    optimum: best,
    ratios,
    wallS,
    boundS,
    optimumBoundS: network ? optimumBoundS(best) : 0,
    wallToBound,
    ...(input.naive ? { naive: input.naive } : {}),
    ...(input.rttMs ? { rttMs: input.rttMs } : {}),
    ...(input.pageOrder ? { pageOrder: input.pageOrder } : {}),
    perf,
    ...(input.projectTo
      ? { projections: input.projectTo.map((to) => project(calls, best, input.n, to)) }
      : {}),
    targets,
  };
}
