/**
 * Sends a sync job only when its tenant+connection has none queued, retrying or running.
 *
 * The stately queue already refuses a second *queued* job per key, but it accepts a queued
 * job next to a running one, and pg-boss 10 then fails every fetch that reaches it (the
 * unique index on active jobs) until the running one ends: one slow tenant would stall all
 * workers (timgit/pg-boss#535, #536). So the check and the insert happen in one transaction
 * under an advisory lock per key, which also makes several schedulers safe to run at once.
 */
import pg from 'pg';
import type PgBoss from 'pg-boss';
import {
  DEFAULT_QUEUE_SCHEMA,
  type JobSettings,
  jobKey,
  SYNC_QUEUE,
  type SyncJobData,
  sendOptions,
} from './queue.js';

export type EnqueueResult = { readonly queued: true; readonly jobId: string } | { readonly queued: false };

export interface Enqueuer {
  /** Queues a run of `data`, unless one for the same tenant+connection is pending or running. */
  enqueue(data: SyncJobData, settings?: Partial<JobSettings>): Promise<EnqueueResult>;
  close(): Promise<void>;
}

export interface EnqueuerOptions {
  readonly databaseUrl: string;
  /** pg-boss schema (validated by pg-boss as `\w+`, so safe to interpolate). */
  readonly schema?: string;
}

export function createEnqueuer(boss: PgBoss, options: EnqueuerOptions): Enqueuer {
  const schema = options.schema ?? DEFAULT_QUEUE_SCHEMA;
  if (!/^[A-Za-z_]\w*$/.test(schema)) throw new Error(`invalid queue schema name: ${schema}`);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 2,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => undefined);
  const pending = `SELECT 1 FROM ${schema}.job
    WHERE name = $1 AND singleton_key = $2 AND state < 'completed' LIMIT 1`;

  return {
    async enqueue(data, settings = {}) {
      const key = jobKey(data.tenant, data.connection);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${SYNC_QUEUE}:${key}`]);
        const busy = (await client.query(pending, [SYNC_QUEUE, key])).rowCount !== 0;
        let jobId: string | null = null;
        if (!busy) {
          const db: PgBoss.Db = { executeSql: (text, values) => client.query(text, values) };
          jobId = await boss.send(SYNC_QUEUE, data, { ...sendOptions(settings), singletonKey: key, db });
        }
        await client.query('COMMIT');
        return jobId === null ? { queued: false } : { queued: true, jobId };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
