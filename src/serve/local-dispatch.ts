/**
 * Dispatch for one machine (SQLite state): runs the connection here, `concurrency` runs at a
 * time across all tenants. The run itself is injected (`runConnection` below is the real one);
 * its outcome says what the trigger does next: a run another process holds the lock for
 * (`skipped`) may have read before these events, so the window is offered again (`busy`).
 */
import pLimit from 'p-limit';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ConnectionScope } from '../state/port.js';
import type { JobOutcome } from '../worker/job-outcome.js';
import type { Dispatch } from './run-trigger.js';
import type { ServeMetrics } from './serve-metrics.js';

export type RunConnection = (scope: ConnectionScope) => Promise<JobOutcome>;

export interface LocalDispatchOptions {
  readonly run: RunConnection;
  /** Runs at once in this process; default 2. */
  readonly concurrency?: number;
  readonly clock: Clock;
  readonly metrics?: ServeMetrics;
  readonly logger: Logger;
}

export function createLocalDispatch(options: LocalDispatchOptions): Dispatch {
  const limit = pLimit(Math.max(1, options.concurrency ?? 2));
  let inFlight = 0;
  return (scope, window) =>
    limit(async () => {
      inFlight++;
      options.metrics?.setInFlight(inFlight);
      try {
        const outcome = await options.run(scope);
        switch (outcome.kind) {
          case 'done':
            options.metrics?.synced((options.clock.now().getTime() - window.earliest.getTime()) / 1000);
            options.logger.info(
              {
                ...scope,
                events: window.events,
                kinds: outcome.results.map((r) => ({ kind: r.kind, status: r.status, done: r.done })),
              },
              'webhook run finished',
            );
            return 'ran';
          case 'skipped':
            return 'busy';
          default:
            // Retrying at once would only meet the same rate limit or outage: the next event,
            // or the schedule, runs it again.
            options.logger.warn({ ...scope, code: outcome.code, err: outcome.message }, 'webhook run failed');
            return 'failed';
        }
      } finally {
        inFlight--;
        options.metrics?.setInFlight(inFlight);
      }
    });
}
