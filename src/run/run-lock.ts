/**
 * The per tenant+connection run lock. Its owner names the host and process, so a run can
 * take over at once from a run on this host whose process is gone (SIGKILL, OOM, power
 * cut) instead of waiting out the lock's TTL. Elsewhere the TTL (or a worker's lease) rules.
 *
 * "This host" is the hostname and, on Linux, the PID namespace: containers that share a
 * hostname (host networking, a hostname set alike) each have their own pids, so a pid missing
 * here may be a live run there. Without the namespace such a container took a live run's lock
 * and ran beside it.
 */
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Scope, StateStore } from '../state/port.js';

/** The hostname and the PID namespace (`pid:[inode]`) where the system shows it. */
function hostIdentity(): string {
  try {
    return `${hostname()}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return hostname();
  }
}

const HOST = hostIdentity();

export function lockOwner(runId: string): string {
  return `${HOST}|${process.pid}|${runId}`;
}

/**
 * True when `owner` is a process of this host and PID namespace that no longer exists. An owner
 * written by another namespace, or by a version that did not name it, is never taken for gone.
 */
export function ownerIsGone(owner: string): boolean {
  const [host, pidText] = owner.split('|');
  return host === HOST && processIsGone(Number(pidText));
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
