/**
 * `propsync serve`, put together: the endpoints from the tenant configs and their secrets,
 * the HTTP server, the event ledger on each tenant's state store, the run trigger, and the
 * dispatch: runs here (one machine) or jobs on the pg-boss queue (`queue`), for workers.
 */
import { openTenantStore } from '../app/open-store.js';
import { loadEnv, tenantEnv } from '../config/env-interpolation.js';
import { loadTenantConfig, type TenantConfig } from '../config/index.js';
import { type Clock, systemClock } from '../core/clock.js';
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import type { ConnectionScope, StateStore } from '../state/port.js';
import type { createBoss } from '../worker/queue.js';
import { createTenantStores, type OpenedStore } from '../worker/tenant-stores.js';
import { createAssociationMarker } from './association-marker.js';
import { createCdcMetrics } from './cdc-metrics.js';
import {
  type ChangeSubscribers,
  changeEventConnections,
  startChangeSubscribers,
} from './change-subscribers.js';
import { buildEndpoints, distinctSecrets, type Endpoint, endpointTable } from './endpoints.js';
import { createEventLedger, DEFAULT_RETENTION_MS } from './event-ledger.js';
import { createAppIntake, hubspotAppEndpoint } from './hubspot-app.js';
import { inFlight } from './in-flight.js';
import { createIntake } from './intake.js';
import { createLocalDispatch, type RunConnection } from './local-dispatch.js';
import { createPortalDirectory } from './portal-directory.js';
import type { QueueDispatch } from './queue-dispatch.js';
import { runHere } from './run-here.js';
import { createRunTrigger, type RunTrigger, type TriggerEvent } from './run-trigger.js';
import { createServeMetrics, type ServeMetrics } from './serve-metrics.js';
import { buildServeServer } from './server.js';
import { withStoredWebhookSecret } from './stored-webhook-secret.js';
import { systemTimers, type Timers } from './timers.js';

export interface ServeOptions {
  readonly configs: readonly TenantConfig[];
  readonly port: number;
  readonly host?: string;
  readonly publicUrl?: string | undefined;
  readonly bodyLimit?: number;
  readonly debounceMs?: number;
  /** Runs at once in this process (without `queue`); default 2. */
  readonly concurrency?: number;
  /** Queue runs for `propsync worker`s instead of running them here. */
  readonly queue?: { readonly databaseUrl: string; readonly queueSchema?: string };
  readonly retentionMs?: number;
  readonly lockTtlMs?: number;
  readonly logger: Logger;
  /** The process's redactor (its logger's): webhook secrets and the runs' tokens are registered with it. */
  readonly redactor: Redactor;
  /** Environment the secrets are read from (plus each tenant's `.env`); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Replaces the real run (tests). */
  readonly run?: RunConnection;
  readonly loadConfig?: (file: string) => Promise<TenantConfig>;
  readonly observe?: (event: TriggerEvent) => void;
  /** Reconnect backoff of the Salesforce change streams (tests shorten it). */
  readonly changeEventBackoff?: { readonly initialMs?: number; readonly maxMs?: number };
}

export interface RunningServe {
  readonly url: string;
  readonly endpoints: readonly Endpoint[];
  readonly metrics: ServeMetrics;
  readonly trigger: RunTrigger;
  /** The Salesforce change streams (connections with `changeEvents: true`). */
  readonly changeEvents: ChangeSubscribers;
  /** Stops answering, dispatches the open windows, waits up to `timeoutMs` for runs in flight. */
  stop(options?: { timeoutMs?: number }): Promise<{ drained: boolean }>;
}

const PRUNE_EVERY_MS = 3600_000;

