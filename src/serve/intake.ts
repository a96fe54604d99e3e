/**
 * The work after the acknowledgement: mark the contacts of association changes for the links
 * phase (first, so that no event is recorded as seen before its mark is stored), drop events
 * already seen (persisted, per tenant+connection), and ask for a run of each connection that
 * got a new event. Never throws: a ledger that cannot be read (database down) lets the events
 * through, since an extra run costs little and a missed one waits for the next event or the
 * schedule; a mark that cannot be written (the same database down) leaves that association
 * change to the next full association scan (logged as an error).
 */
import type { Logger } from '../core/logger.js';
import type { ConnectionScope } from '../state/port.js';
import type { AssociationMarker } from './association-marker.js';
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

export interface IntakeDeps {
  readonly ledger: EventLedger;
  readonly runs: RunRequests;
  readonly metrics: ServeMetrics;
  readonly logger: Logger;
  readonly marker?: AssociationMarker;
}

export function createIntake(deps: IntakeDeps): (delivery: AcceptedDelivery) => Promise<void> {
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
  deps: IntakeDeps,
  scopes: readonly ConnectionScope[],
  events: Pick<DeliveryEvents, 'keys' | 'earliest' | 'associations' | 'echoes'>,
  receivedAt: Date,
): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (const scope of scopes) {
    await markAssociations(deps, scope, events.associations, receivedAt);
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
    if (allEchoes(admitted, events.echoes)) {
      // Our own writes coming back: the run they ask for would find nothing to do. Skipped,
      // they delay nothing else: any later run reads every change since its checkpoint.
      deps.metrics.echoed(scope, admitted.length);
      deps.logger.debug({ ...scope, events: admitted.length }, 'webhook echoes of our own writes: no run');
      continue;
    }
    deps.metrics.notified(scope, admitted.length);
    deps.runs.request(scope, { events: admitted.length, earliest: events.earliest, receivedAt });
  }
  return fresh;
}

/**
 * Before the ledger and the run: a duplicate marks the same keys again, and a mark stored before
 * its event counts as seen survives a crash between the two.
 */
async function markAssociations(
  deps: IntakeDeps,
  scope: ConnectionScope,
  associations: DeliveryEvents['associations'],
  receivedAt: Date,
): Promise<void> {
  if (!deps.marker || !associations || associations.length === 0) return;
  try {
    await deps.marker.mark(scope, associations, receivedAt);
  } catch (error) {
    deps.logger.error(
      { ...scope, events: associations.length, err: (error as Error).message },
      'association change not marked: only a full association scan (links.fullScanEvery, run --reconcile) will see it',
    );
  }
}

function allEchoes(admitted: readonly string[], echoes: readonly string[] | undefined): boolean {
  if (!echoes || echoes.length === 0) return false;
  const own = new Set(echoes);
  return admitted.every((k) => own.has(k));
}
