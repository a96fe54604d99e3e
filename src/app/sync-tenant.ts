/**
 * Runs every connection of one tenant, one after the other (a bridge: a HubSpot change that
 * reached Propstreet in the first run reaches Salesforce in the second), on the tenant's own
 * state store and credentials. Within a connection, each object kind it syncs runs on its own
 * scope (links, checkpoints, lock), companies before contacts, so that a contact's companies
 * exist before its associations to them are written. A bridge's writing run holds its tenant
 * lock throughout, so runs of its connections elsewhere (serve, workers) take turns with it.
 */

import { bringersOf } from '../config/bridge-advice.js';
import { tenantEnv } from '../config/env-interpolation.js';
import type { ConnectionConfig, TenantConfig } from '../config/index.js';
import type { AccountIdentity } from '../core/account-identity.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { stateKeyFrom } from '../core/secret-box.js';
import type { CrmAdapter } from '../crm/port.js';
import type { RecordPlan } from '../engine/types.js';
import type { LinksResult } from '../links/links-phase.js';
import type { PropstreetApi } from '../propstreet/port.js';
import { withLockLease } from '../run/lock-lease.js';
import type { RunOptions, RunProgress } from '../run/run-connection.js';
import type { ConnectionResult } from '../run/run-result.js';
import { sinkFor } from '../run/sink-for.js';
import { needsTenantLock, takeTenantLock } from '../run/tenant-lock.js';
import type { StateStore } from '../state/port.js';
import { openObject } from './open-connection.js';
import { runConnectionLinks } from './open-links.js';
import { openPropstreet } from './open-propstreet.js';
import { openTenantStore } from './open-store.js';
import { openSalesforceSession, type SessionKeeper, sessionScope } from './salesforce-session.js';

/** One object kind of one connection, run. */
export interface ConnectionRun {
  /** The object kind (also `result.kind`). */
  readonly kind: string;
  readonly result: ConnectionResult;
  /** Planned records other than no-ops (but no-ops with a conflict), when asked for (reports). */
  readonly records: RecordPlan[];
}

export interface TenantRun {
  readonly tenant: string;
  readonly dryRun: boolean;
  readonly generatedAt: string;
  /** Per connection, per object kind, in the order they ran. */
  readonly connections: ConnectionRun[];
  /** Who works where, per connection that syncs `links`, run after its kinds. */
  readonly links?: readonly LinksRun[];
}

/** One connection's links phase: its CRM type (`hubspot`, `salesforce`) and result. */
export interface LinksRun {
  readonly connection: string;
  readonly crm: string;
  readonly result: LinksResult;
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
  /**
   * How long a bridge's writing run waits for another run of the tenant (its tenant lock,
   * src/run/tenant-lock.ts) before failing RUN_IN_PROGRESS; default 0, at once.
   */
  readonly tenantLockWaitMs?: number;
  /** Run only these object kinds (of the connections that sync them). */
  readonly kinds?: readonly string[];
  /**
   * TTL of the locks' lease when the run opens its own store (renewed every third of it while
   * the run lives): how long a run killed on another host blocks the next; default 5 min.
   */
  readonly lockLeaseMs?: number;
  /** Keep the planned records for a report. */
  readonly keepRecords?: boolean;
  readonly logger: Logger;
  /**
   * The entry point's redactor (the one its logger and output scrub with): the clients
   * register their tokens with it, and the results are scrubbed by it.
   */
  readonly redactor: Redactor;
  readonly clock?: Clock;
  readonly store?: StateStore;
  /**
   * Key that seals a refreshed Salesforce session kept in the state store; default from
   * PROPSYNC_STATE_KEY; null keeps nothing.
   */
  readonly stateKey?: Buffer | null;
  readonly onProgress?: (connection: string, p: RunProgress, kind: string) => void;
  /** Sees each planned chunk before it is executed (tests use it to act "between read and write"). */
  readonly onPlanChunk?: (
    connection: string,
    chunk: readonly RecordPlan[],
    kind: string,
  ) => void | Promise<void>;
  /** Sees each run's result once it ends (a report written as the plan runs); `result.kind` says which kind. */
  readonly onConnectionDone?: (connection: string, result: ConnectionResult) => void | Promise<void>;
}

