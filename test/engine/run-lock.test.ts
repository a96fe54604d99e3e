import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockOwner, ownerIsGone, takeRunLock } from '../../src/run/run-lock.js';
import type { StateStore } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';

const scope = { tenant: 't', connection: 'c', kind: 'contacts' };
/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('run lock', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = await memoryStore();
  });
  afterEach(async () => store.close());

  it('is refused while a live process on this host holds it', async () => {
    expect(await takeRunLock(store, scope, lockOwner('a'), 60_000)).toBe(true);
    // Same process, another run: alive, so refused.
    expect(await takeRunLock(store, scope, lockOwner('b'), 60_000)).toBe(false);
    expect((await store.lockHolder(scope))?.owner).toBe(lockOwner('a'));
  });

  /** This host as a lock owner names it (hostname and PID namespace). */
  const here = lockOwner('x').split('|')[0] ?? '';

  it('is taken over at once from a run whose process on this host is gone', async () => {
    const gone = `${here}|${deadPid()}|crashed-run`;
    expect(ownerIsGone(gone)).toBe(true);
    expect(await store.acquireLock(scope, gone, 60 * 60_000)).toBe(true);
    expect(await takeRunLock(store, scope, lockOwner('next'), 60_000)).toBe(true);
    expect((await store.lockHolder(scope))?.owner).toBe(lockOwner('next'));
  });

  it('is not taken from a process on another host before its TTL', async () => {
    const elsewhere = `some-other-host|${deadPid()}|run`;
    expect(ownerIsGone(elsewhere)).toBe(false);
    await store.acquireLock(scope, elsewhere, 60 * 60_000);
    expect(await takeRunLock(store, scope, lockOwner('x'), 60_000)).toBe(false);
  });

  it('is not taken from a dead pid of another PID namespace on a host of the same name (containers)', async () => {
    expect(here).toMatch(new RegExp(`^${hostname()}/pid:\\[\\d+\\]$`));
    // Another container with this hostname: its pid means nothing here.
    const container = `${hostname()}/pid:[1]|${deadPid()}|run`;
    // Written by a version that named the hostname alone: not known to be this namespace's.
    const older = `${hostname()}|${deadPid()}|run`;
    for (const owner of [container, older]) {
      expect(ownerIsGone(owner)).toBe(false);
      await store.releaseLock(scope, (await store.lockHolder(scope))?.owner ?? '');
      await store.acquireLock(scope, owner, 60 * 60_000);
      expect(await takeRunLock(store, scope, lockOwner('y'), 60_000)).toBe(false);
    }
  });
});
