/**
 * Turns the state store's run locks into leases: taken with a short TTL and renewed while
 * this process lives. A worker killed mid-run stops renewing, so its lock lapses within one
 * TTL and the retried job can run; a live run that outlasts the job's expiry keeps its lock,
 * so pg-boss's retry of that job finds RUN_IN_PROGRESS instead of running alongside it
 * (pg-boss fails an expired job but cannot stop its handler). `propsync run` leases its locks
 * too (src/app/sync-tenant.ts): a plain TTL lapsed under a first sync that ran for hours, and
 * the next hourly run went in beside it.
 *
 * A lease is lost when a renewal finds another owner holding the lock (this process stalled past
 * the TTL: a GC pause, a frozen VM or container, and another run took over). From then on every
 * call through this store fails RUN_IN_PROGRESS: the run records nothing more (links, shadows,
 * checkpoints) over the run that took over, and its writes already sent are as a crash's. Its
 * commits and facts (setMeta) name the leases it holds, and the store checks them inside the
 * write's transaction (a takeover waits for it): a write that passed the check here and then
 * waited past the TTL finds the lock another run's and is refused. A lease
 * found lapsed at a call (the renewal timers wait for a stalled process) is checked against the
 * store before the call goes on: re-taken if the lock is free, lost if another owner holds it.
 * A run that took over and already finished is not seen; the woken run then goes on from a stale
 * plan, whose Propstreet writes meet If-Match and whose CRM updates, planned from a read older
 * than `recheckCrmAfter`, re-read the records first (crm-recheck.ts).
 */
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { LockFence, Scope, StateStore } from '../state/port.js';

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

  /** Renews a lease now (one renewal in flight a lease): lost if another owner holds the lock. */
  const renew = (k: string): Promise<void> => {
    const inFlight = renewals.get(k);
    if (inFlight) return inFlight;
    const lease = held.get(k);
    if (!lease) return Promise.resolve();
    const at = Date.now();
    const renewal = store
      .acquireLock(lease.scope, lease.owner, options.ttlMs)
      .then((still) => {
        if (!still) return lose(k, lease.scope, 'another run holds it');
        if (at - lease.since >= options.ttlMs)
          options.logger?.warn(
            { ...lease.scope, lapsedMs: at - lease.since },
            'run lock lapsed while the process stalled; no other run held it, so it is taken again',
          );
        lease.since = at;
      })
      .catch((error: unknown) => {
        options.logger?.warn(
          { ...lease.scope, err: (error as Error).message },
          'run lock renewal failed; will retry',
        );
      })
      .finally(() => {
        renewals.delete(k);
      });
    renewals.set(k, renewal);
    return renewal;
  };

  /**
   * Fails once a lease is lost. Checked at every call, since the renewal timers wait for a stalled
   * process: a lapsed lease is renewed (checked against the store) before the call goes on.
   */
  const fence = async (): Promise<void> => {
    if (lost) throw lost;
    const now = Date.now();
    const lapsed = [...held].filter(([, l]) => now - l.since >= options.ttlMs).map(([k]) => k);
    if (lapsed.length === 0) return;
    await Promise.all(lapsed.map(renew));
    if (lost) throw lost;
    // A renewal that failed leaves the lease lapsed: another run may hold the lock, so no call
    // goes on until one succeeds (the run stops here, as at any state store failure).
    const unrenewed = lapsed
      .map((k) => held.get(k))
      .find((l) => l !== undefined && now - l.since >= options.ttlMs);
    if (unrenewed)
      throw new PropsyncError(
        'STATE',
        `the run lock of ${unrenewed.scope.tenant}/${unrenewed.scope.connection} (${unrenewed.scope.kind}) lapsed and could not be renewed; this run stopped and recorded nothing more`,
      );
  };

  const acquireLock: StateStore['acquireLock'] = async (scope, owner) => {
    await fence();
    const sent = Date.now();
    const taken = await store.acquireLock(scope, owner, options.ttlMs);
    if (!taken) return false;
    const k = key(scope, owner);
    const timer = setInterval(() => {
      if (!renewals.has(k)) void renew(k);
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

  /**
   * The leases held now, checked again by the store inside the write itself: the fence above
   * is passed before the call, and a process that stalls between the two (a pause, a pool
   * whose connections are all busy) must not land a write after another run took over.
   */
  const fenceOf = (): LockFence[] => [...held.values()].map(({ scope, owner }) => ({ scope, owner }));

  const commit: StateStore['commit'] = async (scope, changes) => {
    await fence();
    await store.commit(scope, changes, fenceOf());
  };

  const setMeta: StateStore['setMeta'] = async (scope, key, value) => {
    await fence();
    await store.setMeta(scope, key, value, fenceOf());
  };

  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'acquireLock') return acquireLock;
      if (prop === 'releaseLock') return releaseLock;
      if (prop === 'close') return close;
      if (prop === 'commit') return commit;
      if (prop === 'setMeta') return setMeta;
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      // Every store method answers with a promise: a lost lease is a rejection, as any store failure.
      return (...args: unknown[]) =>
        fence().then(() => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}
