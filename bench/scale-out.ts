/**
 * `--scenario scale-out` (issue #16 target 6): tenants per hour with K = 1, 2, 4, 8
 * `propsync worker` processes draining one pg-boss queue, state in PostgreSQL.
 *
 * T tenants, each with its own fakes (a Propstreet org, a HubSpot account) answering in 40–120 ms
 * with the real limits, all in this process; the workers are child processes, as deployed.
 * Each tenant's job is a scheduled incremental run over an already-synced tenant of N contacts
 * with 1 % edited on each side (a Propstreet first name, a HubSpot last name, disjoint records).
 * Per K: start K workers, make the edits, enqueue all T jobs at once, wait until every one is
 * done; wall = first enqueue to last completion on the database's clock. Between K's, an
 * unmeasured run per tenant (no latency, no limits) reads the measured run's own writes back,
 * so each K meets the same work. Before the first K: the first sync and its settle run, also
 * unmeasured, through two set-up workers.
 *
 * Two token shapes (`tokens`): `own`, each tenant its own Propstreet token (no shared limit:
 * the runs are latency-bound, so they scale until CPU or the fakes' process binds), and
 * `shared`, one Propstreet token for every tenant, counted in one 600-per-minute window by all
 * their fakes and paced by the shared budget in PostgreSQL: the token binds once the workers
 * together ask for more than 589 a minute.
 *
 * Measured per K: wall, tenants per hour, speed-up against the fewest workers, per-job run time
 * (pg-boss's started → completed), the workers' CPU-seconds (/proc), this process's (the fakes,
 * the enqueuer), the machine's busy share and load averages, calls and 429s from the fakes' logs.
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RateWindows } from '../fakes/propstreet/rate-window.js';
import { percentile } from '../src/demo/latency-summary.js';
import {
  createBoss,
  createEnqueuer,
  type Enqueuer,
  ensureQueues,
  SYNC_QUEUE,
  startBoss,
} from '../src/worker/index.js';
import { dropSchema } from '../test/state/pg-test-db.js';
import {
  type Child,
  type Farm,
  jobRows,
  startCliProcess,
  startFarm,
  TEST_DATABASE_URL,
  testSchemaName,
  waitFor,
} from '../test/worker/support.js';
import { markLogs } from './fake-calls.js';
import { all, rejected } from './model.js';
import { busyShare, machineCpu, processCpuSeconds } from './proc-cpu.js';
import { editOnePercent, fastTenantFile, setFast, setReal } from './sandbox-modes.js';
import { benchCliCommand } from './spawn-job.js';

export const SCALE_OUT = 'scale-out';
export const TOKEN_MODES = ['own', 'shared'] as const;
export type TokenMode = (typeof TOKEN_MODES)[number];

const PROPSTREET_PER_MINUTE = 600;
/** Set-up runs: no latency, CPU-bound, so a worker per core of this machine, two runs each. */
const SETUP_WORKERS = 2;
const SETUP_CONCURRENCY = 2;
/** Overlap window of the tenants: as the network scenarios' `--overlap` default (see bench/README.md). */
const OVERLAP_SECONDS = 5;

export interface ScaleOutOptions {
  readonly tenants: number;
  /** Worker counts, measured in this order. */
  readonly workers: readonly number[];
  /** Contacts per tenant, already synced; 1 % of them edited on each side per job. */
  readonly contacts: number;
  /** Jobs each worker runs at once (`propsync worker --concurrency`). */
  readonly concurrency: number;
  readonly tokens: readonly TokenMode[];
  readonly latency: readonly [number, number];
  readonly log: (line: string) => void;
}

