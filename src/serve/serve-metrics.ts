/**
 * `serve`'s metrics, in the worker's Prometheus text format (src/worker/prometheus.ts). The
 * debounce ratio is `rate(propsync_serve_notifications_total) / rate(propsync_serve_dispatches_total)`:
 * new events per run asked for.
 */
import { Counter, Gauge, Histogram, Registry } from '../worker/prometheus.js';
import type { WebhookSource } from './event-keys.js';
import type { RejectReason } from './verification.js';

/** Seconds: a debounce of 1–2 s, then a run of a second or two, up to a slow initial sync. */
const LATENCY_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60, 120, 300, 900];

export type DispatchOutcome = 'ran' | 'queued' | 'covered' | 'busy' | 'failed';

export interface ServeMetrics {
  readonly registry: Registry;
  rejected(source: string, reason: RejectReason): void;
  accepted(source: WebhookSource, events: { fresh: number; duplicate: number }): void;
  /** An authentic delivery answered 503: what had to be stored first could not be (the vendor retries). */
  unsecured(source: string): void;
  /** New events that asked tenant/connection to run. */
  notified(scope: { tenant: string; connection: string }, events: number): void;
  /** New events that asked for nothing: every one the echo of the connection's own write. */
  echoed(scope: { tenant: string; connection: string }, events: number): void;
  /** A run asked for (run here, queued, already covered by a queued one, blocked, or failed). */
  dispatched(
    scope: { tenant: string; connection: string },
    outcome: DispatchOutcome,
    waitedSeconds: number,
  ): void;
  /** A run here finished: from the earliest event it answers to its end. */
  synced(seconds: number): void;
  setInFlight(n: number): void;
  /** Events of an authentic delivery that no tenant+connection takes (acknowledged all the same). */
  unrouted(source: WebhookSource, reason: UnroutedReason, events: number): void;
}

/** `unknown-portal`: no HubSpot connection here is bound to the event's portalId. */
export type UnroutedReason = 'unknown-portal';

export function createServeMetrics(): ServeMetrics {
  const registry = new Registry();
  const deliveries = registry.register(
    new Counter(
      'propsync_webhook_deliveries_total',
      'Webhook deliveries by outcome (accepted, duplicate, rejected, unsecured: answered 503 for a retry).',
      ['source', 'outcome'],
    ),
  );
  const rejections = registry.register(
    new Counter(
      'propsync_webhook_rejected_total',
      'Rejected deliveries by reason (bad-signature, stale, future, oversized, missing-headers, …).',
      ['source', 'reason'],
    ),
  );
  const events = registry.register(
    new Counter('propsync_webhook_events_total', 'Events in authentic deliveries: new or duplicate.', [
      'source',
      'outcome',
    ]),
  );
  const notifications = registry.register(
    new Counter('propsync_serve_notifications_total', 'New events that asked a tenant+connection to run.', [
      'tenant',
      'connection',
    ]),
  );
  const echoes = registry.register(
    new Counter(
      'propsync_serve_echoes_total',
      "New events that asked for no run: each one the echo of the connection's own write (HubSpot).",
      ['tenant', 'connection'],
    ),
  );
  const dispatches = registry.register(
    new Counter(
      'propsync_serve_dispatches_total',
      'Runs asked for: ran (here), queued, covered (a queued job will read the change), busy, failed.',
      ['tenant', 'connection', 'outcome'],
    ),
  );
  const eventToRun = registry.register(
    new Histogram(
      'propsync_event_to_run_seconds',
      'From the first event of a debounce window to its run starting (or being queued).',
      LATENCY_BUCKETS,
    ),
  );
  const eventToSynced = registry.register(
    new Histogram(
      'propsync_event_to_synced_seconds',
      'From when the vendor says the earliest event happened to the end of the run here that read it.',
      LATENCY_BUCKETS,
    ),
  );
  const inFlight = registry.register(
    new Gauge('propsync_serve_runs_in_flight', 'Runs going in this process.'),
  );
  inFlight.set({}, 0);
  const unrouted = registry.register(
    new Counter(
      'propsync_webhook_unrouted_events_total',
      'Events of authentic deliveries no tenant+connection takes, by reason (unknown-portal).',
      ['source', 'reason'],
    ),
  );

  return {
    registry,
    rejected(source, reason) {
      deliveries.inc({ source, outcome: 'rejected' });
      rejections.inc({ source, reason });
    },
    accepted(source, counts) {
      // A delivery with no event anyone takes (unrouted) is accepted, not a duplicate.
      deliveries.inc({
        source,
        outcome: counts.fresh > 0 || counts.duplicate === 0 ? 'accepted' : 'duplicate',
      });
      if (counts.fresh > 0) events.inc({ source, outcome: 'new' }, counts.fresh);
      if (counts.duplicate > 0) events.inc({ source, outcome: 'duplicate' }, counts.duplicate);
    },
    unsecured(source) {
      deliveries.inc({ source, outcome: 'unsecured' });
    },
    notified(scope, n) {
      notifications.inc(scope, n);
    },
    echoed(scope, n) {
      echoes.inc(scope, n);
    },
    dispatched(scope, outcome, waited) {
      dispatches.inc({ ...scope, outcome });
      if (outcome !== 'busy') eventToRun.observe({}, waited);
    },
    synced(seconds) {
      eventToSynced.observe({}, Math.max(0, seconds));
    },
    setInFlight(n) {
      inFlight.set({}, n);
    },
    unrouted(source, reason, n) {
      unrouted.inc({ source, reason }, n);
    },
  };
}