export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const log = options.logger;
  const clock = options.clock ?? systemClock;
  const endpoints: Endpoint[] = [];
  for (const config of options.configs) {
    const env = tenantEnv(config, options.env ?? process.env);
    const withStored = await withStoredWebhookSecret(
      config.tenant,
      env,
      () => openTenantStore(config),
      (message, err) => log.warn({ tenant: config.tenant, err }, message),
      options.redactor,
    );
    endpoints.push(...buildEndpoints([config], withStored, options.redactor));
  }
  distinctSecrets(endpoints);
  const appEndpoint = hubspotAppEndpoint(
    await loadEnv({ configDir: process.cwd(), cwd: process.cwd(), env: options.env ?? process.env }),
    options.redactor,
  );
  if (endpoints.length === 0 && !appEndpoint && changeEventConnections(options.configs).length === 0)
    throw new PropsyncError(
      'CONFIG_INVALID',
      'no webhook endpoint: no webhook secret is set for any tenant',
      {
        hint: 'set PROPSYNC_<TENANT>_<CONNECTION>_PROPSTREET_WEBHOOK_SECRET, …_HUBSPOT_WEBHOOK_SECRET or PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET, or changeEvents: true on a Salesforce connection (docs/WEBHOOKS.md)',
      },
    );
  const files = new Map(options.configs.map((c) => [c.tenant, c.file]));
  const byTenant = new Map(options.configs.map((c) => [c.tenant, c]));

  // One store per tenant for the ledger, for the life of the process; runs open their own.
  const stores = createTenantStores({ poolSize: (options.concurrency ?? 2) + 1 });
  const ledgerStores = new Map<string, Promise<OpenedStore>>();
  const storeFor = async (scope: ConnectionScope): Promise<StateStore> => {
    let opening = ledgerStores.get(scope.tenant);
    if (!opening) {
      const config = byTenant.get(scope.tenant);
      if (!config) throw new Error(`unknown tenant ${scope.tenant}`);
      opening = stores.open(config);
      ledgerStores.set(scope.tenant, opening);
      opening.catch(() => ledgerStores.delete(scope.tenant));
    }
    return (await opening).store;
  };

  const metrics = createServeMetrics();
  const ledger = createEventLedger({ storeFor, retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS });

  let queue: QueueDispatch | undefined;
  let boss: ReturnType<typeof createBoss> | undefined;
  if (options.queue) {
    // pg-boss and pg load only for a queue: a `serve` on the embedded default never needs them.
    const { createBoss, ensureQueues, startBoss } = await import('../worker/queue.js');
    const { createQueueDispatch } = await import('./queue-dispatch.js');
    const { databaseUrl, queueSchema } = options.queue;
    boss = createBoss({
      databaseUrl,
      ...(queueSchema === undefined ? {} : { schema: queueSchema }),
      poolSize: 2,
      // Expiring crashed workers' jobs is the workers' business.
      supervise: false,
    });
    boss.on('error', (error) => log.error({ err: error.message }, 'queue error'));
    await startBoss(boss, databaseUrl);
    await ensureQueues(boss);
    queue = createQueueDispatch({
      boss,
      databaseUrl,
      ...(queueSchema === undefined ? {} : { queueSchema }),
      tenantFile: (t) => files.get(t),
    });
  }
  // The tenant file as it is now: what each run and the association marker read.
  const loadCurrent =
    options.loadConfig ?? ((file: string) => loadTenantConfig(file, { redactor: options.redactor }));
  const dispatch =
    queue?.dispatch ??
    createLocalDispatch({
      run:
        options.run ??
        runHere({
          tenantFile: (t) => files.get(t),
          stores,
          logger: log,
          redactor: options.redactor,
          lockTtlMs: options.lockTtlMs ?? 60_000,
          loadConfig: loadCurrent,
        }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      clock,
      metrics,
      logger: log,
    });
  const trigger = createRunTrigger({
    dispatch,
    timers: options.timers ?? systemTimers,
    clock,
    metrics,
    logger: log,
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    ...(options.observe ? { observe: options.observe } : {}),
  });
  // Association changes are marked for the links phase; whether a connection syncs links is
  // asked of its tenant file as it is now, as each run reads it.
  const marker = createAssociationMarker({
    storeFor,
    syncsLinks: async (scope) => {
      const file = files.get(scope.tenant);
      if (file === undefined) return undefined;
      try {
        const config = await loadCurrent(file);
        return config.connections.find((c) => c.name === scope.connection)?.links !== undefined;
      } catch {
        return undefined;
      }
    },
    keepMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
  });
  const intake = createIntake({ ledger, runs: trigger, metrics, logger: log, marker });
  // The HubSpot connections of every tenant, for the app-wide endpoint's routing by portal.
  const hubspotScopes = options.configs.flatMap((c) =>
    c.connections.filter((k) => k.type === 'hubspot').map((k) => ({ tenant: c.tenant, connection: k.name })),
  );
  const appIntake = appEndpoint
    ? createAppIntake({
        directory: createPortalDirectory({
          configs: options.configs,
          storeFor,
          clock,
          warn: (scope, err) =>
            log.warn({ ...scope, err }, 'could not read which HubSpot portal a connection is bound to'),
        }),
        ledger,
        runs: trigger,
        metrics,
        logger: log,
        marker,
      })
    : undefined;

  let stopping = false;
  // Deliveries answered 200 whose dedup and run request are still going: stop() waits for them.
  const admitting = inFlight((error) => log.error({ err: (error as Error).message }, 'intake failed'));
  const app = buildServeServer({
    endpoints: endpointTable(endpoints),
    metrics,
    clock,
    logger: log,
    publicUrl: options.publicUrl,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    intake: { secure: intake.secure, admit: (d) => admitting.track(intake.admit(d)) },
    healthy: async () => !stopping && (queue ? queue.healthy() : true),
    ...(appEndpoint && appIntake
      ? {
          hubspotApp: {
            endpoint: appEndpoint,
            intake: { secure: appIntake.secure, admit: (d) => admitting.track(appIntake.admit(d)) },
          },
        }
      : {}),
  });

  const scopes = [
    ...endpoints.flatMap((e) => e.connections.map((connection) => ({ tenant: e.tenant, connection }))),
    ...(appEndpoint ? hubspotScopes : []),
  ];
  const prune = async () => {
    for (const scope of new Map(scopes.map((s) => [`${s.tenant}/${s.connection}`, s])).values()) {
      await ledger
        .prune(scope, clock.now())
        .catch((error: unknown) =>
          log.warn({ ...scope, err: (error as Error).message }, 'webhook dedup prune failed'),
        );
      await marker
        .prune(scope, clock.now())
        .then((n) => {
          if (n > 0)
            log.info({ ...scope, marks: n }, 'old association marks of a connection without links dropped');
        })
        .catch((error: unknown) =>
          log.warn({ ...scope, err: (error as Error).message }, 'association mark prune failed'),
        );
    }
  };
  const pruning = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruning.unref();
  void prune();

  let url: string;
  try {
    url = await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  } catch (error) {
    clearInterval(pruning);
    await queue?.close();
    await boss?.stop({ graceful: false });
    await stores.close();
    throw error;
  }
  log.info(
    {
      url,
      endpoints: [...endpoints.map((e) => e.path), ...(appEndpoint ? [appEndpoint.path] : [])],
      mode: queue ? 'queue' : 'in-process',
    },
    'serve listening',
  );
  const changeEvents = await startChangeSubscribers({
    configs: options.configs,
    runs: trigger,
    storeFor,
    metrics,
    observe: createCdcMetrics(metrics.registry),
    clock,
    logger: log,
    // The kept Salesforce session's key: each tenant's, as its runs find it (tenantEnv).
    env: options.env ?? process.env,
    redactor: options.redactor,
    ...(options.changeEventBackoff ? { backoff: options.changeEventBackoff } : {}),
  });

  return {
    url,
    endpoints,
    metrics,
    trigger,
    changeEvents,
    async stop(stopOptions = {}) {
      stopping = true;
      clearInterval(pruning);
      await app.close();
      await changeEvents.stop();
      const timeoutMs = stopOptions.timeoutMs ?? 25_000;
      let timer: NodeJS.Timeout | undefined;
      // The deliveries already answered ask for their runs first: closing the trigger before
      // them dropped their requests (before 12-04, with a PostgreSQL state they were all lost).
      const drained = await Promise.race([
        admitting.idle().then(async () => {
          trigger.close();
          await trigger.idle();
          return true;
        }),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      await queue?.close();
      await boss?.stop({ graceful: false });
      if (drained) {
        for (const opening of ledgerStores.values())
          await opening.then((o) => o.release()).catch(() => undefined);
        await stores.close();
      }
      log.info({ drained }, drained ? 'serve stopped' : 'serve stopped with runs still in flight');
      return { drained };
    },
  };
}