export interface WorkerCountRun {
  readonly workers: number;
  /** First job enqueued to last job completed, on the database's clock. */
  readonly wallS: number;
  readonly tenantsPerHour: number;
  /** Tenants per hour against the fewest workers measured (K = 1 by default). */
  readonly speedUp: number;
  /** speedUp / (K / fewest K): 1 = linear. */
  readonly efficiency: number;
  /** Jobs that ended completed with outcome ok. */
  readonly okJobs: number;
  /** Jobs that did not, as `tenant: state/outcome`. */
  readonly problems: readonly string[];
  /** Per-job run time, pg-boss started → completed. */
  readonly runS: { readonly p50: number; readonly p95: number; readonly max: number };
  /** Per-job wait in the queue, created → started. */
  readonly waitS: { readonly p50: number; readonly max: number };
  /** CPU-seconds (user + system) of the K worker processes, enqueue to last completion. */
  readonly workerCpuS: number;
  /**
   * Tenants per hour if the workers had every core of the machine to themselves at their
   * measured CPU-seconds per job: where adding workers stops helping on this machine.
   */
  readonly cpuCeilingPerHour: number;
  /** CPU-seconds of this process meanwhile: every tenant's fakes, the enqueuer, the polling. */
  readonly fakesCpuS: number;
  /** p99 event-loop delay of this process, ms: whether the fakes kept up. */
  readonly fakesLoopP99Ms: number;
  /** Share of all the machine's cores busy meanwhile (every process, other work included). */
  readonly machineBusy: number;
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  /** API calls of all jobs, 429s apart. */
  readonly calls: { readonly propstreet: number; readonly hubspot: number };
  readonly rateLimited: { readonly propstreet: number; readonly hubspot: number };
  /**
   * The busiest Propstreet token's calls at 600 a minute, s: a floor under the wall (per tenant
   * with own tokens, all tenants' with the shared one).
   */
  readonly tokenBoundS: number;
  /** The users' edits, and the updates the jobs wrote for them (they must match). */
  readonly edits: { readonly propstreet: number; readonly crm: number };
  readonly updates: { readonly propstreet: number; readonly crm: number };
}

export interface TokenModeRun {
  readonly tokens: TokenMode;
  /** The unmeasured first sync and settle run of every tenant, s. */
  readonly setupS: number;
  readonly runs: readonly WorkerCountRun[];
}

export interface ScaleOutResult {
  readonly startedAt: string;
  readonly options: Omit<ScaleOutOptions, 'log'>;
  readonly modes: readonly TokenModeRun[];
  readonly cpus: number;
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
}

export async function runScaleOutBench(o: ScaleOutOptions): Promise<ScaleOutResult> {
  const startedAt = new Date().toISOString();
  const start = loadavg();
  const modes: TokenModeRun[] = [];
  for (const tokens of o.tokens) modes.push(await oneMode(o, tokens));
  return {
    startedAt,
    options: {
      tenants: o.tenants,
      workers: o.workers,
      contacts: o.contacts,
      concurrency: o.concurrency,
      tokens: o.tokens,
      latency: o.latency,
    },
    modes,
    cpus: cpus().length,
    loadAverage: { start, end: loadavg() },
  };
}

interface Queue {
  readonly schema: string;
  readonly enqueuer: Enqueuer;
}

