/**
 * Dispatch on PostgreSQL: the run goes to the pg-boss queue the workers take from
 * (src/worker), so any number of `serve` and `worker` processes scale out. Per tenant+
 * connection:
 *
 * - a job already queued (or waiting to retry) will read its deltas after these events:
 *   `covered`, nothing sent;
 * - a job running, none queued: it may have read before these events, and pg-boss 10 must not
 *   get a second job for a key that has one active (see src/worker/enqueue.ts): `busy`, and
 *   the trigger offers the window again a little later;
 * - nothing: one job is sent (`queued`), through the workers' own enqueuer, which checks again
 *   under its advisory lock (another `serve` may have queued one meanwhile: then `busy`, and
 *   the next offer finds it `covered`).
 */
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { ConnectionScope } from '../state/port.js';
import { createEnqueuer, type Enqueuer } from '../worker/enqueue.js';
import { DEFAULT_QUEUE_SCHEMA, type JobSettings, jobKey, SYNC_QUEUE } from '../worker/queue.js';
import type { Dispatch } from './run-trigger.js';

export interface QueueDispatchOptions {
  readonly boss: PgBoss;
  readonly databaseUrl: string;
  readonly queueSchema?: string;
  /** Absolute path of each tenant's file, as the workers see it. */
  readonly tenantFile: (tenant: string) => string | undefined;
  readonly jobSettings?: Partial<JobSettings>;
}

export interface QueueDispatch {
  readonly dispatch: Dispatch;
  /** Whether the queue database answers (for /healthz). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export function createQueueDispatch(options: QueueDispatchOptions): QueueDispatch {
  const schema = options.queueSchema ?? DEFAULT_QUEUE_SCHEMA;
  if (!/^[A-Za-z_]\w*$/.test(schema)) throw new Error(`invalid queue schema name: ${schema}`);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 2,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => undefined);
  const enqueuer: Enqueuer = createEnqueuer(options.boss, { databaseUrl: options.databaseUrl, schema });
  const open = `SELECT state FROM ${schema}.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed'`;

  const dispatch: Dispatch = async (scope: ConnectionScope) => {
    const tenantFile = options.tenantFile(scope.tenant);
    if (tenantFile === undefined) return 'failed';
    const states = (
      await pool.query<{ state: string }>(open, [SYNC_QUEUE, jobKey(scope.tenant, scope.connection)])
    ).rows;
    if (states.some((r) => r.state === 'created' || r.state === 'retry')) return 'covered';
    if (states.length > 0) return 'busy';
    const sent = await enqueuer.enqueue(
      { tenantFile, tenant: scope.tenant, connection: scope.connection },
      options.jobSettings ?? {},
    );
    return sent.queued ? 'queued' : 'busy';
  };

  return {
    dispatch,
    async healthy() {
      await pool.query('SELECT 1');
      return true;
    },
    async close() {
      await enqueuer.close();
      if (!pool.ended) await pool.end();
    },
  };
}
