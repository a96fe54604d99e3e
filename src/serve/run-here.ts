/**
 * The real run behind a webhook, for the in-process dispatch: the worker's job body
 * (`runSyncJob`: read the tenant file as it is now, run that one connection through
 * `syncTenant(config, { only: [connection] })` on a leased state lock, and say how it went).
 * A queued job runs the very same code in a `propsync worker`.
 */
import type { TenantConfig } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import type { JobOutcome } from '../worker/job-outcome.js';
import { runSyncJob } from '../worker/sync-job.js';
import type { TenantStores } from '../worker/tenant-stores.js';
import type { RunConnection } from './local-dispatch.js';

export interface RunHereOptions {
  /** Absolute path of each tenant's file. */
  readonly tenantFile: (tenant: string) => string | undefined;
  readonly stores: TenantStores;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** State lock lease: how long a killed `serve` blocks its tenant+connection. */
  readonly lockTtlMs: number;
  readonly loadConfig?: (file: string) => Promise<TenantConfig>;
}

export function runHere(options: RunHereOptions): RunConnection {
  return async (scope): Promise<JobOutcome> => {
    const tenantFile = options.tenantFile(scope.tenant);
    if (tenantFile === undefined)
      return { kind: 'dead-letter', code: 'CONFIG_INVALID', message: `no tenant file for ${scope.tenant}` };
    return runSyncJob(
      { tenantFile, tenant: scope.tenant, connection: scope.connection },
      {
        stores: options.stores,
        logger: options.logger,
        redactor: options.redactor,
        lockTtlMs: options.lockTtlMs,
        // This process's runs of a tenant already take turns (local-dispatch.ts); another
        // process's run of it makes this one `busy`, offered again shortly, holding no slot.
        tenantLockWaitMs: 0,
        ...(options.loadConfig ? { loadConfig: options.loadConfig } : {}),
      },
    );
  };
}
