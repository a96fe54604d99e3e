/**
 * After the whole read, before any deletion is planned: counts the links this run's staged
 * deletions would delete and asks the guard (engine/delete-guard.ts) whether the run may go on.
 * A tripped guard stops a real run before it plans what is left (the chunks streamed while the
 * pages came in held no deletion: stream-plan.ts); a dry run plans on and marks the held deletes. Deletions
 * an operator let through with --force are accepted: they (and those before them) no longer
 * count against later runs.
 */

import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { guardVerdict } from '../engine/delete-guard.js';
import type { RunAbort } from '../engine/run-abort.js';
import type { SyncSettings } from '../engine/types.js';
import type { Scope, StateStore } from '../state/port.js';
import { DeleteWindow } from './delete-window.js';
import type { Staging } from './staging.js';
import type { StateWrites } from './state-writes.js';

export interface GuardedDeletes {
  /** Where the run records its deletions before sending them; none when not kept. */
  readonly window: DeleteWindow | undefined;
  /** The guard holds this run's deletes: planned and marked, never executed. */
  readonly held: boolean;
}

export async function guardDeletes(
  settings: SyncSettings,
  run: {
    readonly store: StateStore;
    readonly writes: StateWrites;
    readonly scope: Scope;
    readonly staging: Pick<Staging, 'deletedIds'>;
    readonly now: Date;
    readonly force: boolean;
    readonly abort: RunAbort;
    readonly log: Logger;
    /**
     * Links there were when the run started: the share is of those, not of the links the run's
     * earlier chunks created while the pages came in (stream-plan.ts).
     */
    readonly linksAtStart: number;
  },
): Promise<GuardedDeletes> {
  const windowMs = settings.deletes.windowMs ?? 0;
  const window =
    windowMs > 0 ? await DeleteWindow.load(run.store, run.scope, windowMs, run.now, run.writes) : undefined;
  if (window && !window.readable)
    run.log.warn('the record of recent deletions was unreadable; the deletion window starts afresh');
  const deleting = await linksDeleted(settings, run.store, run.scope, run.staging);
  const guard = guardVerdict(settings, {
    deletes: deleting.size,
    links: run.linksAtStart,
    earlier: window?.othersThan(deleting) ?? 0,
  });
  if (!guard) return { window, held: false };
  if (run.force) {
    await window?.clear();
    return { window: undefined, held: false };
  }
  run.abort.stop(new PropsyncError('MASS_DELETE_GUARD', guard));
  run.log.warn({ guard }, 'mass-delete guard');
  return { window, held: true };
}

/** Links (by Propstreet id) the staged deletions would delete under the tenant's policies. */
async function linksDeleted(
  settings: SyncSettings,
  store: StateStore,
  scope: Scope,
  staging: Pick<Staging, 'deletedIds'>,
): Promise<Set<string>> {
  // Count links, not records: a pair deleted on both sides only ends its link.
  const psGone = new Set<string>();
  const crmGone = new Set<string>();
  for (const ids of staging.deletedIds('ps', 500))
    for (const l of await store.linksByPropstreetIds(scope, ids)) psGone.add(l.propstreetId);
  for (const ids of staging.deletedIds('crm', 500))
    for (const l of await store.linksByCrmIds(scope, ids)) crmGone.add(l.propstreetId);
  const deleting = new Set<string>();
  const { fromPropstreet, fromCrm } = settings.deletes;
  if (fromPropstreet === 'archive' || fromPropstreet === 'delete')
    for (const id of psGone) if (!crmGone.has(id)) deleting.add(id);
  if (fromCrm === 'delete') for (const id of crmGone) if (!psGone.has(id)) deleting.add(id);
  return deleting;
}
