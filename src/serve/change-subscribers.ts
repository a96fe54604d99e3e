/**
 * `serve`'s Salesforce Change Data Capture: one change stream (crm/salesforce/change-stream.ts)
 * per Salesforce connection with `changeEvents: true`, for the objects it syncs (contacts →
 * Contact, companies → Account). Each change asks the run trigger for a run of that
 * tenant+connection, exactly as a verified webhook does; the replay ids are kept with the
 * connection's state facts (`salesforce.cdc.replay`), so a restart resumes where it stopped.
 *
 * The stream signs in as the connection's runs do (the kept session when PROPSYNC_STATE_KEY
 * is set, else the configured token; refreshed on a 401).
 */

import { salesforceLogin } from '../app/open-connection.js';
import { openSalesforceSession, sessionScope } from '../app/salesforce-session.js';
import { tenantEnv } from '../config/env-interpolation.js';
import type { SalesforceConnectionConfig, TenantConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { stateKeyFrom } from '../core/secret-box.js';
import {
  type ChangeEntity,
  type ChangeStream,
  type ReplayStore,
  startChangeStream,
} from '../crm/salesforce/change-stream.js';
import { openConnection } from '../crm/salesforce/salesforce-connection.js';
import { type ConnectionScope, connectionFacts, type StateStore } from '../state/port.js';
import type { CdcObserver } from './cdc-metrics.js';
import type { RunRequests } from './intake.js';
import type { ServeMetrics } from './serve-metrics.js';

const REPLAY_META_KEY = 'salesforce.cdc.replay';

/** The client id our writes carry in `Sforce-Call-Options` (salesforce-connection.ts). */
const OWN_CLIENT = 'propsync';

export interface ChangeSubscribersOptions {
  readonly configs: readonly TenantConfig[];
  readonly runs: RunRequests;
  readonly storeFor: (scope: ConnectionScope) => Promise<StateStore>;
  readonly metrics: ServeMetrics;
  readonly observe: CdcObserver;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The environment; each tenant's state key is read with its config's .env (tenantEnv). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The process's: sessions issued to the change stream are registered with it. */
  readonly redactor: Redactor;
  /** Backoff of reconnects (tests shorten it). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
}

export interface ChangeSubscribers {
  readonly scopes: readonly ConnectionScope[];
  /** Resolves once every stream's first subscriptions were answered. */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

const ENTITY: Record<string, ChangeEntity> = { contacts: 'Contact', companies: 'Account' };

/** The Salesforce connections that asked for change events, with the objects they sync. */
export function changeEventConnections(
  configs: readonly TenantConfig[],
): { scope: ConnectionScope; connection: SalesforceConnectionConfig; entities: ChangeEntity[] }[] {
  return configs.flatMap((config) =>
    config.connections.flatMap((connection) =>
      connection.type === 'salesforce' && connection.changeEvents
        ? [
            {
              scope: { tenant: config.tenant, connection: connection.name },
              connection,
              entities: connection.objects.flatMap((o) =>
                ENTITY[o.kind] ? [ENTITY[o.kind] as ChangeEntity] : [],
              ),
            },
          ]
        : [],
    ),
  );
}

function replayStore(store: StateStore, scope: ConnectionScope): ReplayStore {
  return {
    async load() {
      const raw = await store.getMeta(connectionFacts(scope), REPLAY_META_KEY);
      if (raw === null) return {};
      try {
        const parsed = JSON.parse(raw) as unknown;
        return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
      } catch {
        return {};
      }
    },
    save: (positions) => store.setMeta(connectionFacts(scope), REPLAY_META_KEY, JSON.stringify(positions)),
  };
}

export async function startChangeSubscribers(o: ChangeSubscribersOptions): Promise<ChangeSubscribers> {
  const wanted = changeEventConnections(o.configs);
  const streams: ChangeStream[] = [];
  const configs = new Map(o.configs.map((c) => [c.tenant, c]));
  for (const { scope, connection, entities } of wanted) {
    // The tenant's own key, where its runs find it (a malformed one stops serve, as at a run).
    const config = configs.get(scope.tenant);
    const stateKey = config ? stateKeyFrom(tenantEnv(config, o.env), o.redactor) : undefined;
    const log = o.logger.child({
      tenant: scope.tenant,
      connection: scope.connection,
      source: 'salesforce-cdc',
    });
    if (entities.length === 0) continue;
    try {
      const store = await o.storeFor(scope);
      const keeper = await openSalesforceSession(
        store,
        sessionScope(scope.tenant, scope.connection),
        connection,
        stateKey,
        log,
        o.redactor,
      );
      const conn = openConnection({
        ...salesforceLogin(connection, keeper),
        logger: log,
        clock: o.clock,
        requestTimeoutMs: 30_000,
        redactor: o.redactor,
      });
      const ask = (earliest: Date) => {
        o.metrics.notified(scope, 1);
        o.runs.request(scope, { events: 1, earliest, receivedAt: o.clock.now() });
      };
      streams.push(
        await startChangeStream({
          connection: conn,
          entities,
          replay: replayStore(store, scope),
          onChange: (notice) => ask(notice.committedAt),
          onReplayReset: () => ask(o.clock.now()),
          observe: (event) => o.observe(scope, event),
          ownClient: OWN_CLIENT,
          logger: log,
          ...(o.backoff ? { backoff: o.backoff } : {}),
        }),
      );
      log.info({ entities }, 'subscribed to Salesforce change events');
    } catch (error) {
      // The schedule (and Propstreet's webhooks) still run this connection.
      log.error({ err: (error as Error).message }, 'could not subscribe to Salesforce change events');
    }
  }
  return {
    scopes: wanted.map((w) => w.scope),
    ready: async () => {
      await Promise.all(streams.map((s) => s.ready));
    },
    stop: async () => {
      await Promise.all(streams.map((s) => s.stop()));
    },
  };
}