async function oneMode(o: ScaleOutOptions, tokens: TokenMode): Promise<TokenModeRun> {
  o.log(
    `  ${tokens === 'own' ? 'a Propstreet token per tenant' : 'one Propstreet token for all tenants'}: ` +
      `${o.tenants} tenants × ${o.contacts} contacts`,
  );
  const farm = await startFarm({
    tenants: o.tenants,
    contacts: o.contacts,
    label: 'bench_scale',
    connection: { overlapSeconds: OVERLAP_SECONDS },
    ...(tokens === 'shared'
      ? {
          sharedPropstreetToken: {
            token: `ps-bench-shared-${process.pid}`,
            windows: new RateWindows({ limit: PROPSTREET_PER_MINUTE, windowMs: 60_000 }, Date.now),
          },
        }
      : {}),
  });
  const schema = testSchemaName('bench_scale_boss');
  const boss = createBoss({ databaseUrl: TEST_DATABASE_URL, schema, supervise: false });
  let enqueuer: Enqueuer | undefined;
  try {
    await startBoss(boss, TEST_DATABASE_URL);
    await ensureQueues(boss);
    enqueuer = createEnqueuer(boss, { databaseUrl: TEST_DATABASE_URL, schema });
    const queue = { schema, enqueuer };
    // The same tenant and state, with no client-side Propstreet ceiling: the set-up runs.
    const fast = farm.tenants.map((t) => fastTenantFile(t.file, `${t.tenant}-fast`));

    const t0 = performance.now();
    await withWorkers(queue, SETUP_WORKERS, SETUP_CONCURRENCY, async () => {
      for (const t of farm.tenants) setFast(t.sb);
      await runRound(queue, farm, fast); // the first sync
      await runRound(queue, farm, fast); // reads its own writes back
    });
    const setupS = (performance.now() - t0) / 1000;
    o.log(`    set-up (first sync + settle run, no latency): ${setupS.toFixed(1)} s`);

    const runs: WorkerCountRun[] = [];
    for (const k of o.workers) {
      const run = await withWorkers(queue, k, o.concurrency, async (children) => {
        const measured = await measureRound(o, tokens, queue, farm, children, k);
        for (const t of farm.tenants) setFast(t.sb);
        await runRound(queue, farm, fast); // the measured runs' own writes, read back
        return measured;
      });
      const first = runs[0] ?? run;
      const speedUp = run.tenantsPerHour / first.tenantsPerHour;
      const done = { ...run, speedUp, efficiency: speedUp / (k / first.workers) };
      runs.push(done);
      o.log(
        `    K = ${k}: ${done.wallS.toFixed(1)} s → ${Math.round(done.tenantsPerHour).toLocaleString('en')} tenants/h ` +
          `(${done.speedUp.toFixed(2)}×), run p50 ${done.runS.p50.toFixed(2)} s p95 ${done.runS.p95.toFixed(2)} s, ` +
          `workers ${done.workerCpuS.toFixed(1)} CPU-s, fakes ${done.fakesCpuS.toFixed(1)} CPU-s, ` +
          `machine ${(done.machineBusy * 100).toFixed(0)} % busy, 429s ${done.rateLimited.propstreet + done.rateLimited.hubspot}, ` +
          `ok ${done.okJobs}/${o.tenants}`,
      );
    }
    return { tokens, setupS, runs };
  } finally {
    await enqueuer?.close();
    await boss.stop({ graceful: false }).catch(() => undefined);
    await farm.close();
    await dropSchema(schema).catch(() => undefined);
  }
}

/** Runs `work` with `count` worker processes started (and ready), then stops them. */
async function withWorkers<T>(
  queue: Queue,
  count: number,
  concurrency: number,
  work: (children: readonly Child[]) => Promise<T>,
): Promise<T> {
  const args = [
    'worker',
    '--database',
    TEST_DATABASE_URL,
    '--queue-schema',
    queue.schema,
    '--concurrency',
    String(concurrency),
    '--poll-interval',
    '0.5',
  ];
  const children = Array.from({ length: count }, () => startCliProcess(args, {}, benchCliCommand));
  const stop = () => {
    for (const c of children) c.kill('SIGTERM');
    return Promise.all(children.map((c) => c.exited));
  };
  let result: T;
  try {
    await waitFor(
      'the workers to start',
      () => children.every((c) => c.output().includes('worker started')),
      120_000,
      100,
    );
    result = await work(children);
  } catch (error) {
    await stop();
    throw error;
  }
  const ends = await stop();
  const bad = ends.findIndex((e) => e.code !== 0);
  if (bad >= 0) throw new Error(`a worker exited ${JSON.stringify(ends[bad])}:\n${children[bad]?.output()}`);
  return result;
}

/** Enqueues a job per tenant file, all at once, and waits until every one is done; returns the ids. */
async function runRound(queue: Queue, farm: Farm, files: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, t] of farm.tenants.entries()) {
    const sent = await queue.enqueuer.enqueue({
      tenantFile: files[i]!,
      tenant: t.tenant,
      connection: 'hubspot',
    });
    if (!sent.queued) throw new Error(`tenant ${t.tenant}: a job is still pending`);
    ids.push(sent.jobId);
  }
  const wanted = new Set(ids);
  await waitFor(
    'every job to finish',
    async () =>
      (await jobRows(queue.schema, SYNC_QUEUE))
        .filter((j) => wanted.has(j.id))
        .every((j) => j.state === 'completed' || j.state === 'failed'),
    30 * 60_000,
    250,
  );
  return ids;
}

