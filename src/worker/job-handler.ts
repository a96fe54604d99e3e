/**
 * One fetched job, start to finish: validate its data, run it, record the metrics, and turn
 * the outcome into what pg-boss understands — a return value (completed: ok, partial,
 * skipped, or dead-lettered after sending a copy to the dead-letter queue) or a throw (retry).
 */
import type PgBoss from 'pg-boss';
import type { TenantConfig } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { emptyCounts } from '../engine/counts.js';
import type { PlanCounts } from '../engine/types.js';
import type { ConnectionResult } from '../run/run-result.js';
import type { JobOutcome } from './job-outcome.js';
import { DEAD_LETTER_QUEUE, type DeadLetterData, type SyncJobData, syncJobSchema } from './queue.js';
import { runSyncJob } from './sync-job.js';
import type { TenantStores } from './tenant-stores.js';
import type { WorkerMetrics } from './worker-metrics.js';

export type JobEvent =
  | { readonly type: 'start'; readonly workerId: string; readonly jobId: string; readonly data: SyncJobData }
  | {
      readonly type: 'end';
      readonly workerId: string;
      readonly jobId: string;
      readonly data: SyncJobData;
      readonly outcome: JobOutcome;
    };

export interface JobHandlerDeps {
  readonly workerId: string;
  readonly boss: PgBoss;
  readonly stores: TenantStores;
  readonly metrics: WorkerMetrics;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly lockTtlMs: number;
  readonly onJob?: ((event: JobEvent) => void) | undefined;
  readonly loadConfig?: ((file: string) => Promise<TenantConfig>) | undefined;
}

/** The job's kinds in one: the worse status, the counts and failures added up. */
function summarise(results: readonly ConnectionResult[]) {
  const done = emptyCounts();
  for (const r of results) addCounts(done, r.done);
  return {
    status: results.some((r) => r.status !== 'ok') ? 'partial' : 'ok',
    done,
    failures: results.reduce((n, r) => n + r.failures.length, 0),
  };
}

function addCounts(into: PlanCounts, add: PlanCounts): void {
  for (const side of ['propstreet', 'crm'] as const) {
    into.create[side] += add.create[side];
    into.update[side] += add.update[side];
    into.delete[side] += add.delete[side];
  }
  for (const key of ['link', 'unlink', 'conflict', 'skip', 'noop', 'invalid'] as const) into[key] += add[key];
}

/** The job's output as pg-boss stores it (`output` column). */
export type JobOutput = Readonly<Record<string, unknown>>;

export function createJobHandler(deps: JobHandlerDeps): (job: PgBoss.Job<unknown>) => Promise<JobOutput> {
  const { boss, logger: log, workerId } = deps;

  const settle = async (jobId: string, data: SyncJobData, outcome: JobOutcome): Promise<JobOutput> => {
    const where = { tenant: data.tenant, connection: data.connection, job: jobId };
    switch (outcome.kind) {
      case 'done': {
        const { status, done, failures } = summarise(outcome.results);
        log.info({ ...where, status, done }, 'run finished');
        return {
          outcome: status,
          done,
          failures,
          kinds: outcome.results.map((r) => ({
            kind: r.kind,
            status: r.status,
            done: r.done,
            failures: r.failures.length,
          })),
        };
      }
      case 'skipped':
        log.info(
          { ...where, reason: outcome.reason },
          'run skipped: another run holds the tenant+connection',
        );
        return { outcome: 'skipped' };
      case 'dead-letter': {
        log.error(
          { ...where, code: outcome.code, err: outcome.message },
          'run failed: sent to the dead-letter queue',
        );
        const dead: DeadLetterData = { ...data, code: outcome.code, message: outcome.message, jobId };
        await boss.send(DEAD_LETTER_QUEUE, dead);
        return { outcome: 'dead-letter', code: outcome.code, message: outcome.message };
      }
      case 'retry':
        log.warn({ ...where, code: outcome.code, err: outcome.message }, 'run failed: will be retried');
        throw new Error(`${outcome.code}: ${outcome.message}`);
    }
  };

  return async (job) => {
    const parsed = syncJobSchema.safeParse(job.data);
    if (!parsed.success) {
      log.error({ job: job.id }, 'malformed sync job: sent to the dead-letter queue');
      await boss.send(DEAD_LETTER_QUEUE, {
        data: job.data,
        code: 'VALIDATION',
        message: 'malformed job',
        jobId: job.id,
      });
      return { outcome: 'dead-letter', code: 'VALIDATION' };
    }
    const data = parsed.data;
    deps.onJob?.({ type: 'start', workerId, jobId: job.id, data });
    const started = performance.now();
    const outcome = await runSyncJob(data, {
      stores: deps.stores,
      logger: log,
      redactor: deps.redactor,
      lockTtlMs: deps.lockTtlMs,
      ...(deps.loadConfig ? { loadConfig: deps.loadConfig } : {}),
    });
    deps.metrics.recordJob(data, outcome, (performance.now() - started) / 1000);
    deps.onJob?.({ type: 'end', workerId, jobId: job.id, data, outcome });
    return settle(job.id, data, outcome);
  };
}
