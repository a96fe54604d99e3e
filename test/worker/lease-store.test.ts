/**
 * The run lock as a renewed lease: held while the owner lives, freed on release or close.
 * On fake time (the store's clock and the renewal timer): a real-time version lost the lease
 * whenever a busy machine stalled the test process for longer than the TTL.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateStore } from '../../src/state/index.js';
import { withLockLease } from '../../src/worker/index.js';
import { memoryStore } from '../support/memory-store.js';

const scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };

describe('withLockLease', () => {
  let store: StateStore;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    store = await memoryStore();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store?.close();
  });

  it('renews the lock past its TTL while held, and frees it on release', async () => {
    const leased = withLockLease(store, { ttlMs: 150, renewEveryMs: 40 });
    // The engine's own TTL (an hour) is replaced by the lease's.
    expect(await leased.acquireLock(scope, 'run-1', 3_600_000)).toBe(true);
    // Past the TTL more than twice over: only renewals keep it held.
    await vi.advanceTimersByTimeAsync(400);
    expect(await store.acquireLock(scope, 'run-2', 1000)).toBe(false);
    await leased.releaseLock(scope, 'run-1');
    expect(await store.acquireLock(scope, 'run-2', 1000)).toBe(true);
  });

  it('lets the lock lapse once nobody renews it, and close() releases what a failed run left', async () => {
    const first = withLockLease(store, { ttlMs: 150, renewEveryMs: 40 });
    expect(await first.acquireLock(scope, 'run-1', 0)).toBe(true);
    await first.close();
    expect(await store.acquireLock(scope, 'run-2', 100)).toBe(true);
    // run-2 took it with a plain TTL and never renews: it lapses by itself.
    expect(await store.acquireLock(scope, 'run-3', 100)).toBe(false);
    await vi.advanceTimersByTimeAsync(150);
    expect(await store.acquireLock(scope, 'run-3', 100)).toBe(true);
  });

  it('close() tries every release and renews nothing after, when one release fails', async () => {
    const other = { ...scope, kind: 'companies' };
    // The state store refuses the first release (an outage of one statement).
    let refusals = 1;
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'releaseLock')
          return async (s: typeof scope, owner: string) => {
            if (refusals-- > 0) throw new Error('database unreachable');
            return target.releaseLock(s, owner);
          };
        return Reflect.get(target, prop, receiver);
      },
    });
    const leased = withLockLease(flaky, { ttlMs: 150, renewEveryMs: 40 });
    expect(await leased.acquireLock(scope, 'run-1', 0)).toBe(true);
    expect(await leased.acquireLock(other, 'run-1', 0)).toBe(true);
    await expect(leased.close()).rejects.toThrow('database unreachable');
    // The second lease was released; the first is no longer renewed, so it lapses.
    expect(await store.acquireLock(other, 'run-2', 1000)).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    expect(await store.acquireLock(scope, 'run-2', 1000)).toBe(true);
  });

  it('a lease found taken stops the run: every later call fails RUN_IN_PROGRESS, nothing more is recorded', async () => {
    const leased = withLockLease(store, { ttlMs: 150, renewEveryMs: 40 });
    expect(await leased.acquireLock(scope, 'run-1', 0)).toBe(true);
    // Another owner holds it (as after this process stalled and the lock lapsed to a new run).
    await store.releaseLock(scope, 'run-1');
    expect(await store.acquireLock(scope, 'run-2', 10_000)).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    await expect(leased.commit(scope, { upsertMeta: [{ key: 'k', value: 'v' }] })).rejects.toMatchObject({
      code: 'RUN_IN_PROGRESS',
      message: expect.stringMatching(/run lock of acme\/hubspot \(contacts\) was lost: another run holds it/),
    });
    await expect(leased.listLinks(scope, { limit: 1 })).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS' });
    await expect(leased.acquireLock({ ...scope, kind: 'companies' }, 'run-1', 0)).rejects.toMatchObject({
      code: 'RUN_IN_PROGRESS',
    });
    expect(await store.getMeta(scope, 'k')).toBeNull();
    // Its release leaves the new owner's lock alone.
    await leased.close();
    expect((await store.lockHolder(scope))?.owner).toBe('run-2');
  });

  it('a process that stalled past its TTL while another run took the lock stops at its next call', async () => {
    const leased = withLockLease(store, { ttlMs: 150, renewEveryMs: 40 });
    expect(await leased.acquireLock(scope, 'run-1', 0)).toBe(true);
    await leased.commit(scope, { upsertMeta: [{ key: 'k', value: 'before' }] });
    // A stall: time jumps past the TTL with no renewal run (the timers wait for the process),
    // and another run takes the lapsed lock meanwhile.
    vi.setSystemTime(Date.now() + 200);
    expect(await store.acquireLock(scope, 'run-2', 10_000)).toBe(true);
    await expect(leased.commit(scope, { upsertMeta: [{ key: 'k', value: 'after' }] })).rejects.toMatchObject({
      code: 'RUN_IN_PROGRESS',
      message: expect.stringContaining('another run holds it'),
    });
    expect(await store.getMeta(scope, 'k')).toBe('before');
    expect((await store.lockHolder(scope))?.owner).toBe('run-2');
  });

  it('a process that stalled past its TTL with the lock still free takes it again and goes on', async () => {
    const leased = withLockLease(store, { ttlMs: 150, renewEveryMs: 40 });
    expect(await leased.acquireLock(scope, 'run-1', 0)).toBe(true);
    vi.setSystemTime(Date.now() + 200);
    await leased.commit(scope, { upsertMeta: [{ key: 'k', value: 'after' }] });
    expect(await store.getMeta(scope, 'k')).toBe('after');
    // Held again: another run is refused.
    expect(await store.acquireLock(scope, 'run-2', 1_000)).toBe(false);
  });

  it('a commit past the check here that waits while another run takes the lock lands nothing', async () => {
    // The process stalls between this wrapper's check and the store (a pause, a pool with no
    // free connection): every call into the store waits at the gate, renewals too.
    let open: () => void = () => undefined;
    let gate: Promise<void> | undefined;
    const paused = new Proxy(store, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          await gate;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const leased = withLockLease(paused, { ttlMs: 150, renewEveryMs: 40 });
    expect(await leased.acquireLock(scope, 'run-1', 0)).toBe(true);
    await leased.commit(scope, {
      upsertMeta: [{ key: 'k', value: 'before' }],
      checkpoints: { propstreet: 'T1' },
    });
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const stale = leased.commit(scope, {
      upsertMeta: [{ key: 'k', value: 'stale' }],
      checkpoints: { propstreet: 'T0' },
    });
    const meta = leased.setMeta(scope, 'seen', 'stale');
    vi.setSystemTime(Date.now() + 200);
    expect(await store.acquireLock(scope, 'run-2', 10_000)).toBe(true);
    await store.commit(scope, { checkpoints: { propstreet: 'T2' } });
    gate = undefined;
    open();
    await expect(stale).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS' });
    await expect(meta).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS' });
    expect(await store.getMeta(scope, 'k')).toBe('before');
    expect(await store.getMeta(scope, 'seen')).toBeNull();
    expect(await store.getCheckpoint(scope, 'propstreet')).toBe('T2');
    expect((await store.lockHolder(scope))?.owner).toBe('run-2');
    await leased.close();
  });

  it('a lapsed lease whose renewal fails lets no call through', async () => {
    let down = false;
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'acquireLock')
          return async (...args: Parameters<StateStore['acquireLock']>) => {
            if (down) throw new Error('database unreachable');
            return target.acquireLock(...args);
          };
        return Reflect.get(target, prop, receiver);
      },
    });
    const leased = withLockLease(flaky, { ttlMs: 150, renewEveryMs: 40 });
    expect(await leased.acquireLock(scope, 'run-1', 0)).toBe(true);
    down = true;
    vi.setSystemTime(Date.now() + 200);
    await expect(leased.commit(scope, { upsertMeta: [{ key: 'k', value: 'v' }] })).rejects.toMatchObject({
      code: 'STATE',
      message: expect.stringContaining('lapsed and could not be renewed'),
    });
    expect(await store.getMeta(scope, 'k')).toBeNull();
    // Once the store answers again, the lease is taken again and calls go on.
    down = false;
    await leased.commit(scope, { upsertMeta: [{ key: 'k', value: 'v' }] });
    expect(await store.getMeta(scope, 'k')).toBe('v');
  });
});
