/**
 * Runs every connection of one tenant, one after the other (a bridge: a HubSpot change that
 * reached Propstreet in the first run reaches Salesforce in the second), on the tenant's own
 * state store and credentials.
 */

import type { TenantConfig } from '../config/index.js';
import type { AccountIdentity } from '../core/account-identity.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { stateKeyFrom } from '../core/secret-box.js';
import type { RecordPlan } from '../engine/types.js';
import { contactRunPorts } from '../kinds/contacts/ports.js';
import { type RunProgress, runConnection } from '../run/run-connection.js';
import type { ConnectionResult } from '../run/run-result.js';
import { sinkFor } from '../run/sink-for.js';
import type { StateStore } from '../state/port.js';
import { openConnection } from './open-connection.js';
import { openPropstreet } from './open-propstreet.js';
import { openTenantStore } from './open-store.js';
import { openSalesforceSession } from './salesforce-session.js';

export interface ConnectionRun {
  readonly result: ConnectionResult;
  /** Planned records other than no-ops (but no-ops with a conflict), when asked for (reports). */
  readonly records: RecordPlan[];
}

export interface TenantRun {
  readonly tenant: string;
  readonly dryRun: boolean;
  readonly generatedAt: string;
  readonly connections: ConnectionRun[];
}

export interface SyncTenantOptions {
  readonly dryRun: boolean;
  readonly force?: boolean;
  readonly retryAll?: boolean;
  /** Check every link against the CRM by id (see RunOptions.reconcile). */
  readonly reconcile?: boolean;
  /** Accept accounts other than the ones the state belongs to, and record them (`--rebind`). */
  readonly rebind?: boolean;
  /** Run only these connections (by name). */
  readonly only?: readonly string[];
  /** Keep the planned records for a report. */
  readonly keepRecords?: boolean;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly store?: StateStore;
  /**
   * Key that seals a refreshed Salesforce session kept in the state store; default from
   * PROPSYNC_STATE_KEY; null keeps nothing.
   */
  readonly stateKey?: Buffer | null;
  readonly onProgress?: (connection: string, p: RunProgress) => void;
  /** Sees each planned chunk before it is executed (tests use it to act "between read and write"). */
  readonly onPlanChunk?: (connection: string, chunk: readonly RecordPlan[]) => void | Promise<void>;
  /** Sees each connection's result once its run ends (a report written as the plan runs). */
  readonly onConnectionDone?: (connection: string, result: ConnectionResult) => void | Promise<void>;
}

export async function syncTenant(config: TenantConfig, options: SyncTenantOptions): Promise<TenantRun> {
  const clock = options.clock ?? systemClock;
  // Checked before anything opens: a malformed key is a config error.
  const stateKey =
    options.stateKey === undefined ? stateKeyFrom(process.env) : (options.stateKey ?? undefined);
  const store = options.store ?? (await openTenantStore(config));
  const connections: ConnectionRun[] = [];
  // One organisation per tenant: its identity is asked once per tenant run, not per connection.
  let propstreetIdentity: Promise<AccountIdentity | null> | undefined;
  try {
    for (const connection of config.connections) {
      if (options.only && options.only.length > 0 && !options.only.includes(connection.name)) continue;
      const logger = options.logger;
      const session =
        connection.type === 'salesforce'
          ? await openSalesforceSession(
              store,
              { tenant: config.tenant, connection: connection.name },
              connection,
              stateKey,
              logger,
            )
          : undefined;
      const opened = openConnection(config, connection, { clock, logger, salesforceSession: session });
      const client = await openPropstreet(config, { clock, logger });
      const propstreet = {
        ...client,
        identity: () => {
          propstreetIdentity ??= client.identity();
          return propstreetIdentity;
        },
      };
      const records: RecordPlan[] = [];
      try {
        const result = await runConnection(
          opened.settings,
          {
            ...contactRunPorts(propstreet, opened.crm),
            store,
            mapper: opened.mapper,
            clock,
            logger,
            connectionsInTenant: config.connections.length,
          },
          {
            sink: sinkFor({
              dryRun: options.dryRun,
              observe: async (chunk) => {
                // A no-op is kept only when it holds a conflict (manual policy): a person acts on it.
                if (options.keepRecords)
                  for (const r of chunk) if (r.action !== 'noop' || r.conflicts.length > 0) records.push(r);
                await options.onPlanChunk?.(connection.name, chunk);
              },
            }),
            ...(options.force ? { force: true } : {}),
            ...(options.reconcile ? { reconcile: true } : {}),
            ...(options.retryAll ? { retryAll: true } : {}),
            ...(options.rebind ? { rebind: true } : {}),
            ...(options.onProgress
              ? { onProgress: (p: RunProgress) => options.onProgress?.(connection.name, p) }
              : {}),
          },
        );
        connections.push({ result, records });
        await options.onConnectionDone?.(connection.name, result);
      } finally {
        await client.close();
        await session?.flush();
      }
    }
  } finally {
    if (!options.store) await store.close();
  }
  return {
    tenant: config.tenant,
    dryRun: options.dryRun,
    generatedAt: clock.now().toISOString(),
    connections,
  };
}
