/**
 * Salesforce Change Data Capture in `serve`'s /metrics, beside the webhook series
 * (serve-metrics.ts), in the same registry.
 */
import type { StreamEvent } from '../crm/salesforce/change-stream.js';
import type { ConnectionScope } from '../state/port.js';
import { Counter, type Registry } from '../worker/prometheus.js';

export type CdcObserver = (scope: ConnectionScope, event: StreamEvent) => void;

export function createCdcMetrics(registry: Registry): CdcObserver {
  const events = registry.register(
    new Counter(
      'propsync_cdc_events_total',
      'Salesforce change events received: accepted (asked for a run), own-write (our own change: no run), duplicate (replayed), refused.',
      ['tenant', 'connection', 'outcome'],
    ),
  );
  const resets = registry.register(
    new Counter(
      'propsync_cdc_replay_resets_total',
      'Subscriptions started from new events only, with one run to catch up: expired (past the 72 h retention) or no-position.',
      ['tenant', 'connection', 'reason'],
    ),
  );
  const restarts = registry.register(
    new Counter(
      'propsync_cdc_reconnects_total',
      'Streaming clients started again: transport (dropped connection) or auth (session rejected).',
      ['tenant', 'connection', 'reason'],
    ),
  );
  return (scope, event) => {
    const labels = { tenant: scope.tenant, connection: scope.connection };
    if (event.type === 'event') events.inc({ ...labels, outcome: event.outcome });
    else if (event.type === 'reset') resets.inc({ ...labels, reason: event.reason });
    else restarts.inc({ ...labels, reason: event.reason });
  };
}