const RUN_LEASE_MS = 5 * 60_000;

export async function syncTenant(config: TenantConfig, options: SyncTenantOptions): Promise<TenantRun> {
  const clock = options.clock ?? systemClock;
  // Checked before anything opens: a malformed key is a config error. Found where `validate
  // --setup` and `serve` find it: the environment, the config's folder's .env, the working one's.
  const stateKey =
    options.stateKey === undefined
      ? stateKeyFrom(tenantEnv(config), options.redactor)
      : (options.stateKey ?? undefined);
  const selected = (name: string) =>
    !options.only || options.only.length === 0 || options.only.includes(name);
  const { store, opened } = options.store
    ? { store: options.store, opened: undefined }
    : await leasedStore(config, options);
  const connections: ConnectionRun[] = [];
  const links: LinksRun[] = [];
  // One organisation per tenant: its identity is asked once per tenant run, not per kind; and
  // one CRM account per connection, asked once for all its kinds.
  let propstreetIdentity: Promise<AccountIdentity | null> | undefined;
  const crmIdentities = new Map<string, Promise<AccountIdentity | null>>();
  const tenant = {
    config,
    options,
    clock,
    store,
    stateKey,
    links,
    identity: (client: PropstreetApi) => {
      propstreetIdentity ??= client.identity();
      return propstreetIdentity;
    },
    crmIdentity: (connection: string, adapter: CrmAdapter): Promise<AccountIdentity | null> => {
      const known = crmIdentities.get(connection);
      if (known) return known;
      const asked = adapter.identity();
      crmIdentities.set(connection, asked);
      // A failed question is asked again by the next kind, as each kind used to.
      asked.catch(() => crmIdentities.delete(connection));
      return asked;
    },
  };
  try {
    const lock =
      !options.dryRun && needsTenantLock(config)
        ? await takeTenantLock(store, config.tenant, {
            waitMs: options.tenantLockWaitMs ?? 0,
            connections: config.connections.map((c) => c.name).filter(selected),
          })
        : undefined;
    try {
      for (const connection of config.connections)
        if (selected(connection.name)) connections.push(...(await syncConnection(tenant, connection)));
    } finally {
      // A release that fails must not hide how the run ended: the lease lapses by itself.
      await lock
        ?.release()
        .catch((error: unknown) =>
          options.logger.warn({ err: (error as Error).message }, 'tenant lock release failed'),
        );
    }
  } finally {
    if (opened) {
      try {
        // The lease wrapper's close releases what a failed run still holds, not the store.
        await store.close();
      } finally {
        await opened.close();
      }
    }
  }
  return {
    tenant: config.tenant,
    dryRun: options.dryRun,
    generatedAt: clock.now().toISOString(),
    connections,
    ...(links.length > 0 ? { links } : {}),
  };
}

/**
 * The tenant's store, its run locks held as leases: a run outliving a plain TTL (a first sync
 * of hours) would lose them to the next scheduled run, which would run beside it.
 */
async function leasedStore(
  config: TenantConfig,
  options: SyncTenantOptions,
): Promise<{ store: StateStore; opened: StateStore }> {
  const opened = await openTenantStore(config);
  return {
    opened,
    store: withLockLease(opened, { ttlMs: options.lockLeaseMs ?? RUN_LEASE_MS, logger: options.logger }),
  };
}

interface TenantContext {
  readonly config: TenantConfig;
  readonly options: SyncTenantOptions;
  readonly clock: Clock;
  readonly store: StateStore;
  readonly stateKey: Buffer | undefined;
  readonly links: LinksRun[];
  identity(client: PropstreetApi): Promise<AccountIdentity | null>;
  crmIdentity(connection: string, adapter: CrmAdapter): Promise<AccountIdentity | null>;
}

