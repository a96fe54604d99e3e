/**
 * The work after the acknowledgement: drop events already seen (persisted, per tenant+
 * connection), and ask for a run of each connection that got a new one. Never throws: a
 * ledger that cannot be read (database down) lets the events through, since an extra run
 * costs little and a missed one waits for the next event or the schedule.
 */
import type { Logger } from '../core/logger.js';
import type { ConnectionScope } from '../state/port.js';
import type { Endpoint } from './endpoints.js';
import type { DeliveryEvents } from './event-keys.js';
import type { EventLedger } from './event-ledger.js';
import type { ServeMetrics } from './serve-metrics.js';

export interface RunRequest {
  /** New events this request stands for. */
  readonly events: number;
  /** When the vendor says the earliest of them happened. */
  readonly earliest: Date;
  readonly receivedAt: Date;
}

/** What the intake hands accepted events to (the run trigger). */
export interface RunRequests {
  request(scope: ConnectionScope, request: RunRequest): void;
}

export interface AcceptedDelivery {
  readonly endpoint: Endpoint;
  readonly events: DeliveryEvents;
  readonly receivedAt: Date;
}

export function createIntake(deps: {
  readonly ledger: EventLedger;
  readonly runs: RunRequests;
  readonly metrics: ServeMetrics;
  readonly logger: Logger;
}): (delivery: AcceptedDelivery) => Promise<void> {
  return async ({ endpoint, events, receivedAt }) => {
    const scopes = endpoint.connections.map((connection) => ({ tenant: endpoint.tenant, connection }));
    const fresh = await admitToScopes(deps, scopes, events, receivedAt);
    deps.metrics.accepted(endpoint.source, { fresh: fresh.size, duplicate: events.keys.length - fresh.size });
    deps.logger.debug(
      {
        tenant: endpoint.tenant,
        source: endpoint.source,
        types: events.types,
        events: events.keys.length,
        fresh: fresh.size,
      },
      fresh.size > 0 ? 'webhook accepted' : 'webhook duplicate: already seen',
    );
  };
}

/**
 * Each scope's new events (the ledger drops those it has seen) become a run request of that
 * scope; returns the keys new to at least one scope.
 */
export async function admitToScopes(
  deps: {
    readonly ledger: EventLedger;
    readonly runs: RunRequests;
    readonly metrics: ServeMetrics;
    readonly logger: Logger;
  },
  scopes: readonly ConnectionScope[],
  events: Pick<DeliveryEvents, 'keys' | 'earliest'>,
  receivedAt: Date,
): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (const scope of scopes) {
    let admitted: readonly string[];
    try {
      admitted = await deps.ledger.admit(scope, events.keys, receivedAt);
    } catch (error) {
      deps.logger.warn(
        { ...scope, err: (error as Error).message },
        'webhook dedup unavailable: treating the events as new',
      );
      admitted = events.keys;
    }
    for (const k of admitted) fresh.add(k);
    if (admitted.length === 0) continue;
    deps.metrics.notified(scope, admitted.length);
    deps.runs.request(scope, { events: admitted.length, earliest: events.earliest, receivedAt });
  }
  return fresh;
}
