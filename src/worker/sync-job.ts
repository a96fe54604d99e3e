/**
 * One queued run: read the tenant file as it is now, run that one connection (each of its
 * object kinds, in run order) through `syncTenant` on a shared state store whose run locks
 * are renewed leases, and say what the queue should do next. Never throws: every failure
 * becomes a JobOutcome.
 */

import { checkMappings } from '../app/check-mappings.js';
import { createProgressLog, type Every, everyWithTimers } from '../app/progress-log.js';
import { ProgressTracker } from '../app/progress-view.js';
import { runOutcomes } from '../app/run-outcomes.js';
import { syncTenant } from '../app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../config/index.js';
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { runLabel } from '../report/run-label.js';
import { withLockLease } from '../run/lock-lease.js';
import { type JobOutcome, outcomeOfError, outcomeOfResults } from './job-outcome.js';
import type { SyncJobData } from './queue.js';
import type { TenantStores } from './tenant-stores.js';

export interface SyncJobDeps {
  readonly stores: TenantStores;
  readonly logger: Logger;
  /** The process's redactor (its logger's): the tenant's secrets and tokens are registered with it. */
  readonly redactor: Redactor;
  /** TTL of the state lock's lease (renewed while the run lives). */
  readonly lockTtlMs: number;
  readonly loadConfig?: (file: string) => Promise<TenantConfig>;
  /** How long a bridge's job waits for its tenant's other run; default 2 min. */
  readonly tenantLockWaitMs?: number;
  /** How the periodic progress line is timed (every 10 s by default; tests tick by hand). */
  readonly progressEvery?: Every;
}

const TENANT_LOCK_WAIT_MS = 2 * 60_000;

export async function runSyncJob(data: SyncJobData, deps: SyncJobDeps): Promise<JobOutcome> {
  // The outcome is stored by pg-boss (job output, dead-letter queue): an error text that
  // quotes a token must not be.
  return deps.redactor.redactDeep(await runJob(data, deps));
}

async function runJob(data: SyncJobData, deps: SyncJobDeps): Promise<JobOutcome> {
  const log = deps.logger.child({ tenant: data.tenant, connection: data.connection });
  let config: TenantConfig;
  try {
    config = await (deps.loadConfig ?? ((file) => loadTenantConfig(file, { redactor: deps.redactor })))(
      data.tenantFile,
    );
    if (config.tenant !== data.tenant)
      throw new PropsyncError(
        'CONFIG_INVALID',
        `${data.tenantFile} now holds tenant "${config.tenant}", the job was for "${data.tenant}"`,
      );
    if (!config.connections.some((c) => c.name === data.connection))
      throw new PropsyncError('CONFIG_INVALID', `${data.tenantFile} has no connection "${data.connection}"`);
    // The file is read again for every job: an override broken since is refused at its line
    // before any kind writes, as the CLI refuses it.
    checkMappings(config, data.tenantFile, [data.connection]);
  } catch (error) {
    return outcomeOfError(error);
  }

  let opened: Awaited<ReturnType<TenantStores['open']>>;
  try {
    opened = await deps.stores.open(config);
  } catch (error) {
    return outcomeOfError(error);
  }
  const store = withLockLease(opened.store, { ttlMs: deps.lockTtlMs, logger: log });
  // Nobody watches a worker's terminal: a long run says how far it got in a log line every 10 s.
  const progress = createProgressLog(log, new ProgressTracker(), deps.progressEvery ?? everyWithTimers);
  try {
    const run = await syncTenant(config, {
      dryRun: false,
      only: [data.connection],
      // A bridge's connections take turns (src/run/tenant-lock.ts): the scheduler queues them
      // together, so one job waits for the other a while, then is retried with backoff.
      tenantLockWaitMs: deps.tenantLockWaitMs ?? TENANT_LOCK_WAIT_MS,
      logger: deps.logger,
      redactor: deps.redactor,
      store,
      onProgress: (connection, p, kind) => progress.update(runLabel({ connection, kind }), p),
    });
    const results = run.connections.map((c) => c.result);
    if (results.length === 0)
      return { kind: 'dead-letter', code: 'INTERNAL', message: 'the run returned no result' };
    const outcome = outcomeOfResults(results);
    // The links phase's mass-removal guard holds like the mass-delete guard: until `run --force`.
    const held = runOutcomes(run).find((o) => o.kind === 'links' && o.abort)?.abort;
    if (held && outcome.kind === 'done') return { kind: 'dead-letter', ...held, results };
    return outcome;
  } catch (error) {
    return outcomeOfError(error);
  } finally {
    progress.done();
    await store
      .close()
      .catch((error: unknown) => log.warn({ err: (error as Error).message }, 'lock release failed'));
    await opened.release().catch(() => undefined);
  }
}
