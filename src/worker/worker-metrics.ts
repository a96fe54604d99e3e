/**
 * The worker's metrics, fed from each job's outcome. A job runs each object kind of its
 * connection: run, record and lag series carry the kind as `object` (`kind` is the API call
 * kind's label already); a job that ran no kind (skipped, failed before a run) counts with
 * an empty `object`. Counters are per worker process
 * (Prometheus sums them over instances); the queue depth is sampled from the database at
 * scrape time, so every worker reports the same value (take max, not sum).
 */
import type { ConnectionResult } from '../run/run-result.js';
import type { JobOutcome } from './job-outcome.js';
import { Counter, Gauge, Histogram, Registry } from './prometheus.js';

/** Seconds: a no-change incremental run takes ~1 s, an initial sync of 100k contacts hours. */
const DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600];

export interface WorkerMetrics {
  readonly registry: Registry;
  /** Records one finished job of `tenant/connection` that took `seconds`. */
  recordJob(job: { tenant: string; connection: string }, outcome: JobOutcome, seconds: number): void;
  setInFlight(n: number): void;
}

export function createWorkerMetrics(options: { queueDepth?: () => Promise<number> } = {}): WorkerMetrics {
  const registry = new Registry();
  const runs = registry.register(
    new Counter('propsync_runs_total', 'Sync runs by final status (ok, partial, aborted, skipped, error).', [
      'tenant',
      'connection',
      'object',
      'status',
    ]),
  );
  const records = registry.register(
    new Counter('propsync_records_total', 'Records written, failed, invalid or in conflict, per operation.', [
      'tenant',
      'connection',
      'object',
      'operation',
      'outcome',
    ]),
  );
  const calls = registry.register(
    new Counter('propsync_api_calls_total', 'API calls made by runs, per API and call kind.', [
      'api',
      'kind',
    ]),
  );
  const duration = registry.register(
    new Histogram(
      'propsync_run_duration_seconds',
      'Wall time of sync jobs, skipped ones included.',
      DURATION_BUCKETS,
    ),
  );
  const jobs = registry.register(
    new Counter('propsync_jobs_total', 'Jobs handled: completed, skipped, retry, dead_letter.', ['outcome']),
  );
  const lastSuccess = registry.register(
    new Gauge(
      'propsync_last_success_timestamp_seconds',
      'End of the last run that moved the checkpoints (ok or partial); lag = time() - this.',
      ['tenant', 'connection', 'object'],
    ),
  );
  const refsPending = registry.register(
    new Gauge(
      'propsync_ref_writebacks_pending',
      'Propstreet externalRef write-backs queued in the state store when the last run of the kind ended.',
      ['tenant', 'connection', 'object'],
    ),
  );
  const refsFailing = registry.register(
    new Gauge(
      'propsync_ref_writebacks_failing',
      'Of those, write-backs that failed at least once (tried again by the next runs).',
      ['tenant', 'connection', 'object'],
    ),
  );
  const inFlight = registry.register(
    new Gauge('propsync_jobs_in_flight', 'Sync jobs running in this worker.'),
  );
  if (options.queueDepth)
    registry.register(
      new Gauge(
        'propsync_queue_depth',
        'Sync jobs waiting to run (queued or waiting to retry).',
        [],
        options.queueDepth,
      ),
    );
  inFlight.set({}, 0);

  const recordResult = (
    scope: { tenant: string; connection: string; object: string },
    r: ConnectionResult,
  ) => {
    const op = (operation: string, outcome: string, n: number) => {
      if (n > 0) records.inc({ ...scope, operation, outcome }, n);
    };
    for (const side of ['crm', 'propstreet'] as const) {
      op(`create-${side}`, 'ok', r.done.create[side]);
      op(`update-${side}`, 'ok', r.done.update[side]);
      op(`delete-${side}`, 'ok', r.done.delete[side]);
      op(`write-${side}`, 'failed', r.failures.filter((f) => f.side === side && !f.quarantined).length);
      op(`write-${side}`, 'quarantined', r.failures.filter((f) => f.side === side && f.quarantined).length);
    }
    op('link', 'ok', r.done.link);
    op('unlink', 'ok', r.done.unlink);
    op('validate', 'invalid', r.invalid.length);
    op('merge', 'conflict', r.conflicts.length);
    for (const [kind, n] of Object.entries(r.calls.propstreet))
      if (n > 0) calls.inc({ api: 'propstreet', kind }, n);
    for (const [kind, n] of Object.entries(r.calls.crm)) if (n > 0) calls.inc({ api: r.crm, kind }, n);
  };

  return {
    registry,
    recordJob(job, outcome, seconds) {
      const connection = { tenant: job.tenant, connection: job.connection };
      duration.observe({}, seconds);
      const results = outcome.kind === 'skipped' ? [] : (outcome.results ?? []);
      for (const result of results) {
        const scope = { ...connection, object: result.kind };
        recordResult(scope, result);
        runs.inc({ ...scope, status: result.status });
        if (result.status === 'ok' || result.status === 'partial')
          lastSuccess.set(scope, Date.parse(result.finishedAt) / 1000);
        if (result.refWriteBacks) {
          refsPending.set(scope, result.refWriteBacks.pending);
          refsFailing.set(scope, result.refWriteBacks.failing);
        }
      }
      // Another run holds the connection, or (retried) a bridge's other connection the tenant:
      // this one waits its turn, which is no error.
      const turn =
        outcome.kind === 'skipped' || (outcome.kind === 'retry' && outcome.code === 'RUN_IN_PROGRESS');
      if (results.length === 0) runs.inc({ ...connection, object: '', status: turn ? 'skipped' : 'error' });
      jobs.inc({
        outcome:
          outcome.kind === 'done'
            ? 'completed'
            : outcome.kind === 'dead-letter'
              ? 'dead_letter'
              : outcome.kind,
      });
    },
    setInFlight(n) {
      inFlight.set({}, n);
    },
  };
}