/** The connection's kinds (those asked for), in run order, on one Salesforce session. */
async function syncConnection(tenant: TenantContext, connection: ConnectionConfig): Promise<ConnectionRun[]> {
  const { config, options, store } = tenant;
  const kinds = options.kinds?.length
    ? connection.objects.filter((o) => options.kinds?.includes(o.kind))
    : connection.objects;
  const wantLinks = connection.links && (!options.kinds?.length || options.kinds.includes('links'));
  if (kinds.length === 0 && !wantLinks) return [];
  const session =
    connection.type === 'salesforce'
      ? await openSalesforceSession(
          store,
          sessionScope(config.tenant, connection.name),
          connection,
          tenant.stateKey,
          options.logger,
          options.redactor,
          { dryRun: options.dryRun },
        )
      : undefined;
  const runs: ConnectionRun[] = [];
  try {
    for (const object of kinds) runs.push(await syncObject(tenant, connection, object, session));
    // After the kinds: a contact's company exists and is linked on both sides before its association.
    if (wantLinks)
      tenant.links.push({
        connection: connection.name,
        crm: connection.type,
        result: await syncLinks(tenant, connection, session),
      });
  } finally {
    await session?.flush();
  }
  return runs;
}

async function syncLinks(
  tenant: TenantContext,
  connection: ConnectionConfig,
  session: SessionKeeper | undefined,
): Promise<LinksResult> {
  const { config, options, clock, store } = tenant;
  const { redactor } = options;
  const client = await openPropstreet(config, {
    clock,
    logger: options.logger,
    redactor,
    dryRun: options.dryRun,
  });
  try {
    return await runConnectionLinks(config, connection, client, {
      clock,
      logger: options.logger,
      redactor,
      store,
      dryRun: options.dryRun,
      ...(options.force ? { force: true } : {}),
      // --reconcile checks every link of the kinds by id; for links that is the full scan.
      ...(options.reconcile ? { fullScan: true } : {}),
      salesforceSession: session,
    });
  } finally {
    await client.close();
  }
}

async function syncObject(
  tenant: TenantContext,
  connection: ConnectionConfig,
  object: ConnectionConfig['objects'][number],
  session: SessionKeeper | undefined,
): Promise<ConnectionRun> {
  const { config, options, clock, store } = tenant;
  const { logger, redactor } = options;
  const opened = openObject(config, connection, object, {
    clock,
    logger,
    redactor,
    salesforceSession: session,
    crmIdentity: (adapter) => tenant.crmIdentity(connection.name, adapter),
  });
  const client = await openPropstreet(config, { clock, logger, redactor, dryRun: options.dryRun });
  const propstreet = { ...client, identity: () => tenant.identity(client) };
  const records: RecordPlan[] = [];
  const kind = object.kind;
  try {
    const runOptions: RunOptions = {
      sink: sinkFor({
        dryRun: options.dryRun,
        observe: async (chunk) => {
          // A no-op is kept only when it holds a conflict (manual policy): a person acts on it.
          if (options.keepRecords)
            for (const r of chunk) if (r.action !== 'noop' || r.conflicts.length > 0) records.push(r);
          await options.onPlanChunk?.(connection.name, chunk, kind);
        },
      }),
      ...(options.force ? { force: true } : {}),
      ...(options.reconcile ? { reconcile: true } : {}),
      ...(options.retryAll ? { retryAll: true } : {}),
      ...(options.rebind ? { rebind: true } : {}),
      ...(options.onProgress
        ? { onProgress: (p: RunProgress) => options.onProgress?.(connection.name, p, kind) }
        : {}),
    };
    const result = await opened.run(
      propstreet,
      {
        store,
        clock,
        logger,
        redactor,
        connectionsInTenant: config.connections.length,
        // A connection that does not sync the kind (its old links stay) or only receives it
        // brings no edit of it: none of its reads is waited for (engine/sibling-lag.ts).
        siblingConnections: bringersOf(config, kind, connection.name),
      },
      runOptions,
    );
    await options.onConnectionDone?.(connection.name, result);
    return { kind, result, records };
  } finally {
    await client.close();
  }
}