interface JobOutput {
  readonly outcome?: string;
  readonly done?: { readonly update?: { readonly propstreet: number; readonly crm: number } };
}

async function measureRound(
  o: ScaleOutOptions,
  tokens: TokenMode,
  queue: Queue,
  farm: Farm,
  children: readonly Child[],
  k: number,
): Promise<Omit<WorkerCountRun, 'speedUp' | 'efficiency'>> {
  const edits = { propstreet: 0, crm: 0 };
  for (const t of farm.tenants) {
    setReal(t.sb, { quick: false, latency: o.latency });
    const e = editOnePercent(t.sb, 'hubspot', o.contacts, `K${k}x`);
    edits.propstreet += e.propstreet;
    edits.crm += e.crm;
  }
  const logs = farm.tenants.map((t) => markLogs(t.sb, ['propstreet', 'hubspot']));
  const load = loadavg();
  const machine0 = machineCpu();
  const own0 = process.cpuUsage();
  const workers0 = children.map((c) => processCpuSeconds(c.pid));
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();

  const ids = await runRound(
    queue,
    farm,
    farm.tenants.map((t) => t.file),
  );

  lag.disable();
  const workerCpuS = children.reduce((s, c, i) => s + processCpuSeconds(c.pid) - workers0[i]!, 0);
  const own = process.cpuUsage(own0);
  const machineBusy = busyShare(machine0, machineCpu());
  const wanted = new Set(ids);
  const jobs = (await jobRows(queue.schema, SYNC_QUEUE)).filter((j) => wanted.has(j.id));
  const first = Math.min(...jobs.map((j) => j.createdOn.getTime()));
  const last = Math.max(...jobs.map((j) => (j.completedOn ?? j.createdOn).getTime()));
  const wallS = (last - first) / 1000;
  const span = (a: Date | null, b: Date | null) => (a && b ? (b.getTime() - a.getTime()) / 1000 : Number.NaN);
  const runs = jobs.map((j) => span(j.startedOn, j.completedOn));
  const waits = jobs.map((j) => span(j.createdOn, j.startedOn));
  const outputs = jobs.map((j) => (j.output ?? {}) as JobOutput);
  const problems = jobs
    .map((j, i) => ({ j, out: outputs[i]! }))
    .filter(({ j, out }) => j.state !== 'completed' || out.outcome !== 'ok')
    .map(({ j, out }) => `${j.singletonKey}: ${j.state}/${out.outcome ?? '?'}`);
  const calls = logs.map((since) => since());
  const sum = (f: (i: number) => number) => calls.reduce((s, _, i) => s + f(i), 0);
  const perTenant = calls.map((c) => all(c.propstreet));
  const busiestToken = tokens === 'shared' ? perTenant.reduce((a, b) => a + b, 0) : Math.max(0, ...perTenant);
  return {
    workers: k,
    wallS,
    tenantsPerHour: (jobs.length * 3600) / wallS,
    okJobs: jobs.length - problems.length,
    problems,
    runS: { p50: percentile(runs, 50), p95: percentile(runs, 95), max: Math.max(...runs) },
    waitS: { p50: percentile(waits, 50), max: Math.max(...waits) },
    workerCpuS,
    cpuCeilingPerHour: (cpus().length * 3600 * jobs.length) / Math.max(workerCpuS, 1e-9),
    fakesCpuS: (own.user + own.system) / 1e6,
    fakesLoopP99Ms: lag.percentile(99) / 1e6,
    machineBusy,
    loadAverage: { start: load, end: loadavg() },
    calls: { propstreet: sum((i) => all(calls[i]?.propstreet)), hubspot: sum((i) => all(calls[i]?.hubspot)) },
    rateLimited: {
      propstreet: sum((i) => rejected(calls[i]?.propstreet)),
      hubspot: sum((i) => rejected(calls[i]?.hubspot)),
    },
    tokenBoundS: busiestToken / (PROPSTREET_PER_MINUTE / 60),
    edits,
    updates: {
      propstreet: outputs.reduce((s, out) => s + (out.done?.update?.propstreet ?? 0), 0),
      crm: outputs.reduce((s, out) => s + (out.done?.update?.crm ?? 0), 0),
    },
  };
}
