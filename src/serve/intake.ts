/**
 * What happens to an authentic delivery, in two steps. Before the answer (`secure`): mark the
 * contacts of association changes for the links phase — the one thing in a delivery no later run
 * could read back (HubSpot stamps no contact on an association edit) — so a mark that cannot be
 * stored makes the delivery fail and the vendor send it again (before 12-04 it was answered 200
 * first, and a state store down at that moment lost the edit for every run but a full scan). After
 * the answer (`admit`): drop events already seen (persisted, per tenant+connection) and ask for a
 * run of each connection that got a new event. `admit` never throws: a ledger that cannot be read
 * (database down) lets the events through, since an extra run costs little and a missed one
 * waits for the next event or the schedule.
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

/** A delivery's two steps: `secure` before the answer (throws: answer 503), `admit` after it. */
export interface Intake<D, R = D> {
  secure(delivery: D): Promise<R>;
  /** Must not throw. */
  admit(secured: R): Promise<void>;
}

const scopesOf = ({ endpoint }: AcceptedDelivery): ConnectionScope[] =>
  endpoint.connections.map((connection) => ({ tenant: endpoint.tenant, connection }));

export function createIntake(deps: IntakeDeps): Intake<AcceptedDelivery> {
  return {
    async secure(delivery) {
      await markScopes(deps, scopesOf(delivery), delivery.events.associations, delivery.receivedAt);
      return delivery;
    },
    admit: (delivery) => admit(deps, delivery),
  };
}

async function admit(deps: IntakeDeps, delivery: AcceptedDelivery): Promise<void> {
  const { endpoint, events, receivedAt } = delivery;
  const fresh = await admitToScopes(deps, scopesOf(delivery), events, receivedAt);
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
}

/**
 * Each scope's new events (the ledger drops those it has seen) become a run request of that
 * scope; returns the keys new to at least one scope.
 */
export async function admitToScopes(
  deps: IntakeDeps,
  scopes: readonly ConnectionScope[],
  events: Pick<DeliveryEvents, 'keys' | 'earliest' | 'echoes'>,
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
 * Marks the delivery's association changes in every scope, in one commit a scope; throws when
 * one cannot be stored. Before the answer, hence before the event is recorded as seen: a
 * retried delivery marks the same keys again.
 */
export async function markScopes(
  deps: Pick<IntakeDeps, 'marker'>,
  scopes: readonly ConnectionScope[],
  associations: DeliveryEvents['associations'],
  receivedAt: Date,
): Promise<void> {
  if (!deps.marker || !associations || associations.length === 0) return;
  for (const scope of scopes) await deps.marker.mark(scope, associations, receivedAt);
}

function allEchoes(admitted: readonly string[], echoes: readonly string[] | undefined): boolean {
  if (!echoes || echoes.length === 0) return false;
  const own = new Set(echoes);
  return admitted.every((k) => own.has(k));
}
