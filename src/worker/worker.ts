/**
 * A queue worker: takes sync jobs from PostgreSQL (pg-boss), `concurrency` at a time, runs
 * them, and tells pg-boss what came of each (complete, skip, throw for a retry, or hand to the
 * dead-letter queue). `stop()` stops fetching, lets the runs in flight finish within a
 * timeout, and hands any still running back to the queue.
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type PgBoss from 'pg-boss';
import type { TenantConfig } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { createJobHandler, type JobEvent } from './job-handler.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { createBoss, ensureQueues, SYNC_QUEUE, startBoss } from './queue.js';
import { createTenantStores } from './tenant-stores.js';
import { createWorkerMetrics, type WorkerMetrics } from './worker-metrics.js';

export interface WorkerOptions {
  readonly databaseUrl: string;
  /** pg-boss schema; default `pgboss`. */
  readonly queueSchema?: string;
  /** Jobs run at once by this process; default 2. */
  readonly concurrency?: number;
  /** Idle poll period; default 2 s (a worker also fetches again right after each job). */
  readonly pollingIntervalSeconds?: number;
  /** How often this worker may run pg-boss maintenance (expiring a crashed worker's jobs); default 60 s. */
  readonly maintenanceIntervalSeconds?: number;
  /** State lock lease TTL: how long a crashed worker can block its tenant+connection; default 60 s. */
  readonly lockTtlMs?: number;
  /** Serve /metrics and /healthz on this port (0 = any free port). */
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  readonly logger: Logger;
  /** The process's redactor (its logger's): each job's secrets and tokens are registered with it. */
  readonly redactor: Redactor;
  /** Observes every job start and end (tests, extra instrumentation). */
  readonly onJob?: (event: JobEvent) => void;
  /** Tenant file loader; default `loadTenantConfig` (process env plus the file's `.env`). */
  readonly loadConfig?: (file: string) => Promise<TenantConfig>;
}

export interface RunningWorker {
  readonly id: string;
  /** Base URL of the metrics server, when one was asked for. */
  readonly metricsUrl: string | undefined;
  readonly metrics: WorkerMetrics;
  inFlight(): number;
  /** Stops taking jobs; waits up to `timeoutMs` (default 25 s) for the runs in flight. */
  stop(options?: { timeoutMs?: number }): Promise<{ drained: boolean }>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const id = randomUUID().slice(0, 8);
  const log = options.logger.child({ worker: id });
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const boss = createBoss({
    databaseUrl: options.databaseUrl,
    ...(options.queueSchema === undefined ? {} : { schema: options.queueSchema }),
    poolSize: 2 + Math.ceil(concurrency / 2),
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
  });
  boss.on('error', (error) => log.error({ err: error.message }, 'queue error'));
  await startBoss(boss, options.databaseUrl);
  let accepting = true;
  try {
    await ensureQueues(boss);
  } catch (error) {
    await boss.stop({ graceful: false });
    throw error;
  }

  const metrics = createWorkerMetrics({ queueDepth: () => queuedJobs(boss) });
  const stores = createTenantStores({ poolSize: concurrency + 1 });
  const running = new Set<Promise<unknown>>();
  // A run pg-boss gave up on (job expired) still holds its slot until it really ends.
  const slots = pLimit(concurrency);

  const handle = createJobHandler({
    workerId: id,
    boss,
    stores,
    metrics,
    logger: log,
    redactor: options.redactor,
    lockTtlMs: options.lockTtlMs ?? 60_000,
    onJob: options.onJob,
    loadConfig: options.loadConfig,
  });

  const work = async ([job]: PgBoss.Job<unknown>[], next: () => void) => {
    if (!job) return undefined;
    const run = slots(() => handle(job));
    running.add(run);
    metrics.setInFlight(running.size);
    try {
      return await run;
    } finally {
      running.delete(run);
      metrics.setInFlight(running.size);
      // pg-boss 10 waits out the polling interval even after a job; while there is work,
      // fetch the next one at once (otherwise one job per interval per loop, measured).
      if (accepting) next();
    }
  };
  for (let i = 0; i < concurrency; i++) {
    let loopId = '';
    loopId = await boss.work(
      SYNC_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
      (jobs: PgBoss.Job<unknown>[]) => work(jobs, () => boss.notifyWorker(loopId)),
    );
  }

  const healthy = async () => {
    if (!accepting) return false;
    const probe = boss.getDb().executeSql('SELECT 1', []);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('timeout')), 2000).unref(),
    );
    await Promise.race([probe, timeout]);
    return true;
  };
  let server: MetricsServer | undefined;
  if (options.metricsPort !== undefined)
    server = await startMetricsServer({
      port: options.metricsPort,
      ...(options.metricsHost === undefined ? {} : { host: options.metricsHost }),
      registry: metrics.registry,
      healthy,
    });
  log.info({ concurrency, metrics: server?.url }, 'worker started');

  return {
    id,
    metricsUrl: server?.url,
    metrics,
    inFlight: () => running.size,
    async stop(stopOptions = {}) {
      const timeoutMs = stopOptions.timeoutMs ?? 25_000;
      const deadline = Date.now() + timeoutMs;
      accepting = false;
      await boss.offWork(SYNC_QUEUE);
      log.info({ inFlight: running.size }, 'stopping: no new jobs; waiting for runs in flight');
      await waitUntil(() => running.size === 0, deadline);
      // Also waits for a job a poll fetched while offWork ran; jobs still active at the
      // deadline are failed, hence retried by another worker.
      await boss.stop({ graceful: true, wait: true, timeout: Math.max(1000, deadline - Date.now()) });
      const drained = running.size === 0;
      await server?.close();
      if (drained) await stores.close();
      log.info({ drained }, drained ? 'worker stopped' : 'worker stopped with runs still in flight');
      return { drained };
    },
  };
}

async function queuedJobs(boss: PgBoss): Promise<number> {
  return (await boss.getQueueSize(SYNC_QUEUE)) ?? 0;
}

async function waitUntil(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
