/**
 * Turns the state store's run locks into leases: taken with a short TTL and renewed while
 * this process lives. A worker killed mid-run stops renewing, so its lock lapses within one
 * TTL and the retried job can run; a live run that outlasts the job's expiry keeps its lock,
 * so pg-boss's retry of that job finds RUN_IN_PROGRESS instead of running alongside it
 * (pg-boss fails an expired job but cannot stop its handler). `propsync run` leases its locks
 * too (src/app/sync-tenant.ts): a plain TTL lapsed under a first sync that ran for hours, and
 * the next hourly run went in beside it.
 */
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
  const held = new Map<string, { scope: Scope; owner: string }>();
  const key = (scope: Scope, owner: string) => `${scope.tenant}/${scope.connection}/${scope.kind}/${owner}`;

  const stopRenewing = (k: string) => {
    clearInterval(timers.get(k));
    timers.delete(k);
  };

  const acquireLock: StateStore['acquireLock'] = async (scope, owner) => {
    const taken = await store.acquireLock(scope, owner, options.ttlMs);
    if (!taken) return false;
    const k = key(scope, owner);
    const timer = setInterval(() => {
      if (renewals.has(k)) return;
      const renewal = store
        .acquireLock(scope, owner, options.ttlMs)
        .then((still) => {
          if (still) return;
          // Only after this process stalled past the TTL: another run may have started.
          options.logger?.error({ ...scope }, 'run lock lost to another owner; this run no longer holds it');
          stopRenewing(k);
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
    held.set(k, { scope, owner });
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
      return Reflect.get(target, prop, receiver);
    },
  });
}
