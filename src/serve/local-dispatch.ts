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
  // A tenant's connections take turns (src/run/tenant-lock.ts): a Propstreet webhook asks for
  // all of them at once. The turn is taken before a run slot, so a waiting connection holds
  // none and other tenants run meanwhile. One per configured tenant, kept.
  const turns = new Map<string, ReturnType<typeof pLimit>>();
  const turnOf = (tenant: string) => {
    let turn = turns.get(tenant);
    if (!turn) {
      turn = pLimit(1);
      turns.set(tenant, turn);
    }
    return turn;
  };
  let inFlight = 0;
  const dispatch: Dispatch = (scope, window) =>
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
            // Another process's run of this tenant (a worker, `propsync run`) holds its lock.
            if (outcome.code === 'RUN_IN_PROGRESS') return 'busy';
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
  return (scope, window) => turnOf(scope.tenant)(() => dispatch(scope, window));
}
