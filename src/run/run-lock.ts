/**
 * The per tenant+connection run lock. Its owner names the host and process, so a run can
 * take over at once from a run on this host whose process is gone (SIGKILL, OOM, power
 * cut) instead of waiting out the lock's TTL. Elsewhere the TTL (or a worker's lease) rules.
 */
import { hostname } from 'node:os';
import type { Scope, StateStore } from '../state/port.js';

export function lockOwner(runId: string): string {
  return `${hostname()}|${process.pid}|${runId}`;
}

/** True when `owner` is a process on this host that no longer exists. */
export function ownerIsGone(owner: string): boolean {
  const [host, pidText] = owner.split('|');
  return host === hostname() && processIsGone(Number(pidText));
}

/** True when no process with this pid exists on this host (never for our own pid). */
export function processIsGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function takeRunLock(
  store: StateStore,
  scope: Scope,
  owner: string,
  ttlMs: number,
): Promise<boolean> {
  if (await store.acquireLock(scope, owner, ttlMs)) return true;
  const holder = await store.lockHolder(scope);
  if (!holder || !ownerIsGone(holder.owner)) return false;
  await store.releaseLock(scope, holder.owner);
  return store.acquireLock(scope, owner, ttlMs);
}
