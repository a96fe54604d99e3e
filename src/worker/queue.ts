/**
 * The job queue: one pg-boss job per tenant+connection run on `propsync-sync`, a `stately`
 * queue keyed by `tenant/connection` (at most one queued and one running per key), retried
 * with backoff, with failures that outlive their retries copied to `propsync-sync-dead`.
 * A job runs every object kind the connection syncs, in run order (companies before
 * contacts: a contact's companies must exist first, and the kinds share one CRM session), each
 * under its own state lock.
 */
import PgBoss from 'pg-boss';
import { z } from 'zod';
import { describeDatabase, reasonOf } from '../core/describe-database.js';
import { PropsyncError } from '../core/errors.js';

export const SYNC_QUEUE = 'propsync-sync';
export const DEAD_LETTER_QUEUE = 'propsync-sync-dead';
/** pg-boss's own default schema; a deployment may pick another with `--queue-schema`. */
export const DEFAULT_QUEUE_SCHEMA = 'pgboss';

export const syncJobSchema = z.object({
  /** Absolute path of the tenant file, as every worker sees it (shared volume, ConfigMap). */
  tenantFile: z.string().min(1),
  connection: z.string().min(1),
  /** The tenant id in that file; names the singleton key and the metrics before the file is read. */
  tenant: z.string().min(1),
});
export type SyncJobData = z.infer<typeof syncJobSchema>;

/** What a dead-letter job carries: the job it replaces and why it was given up. */
export interface DeadLetterData extends SyncJobData {
  readonly code: string;
  readonly message: string;
  readonly jobId: string;
}

export interface JobSettings {
  /** Retries of a run that failed for a transient reason (rate limit, network). */
  readonly retryLimit: number;
  /** First retry delay; doubled (with jitter) per retry when `retryBackoff`. */
  readonly retryDelaySeconds: number;
  readonly retryBackoff: boolean;
  /**
   * A job still active after this long is failed and retried. Only a crashed worker's job
   * should ever get there: the state lock's lease keeps a retry from overlapping a live run.
   */
  readonly expireInSeconds: number;
}

const DEFAULT_JOB_SETTINGS: JobSettings = {
  retryLimit: 5,
  retryDelaySeconds: 30,
  retryBackoff: true,
  expireInSeconds: 30 * 60,
};

export function jobKey(tenant: string, connection: string): string {
  return `${tenant}/${connection}`;
}

export function sendOptions(settings: Partial<JobSettings>): PgBoss.SendOptions {
  return {
    ...(settings.retryLimit === undefined ? {} : { retryLimit: settings.retryLimit }),
    ...(settings.retryDelaySeconds === undefined ? {} : { retryDelay: settings.retryDelaySeconds }),
    ...(settings.retryBackoff === undefined ? {} : { retryBackoff: settings.retryBackoff }),
    ...(settings.expireInSeconds === undefined ? {} : { expireInSeconds: settings.expireInSeconds }),
  };
}

export interface BossOptions {
  readonly databaseUrl: string;
  readonly schema?: string;
  /** Connections in pg-boss's own pool. */
  readonly poolSize?: number;
  /** Whether this instance runs maintenance (expiring jobs of crashed workers, archiving). */
  readonly supervise?: boolean;
  readonly maintenanceIntervalSeconds?: number;
}

export function createBoss(options: BossOptions): PgBoss {
  // Passed through to pg.Pool: an unroutable host fails the start instead of hanging it.
  const config: PgBoss.ConstructorOptions & { connectionTimeoutMillis: number } = {
    connectionString: options.databaseUrl,
    schema: options.schema ?? DEFAULT_QUEUE_SCHEMA,
    max: options.poolSize ?? 4,
    application_name: 'propsync',
    // Per tenant+connection crons live in `schedule --queue` (pg-boss 10 keys schedules by queue).
    schedule: false,
    supervise: options.supervise ?? true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
    connectionTimeoutMillis: 10_000,
  };
  return new PgBoss(config);
}

/** Starts pg-boss (creating or migrating its schema); an unreachable database is a clear error. */
export async function startBoss(boss: PgBoss, databaseUrl: string): Promise<void> {
  try {
    await boss.start();
  } catch (error) {
    throw new PropsyncError(
      'NETWORK',
      `cannot use the job database ${describeDatabase(databaseUrl)}: ${reasonOf(error)}`,
      {
        retryable: true,
        cause: error,
        hint: 'check --database (or PROPSYNC_DATABASE_URL) and that PostgreSQL accepts connections',
      },
    );
  }
}

/** Creates both queues when missing and keeps the sync queue's settings current. */
export async function ensureQueues(
  boss: PgBoss,
  settings: JobSettings = DEFAULT_JOB_SETTINGS,
): Promise<void> {
  await boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE, policy: 'standard' });
  const queue: PgBoss.Queue = {
    name: SYNC_QUEUE,
    policy: 'stately',
    retryLimit: settings.retryLimit,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: settings.retryBackoff,
    expireInSeconds: settings.expireInSeconds,
    deadLetter: DEAD_LETTER_QUEUE,
  };
  await boss.createQueue(SYNC_QUEUE, queue);
  await boss.updateQueue(SYNC_QUEUE, queue);
}
