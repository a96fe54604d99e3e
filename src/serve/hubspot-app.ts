/**
 * One HubSpot public app for every tenant: HubSpot sends all portals' events to the app's one
 * target URL (HW5), each event naming its `portalId` (HW6). `POST /webhooks/hubspot` verifies
 * the delivery once (v3, keyed by the app's client secret in
 * PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET), routes each portal's events to the connections bound to
 * that portal (portal-directory.ts) and stores their association marks, answers 200, and then
 * hands them on, deduplicated and debounced per tenant+connection like the per-connection
 * endpoints. Events of a portal no connection here is
 * bound to are counted (`propsync_webhook_unrouted_events_total{reason="unknown-portal"}`) and
 * acknowledged all the same: HubSpot retries a non-2xx answer (HW6) for the whole batch, which
 * would repeat the other portals' events and never route these.
 */

import { PropsyncError } from '../core/errors.js';
import { HUBSPOT_APP_SECRET_VARIABLE } from '../core/process-env.js';
import type { Redactor } from '../core/redact.js';
import type { ConnectionScope } from '../state/port.js';
import type { IncomingDelivery } from './endpoints.js';
import { type DeliveryEvents, hubspotEvents } from './event-keys.js';
import { admitToScopes, type Intake, type IntakeDeps, markScopes } from './intake.js';
import type { PortalDirectory } from './portal-directory.js';
import type { Verification } from './verification.js';
import { createHubspotVerifier } from './verify-hubspot.js';

export const HUBSPOT_APP_PATH = '/webhooks/hubspot';

export interface HubspotAppEndpoint {
  readonly path: string;
  readonly secretVariable: string;
  verify(delivery: IncomingDelivery, now: Date): Verification;
}

/** Undefined when the variable is unset: then the path answers 404 like any path without a secret. */
export function hubspotAppEndpoint(
  env: Readonly<Record<string, string | undefined>>,
  redactor: Redactor,
): HubspotAppEndpoint | undefined {
  const secrets = (env[HUBSPOT_APP_SECRET_VARIABLE] ?? '').split(/[\s,]+/).filter((s) => s !== '');
  if (secrets.length === 0) return undefined;
  for (const s of secrets) redactor.register(s);
  let check: ReturnType<typeof createHubspotVerifier>;
  try {
    check = createHubspotVerifier({ secrets });
  } catch (error) {
    throw new PropsyncError('CONFIG_INVALID', `${HUBSPOT_APP_SECRET_VARIABLE}: not a usable webhook secret`, {
      cause: error,
      hint: "use the HubSpot public app's client secret",
    });
  }
  return {
    path: HUBSPOT_APP_PATH,
    secretVariable: HUBSPOT_APP_SECRET_VARIABLE,
    verify: (d, now) => check(d, now),
  };
}

/** A batch's events by portal, each group keyed as `hubspotEvents` keys a batch. */
function eventsByPortal(
  body: Buffer,
  sentAt: Date,
): { portals: Map<string, DeliveryEvents>; unrouted: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { portals: new Map(), unrouted: 1 };
  }
  if (!Array.isArray(parsed)) return { portals: new Map(), unrouted: 1 };
  const groups = new Map<string, unknown[]>();
  let unrouted = 0;
  for (const event of parsed) {
    const portal = (event as { portalId?: unknown } | null)?.portalId;
    if (typeof portal !== 'number' && typeof portal !== 'string') {
      unrouted++;
      continue;
    }
    const key = String(portal);
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  const portals = new Map<string, DeliveryEvents>();
  for (const [portal, events] of groups)
    portals.set(portal, hubspotEvents(Buffer.from(JSON.stringify(events)), sentAt));
  return { portals, unrouted };
}

export interface AppDelivery {
  readonly body: Buffer;
  readonly sentAt: Date;
  readonly receivedAt: Date;
}

/** A delivery's events by portal, with the connections bound to each portal. */
export interface RoutedAppDelivery {
  readonly portals: readonly {
    readonly events: DeliveryEvents;
    readonly scopes: readonly ConnectionScope[];
  }[];
  /** Events of no portal a connection here is bound to (or with no portal at all). */
  readonly unknown: number;
  readonly receivedAt: Date;
}

/**
 * Before the answer: routes each portal's events to its connections and marks their association
 * changes (intake.ts). A portal lookup that fails throws, as a mark that cannot be stored does:
 * the delivery is answered 503 and HubSpot sends it again, where an answer of 200 lost its
 * association changes. A portal no connection is bound to is not a failure (see above).
 */
export function createAppIntake(
  deps: IntakeDeps & {
    readonly directory: PortalDirectory;
  },
): Intake<AppDelivery, RoutedAppDelivery> {
  return {
    async secure({ body, sentAt, receivedAt }) {
      const { portals, unrouted } = eventsByPortal(body, sentAt);
      let unknown = unrouted;
      const routed: RoutedAppDelivery['portals'][number][] = [];
      for (const [portal, events] of portals) {
        const scopes = await deps.directory.scopesFor(portal);
        if (scopes.length === 0) {
          unknown += events.keys.length;
          deps.logger.info(
            { portal, events: events.keys.length },
            'HubSpot events of a portal no connection is bound to',
          );
          continue;
        }
        await markScopes(deps, scopes, events.associations, receivedAt);
        routed.push({ events, scopes });
      }
      return { portals: routed, unknown, receivedAt };
    },
    /** After the answer: deduplicate, ask for runs. Never throws. */
    async admit({ portals, unknown, receivedAt }) {
      let fresh = 0;
      let duplicate = 0;
      for (const { events, scopes } of portals) {
        const freshHere = await admitToScopes(deps, scopes, events, receivedAt);
        fresh += freshHere.size;
        duplicate += events.keys.length - freshHere.size;
      }
      if (unknown > 0) deps.metrics.unrouted('hubspot', 'unknown-portal', unknown);
      deps.metrics.accepted('hubspot', { fresh, duplicate });
    },
  };
}
