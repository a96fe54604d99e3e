/**
 * Which tenant+connection a HubSpot portal's events belong to, for the one public app every
 * tenant installs (`POST /webhooks/hubspot`). The answer is in the state, not the config: a
 * HubSpot connection's first run binds its state to the portal its credentials reach
 * (src/run/account-binding.ts: `account.crm` = `{"id":"hubspot-portal:<portalId>"}` in each of
 * the connection's kind scopes). A connection that has never run is not bound yet: its events
 * go unrouted until then (its first run reads everything anyway).
 *
 * The map is read again by the first event after `refreshMs`, known portal or not: a tenant
 * bound since is found within seconds, also when it shares a portal that another tenant's
 * events already come from (before 12-04 a known portal's answer was kept for good, and a
 * second tenant bound to it later never got an event), or was rebound to another one. A flood
 * of events, of known portals or unknown, costs one read of the state per interval.
 */
import type { TenantConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { ConnectionScope, StateStore } from '../state/port.js';

export interface PortalDirectory {
  /** The HubSpot connections bound to this portal (several tenants may share one portal). */
  scopesFor(portalId: string): Promise<ConnectionScope[]>;
}

export interface PortalDirectoryOptions {
  readonly configs: readonly Pick<TenantConfig, 'tenant' | 'connections'>[];
  readonly storeFor: (scope: ConnectionScope) => Promise<StateStore>;
  readonly clock: Clock;
  /** Least time between two reads of the state; default 10 s. */
  readonly refreshMs?: number;
  readonly warn: (scope: ConnectionScope, err: string) => void;
}

const PORTAL_ID = /^hubspot-portal:(.+)$/;

function portalOf(value: string | null): string | undefined {
  if (value === null) return undefined;
  let id: unknown = value;
  try {
    id = (JSON.parse(value) as { id?: unknown }).id;
  } catch {
    // An id written by hand (account-binding.ts accepts one too).
  }
  return typeof id === 'string' ? PORTAL_ID.exec(id)?.[1] : undefined;
}

export function createPortalDirectory(options: PortalDirectoryOptions): PortalDirectory {
  const refreshMs = options.refreshMs ?? 10_000;
  let map = new Map<string, ConnectionScope[]>();
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;

  const read = async () => {
    const next = new Map<string, ConnectionScope[]>();
    for (const config of options.configs)
      for (const connection of config.connections) {
        if (connection.type !== 'hubspot') continue;
        const scope = { tenant: config.tenant, connection: connection.name };
        try {
          const store = await options.storeFor(scope);
          const portals = new Set<string>();
          for (const object of connection.objects) {
            const portal = portalOf(await store.getMeta({ ...scope, kind: object.kind }, 'account.crm'));
            if (portal !== undefined) portals.add(portal);
          }
          for (const portal of portals) next.set(portal, [...(next.get(portal) ?? []), scope]);
        } catch (error) {
          options.warn(scope, (error as Error).message);
          // Its state could not be read this time: its events keep going where they went.
          for (const [portal, scopes] of map)
            if (scopes.some((s) => s.tenant === scope.tenant && s.connection === scope.connection))
              next.set(portal, [...(next.get(portal) ?? []), scope]);
        }
      }
    map = next;
  };

  const refresh = async () => {
    if (!reading) {
      readAt = options.clock.now().getTime();
      reading = read().finally(() => {
        reading = undefined;
      });
    }
    await reading;
  };

  return {
    async scopesFor(portalId) {
      if (options.clock.now().getTime() - readAt >= refreshMs || reading) await refresh();
      return map.get(portalId) ?? [];
    },
  };
}
