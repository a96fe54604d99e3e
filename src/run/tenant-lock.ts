/**
 * The tenant lock of a bridge (a tenant with more than one connection). Its connections share
 * one Propstreet organisation: a company or contact a user adds in HubSpot and in Salesforce
 * is created in Propstreet by the first connection's run and paired (by domain, by email) by
 * the next one's, which reads Propstreet after that create. Two connections' runs side by side
 * both read before either creates, and each creates its own copy. `propsync run` runs them
 * one after the other; `serve` and the workers run one connection per run, so every
 * writing run of a bridge holds this lock: its connections take turns, wherever they run.
 *
 * The lock lives in the state store, next to the per-connection run locks, on a scope no
 * connection can have (`*` is not a connection name): a worker's lease renews it, and a run on
 * this host whose process is gone is taken over at once.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TenantConfig } from '../config/index.js';
import { PropsyncError } from '../core/errors.js';
import type { Scope, StateStore } from '../state/port.js';
import { lockOwner, takeRunLock } from './run-lock.js';

export const tenantLockScope = (tenant: string): Scope => ({ tenant, connection: '*', kind: 'tenant' });

/** Whether runs of this tenant take turns: only a bridge's connections can race each other. */
export const needsTenantLock = (config: TenantConfig): boolean => config.connections.length > 1;

export interface TenantLockOptions {
  /**
   * The connections this run runs, named in the lock's owner: a holder running one of them is
   * that connection's own run (say, the pg-boss retry of a job whose first attempt still runs),
   * which the run lock's answer covers: RUN_IN_PROGRESS at once, not retryable.
   */
  readonly connections: readonly string[];
  /** How long to wait for the other run to end before giving up; 0 (default) gives up at once. */
  readonly waitMs?: number;
}

/** The lock's TTL as the run lock's; the lease of the store it is taken on replaces it. */
const TTL_MS = 60 * 60_000;
/** How often a waiting run asks again. */
const POLL_MS = 1000;

/** A held tenant lock. */
export interface TenantLock {
  release(): Promise<void>;
}

/**
 * Takes the tenant lock, waiting up to `waitMs` for the run that holds it. Throws
 * RUN_IN_PROGRESS, marked retryable (the holder ends; nothing needs changing), when it is
 * still held then.
 */
export async function takeTenantLock(
  store: StateStore,
  tenant: string,
  options: TenantLockOptions,
): Promise<TenantLock> {
  const scope = tenantLockScope(tenant);
  const owner = lockOwner(`tenant:${options.connections.join(',')}:${randomUUID()}`);
  const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
  for (;;) {
    if (await takeRunLock(store, scope, owner, TTL_MS))
      return { release: () => store.releaseLock(scope, owner) };
    const holder = await store.lockHolder(scope);
    const same = holder
      ? connectionsOf(holder.owner).find((c) => options.connections.includes(c))
      : undefined;
    if (same !== undefined)
      throw new PropsyncError('RUN_IN_PROGRESS', `another run of ${tenant}/${same} is in progress`);
    const left = deadline - Date.now();
    if (left <= 0)
      throw new PropsyncError(
        'RUN_IN_PROGRESS',
        `another run of tenant ${tenant} is in progress (a tenant's connections take turns: they share its Propstreet organisation)`,
        { retryable: true },
      );
    await sleep(Math.min(POLL_MS, left));
  }
}

/** The connections a tenant lock's owner (`host|pid|tenant:<a,b>:<uuid>`) says its run runs. */
function connectionsOf(owner: string): string[] {
  const runId = owner.split('|')[2] ?? '';
  const m = /^tenant:([^:]*):/.exec(runId);
  return m?.[1] ? m[1].split(',') : [];
}
