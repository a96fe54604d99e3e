/**
 * Turns the state store's run locks into leases: taken with a short TTL and renewed while
 * this process lives. A worker killed mid-run stops renewing, so its lock lapses within one
 * TTL and the retried job can run; a live run that outlasts the job's expiry keeps its lock,
 * so pg-boss's retry of that job finds RUN_IN_PROGRESS instead of running alongside it
 * (pg-boss fails an expired job but cannot stop its handler). `propsync run` leases its locks
 * too (src/app/sync-tenant.ts): a plain TTL lapsed under a first sync that ran for hours, and
 * the next hourly run went in beside it.
 *
 * A lease is lost when a renewal finds the lock taken, or comes later than the TTL (the process
 * stalled: a GC pause, a frozen VM or container), even if the lock is free again by then: another
 * run may have done this run's work meanwhile, and this run's plan is stale. From then on every
 * call through this store fails RUN_IN_PROGRESS, checked at the call itself so a resumed process
 * stops at its next state access rather than at its next renewal: it records nothing more
 * (links, shadows, checkpoints), and its writes already sent are as a crash's.
 */
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Scope, StateStore } from '../state/port.js';

export interface LeaseOptions {
  /** Lock TTL: how long a crashed worker can keep a tenant+connection's object kind locked. */
  readonly ttlMs: number;
  /** Renewal period; default a third of the TTL, so one slow renewal does not lose it. */
  readonly renewEveryMs?: number;
  readonly logger?: Logger;
}

/**
 * The same store, with `acquireLock`'s TTL replaced by a renewed lease. One per job:
 * `close()` releases the leases still held (a run that threw never released its lock) and
 * leaves the store itself open.
 */
export function withLockLease(store: StateStore, options: LeaseOptions): StateStore {
  const renewEvery = options.renewEveryMs ?? Math.max(50, Math.floor(options.ttlMs / 3));
  const timers = new Map<string, NodeJS.Timeout>();
  /** A renewal in flight per lease: a release waits for it, or it could re-take the lock. */
  const renewals = new Map<string, Promise<void>>();
  /** Each lease's scope, owner and when its last good renewal was sent (its TTL runs from then). */
  const held = new Map<string, { scope: Scope; owner: string; since: number }>();
  let lost: PropsyncError | undefined;
  const key = (scope: Scope, owner: string) => `${scope.tenant}/${scope.connection}/${scope.kind}/${owner}`;

  const stopRenewing = (k: string) => {
    clearInterval(timers.get(k));
    timers.delete(k);
  };

  const lose = (k: string, scope: Scope, why: string) => {
    stopRenewing(k);
    if (lost) return;
    options.logger?.error({ ...scope }, `run lock lost: ${why}; this run stops and records nothing more`);
    lost = new PropsyncError(
      'RUN_IN_PROGRESS',
      `the run lock of ${scope.tenant}/${scope.connection} (${scope.kind}) was lost: ${why}; this run stopped and recorded nothing more`,
    );
  };

  /** Fails once any lease is lost or has lapsed (checked at every call: timers wait for a stalled process). */
  const fence = () => {
    const now = Date.now();
    for (const [k, l] of held)
      if (now - l.since >= options.ttlMs) lose(k, l.scope, 'it lapsed while the process stalled');
    if (lost) throw lost;
  };

  const acquireLock: StateStore['acquireLock'] = async (scope, owner) => {
    fence();
    const sent = Date.now();
    const taken = await store.acquireLock(scope, owner, options.ttlMs);
    if (!taken) return false;
    const k = key(scope, owner);
    const timer = setInterval(() => {
      if (renewals.has(k)) return;
      const lease = held.get(k);
      const at = Date.now();
      // Renewed too late, the lock may have been another run's in between: never taken back.
      if (!lease || at - lease.since >= options.ttlMs) {
        lose(k, scope, 'it lapsed while the process stalled');
        return;
      }
      const renewal = store
        .acquireLock(scope, owner, options.ttlMs)
        .then((still) => {
          if (still) {
            lease.since = at;
            return;
          }
          lose(k, scope, 'another run holds it');
        })
        .catch((error: unknown) => {
          options.logger?.warn(
            { ...scope, err: (error as Error).message },
            'run lock renewal failed; will retry',
          );
        })
        .finally(() => {
          renewals.delete(k);
        });
      renewals.set(k, renewal);
    }, renewEvery);
    timer.unref();
    timers.set(k, timer);
    held.set(k, { scope, owner, since: sent });
    return true;
  };

  const releaseLock: StateStore['releaseLock'] = async (scope, owner) => {
    const k = key(scope, owner);
    stopRenewing(k);
    held.delete(k);
    await renewals.get(k);
    await store.releaseLock(scope, owner);
  };

  const close: StateStore['close'] = async () => {
    const leases = [...held.values()];
    // No lease is renewed past close, whichever release fails; each is tried.
    for (const { scope, owner } of leases) stopRenewing(key(scope, owner));
    let failed: unknown;
    for (const { scope, owner } of leases)
      await releaseLock(scope, owner).catch((error: unknown) => {
        failed ??= error;
      });
    if (failed !== undefined) throw failed;
  };

  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'acquireLock') return acquireLock;
      if (prop === 'releaseLock') return releaseLock;
      if (prop === 'close') return close;
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      // Every store method answers with a promise: a lost lease is a rejection, as any store failure.
      return (...args: unknown[]) => {
        try {
          fence();
        } catch (error) {
          return Promise.reject(error);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
