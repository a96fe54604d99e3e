/**
 * The mass-delete guard's arithmetic: given how many links this run would delete, how many
 * links there are, and how many deletions earlier runs made within the window, whether the
 * run must stop before deleting, and why. Pure; the counting is the run's (mass-delete-guard.ts).
 */
import type { SyncSettings } from './types.js';

/** A run with fewer deletions than this is never stopped by the share rule alone. */
export const GUARD_MIN_DELETES = 5;

export interface DeleteCounts {
  /** Links this run would delete. */
  readonly deletes: number;
  /** Links there are now. */
  readonly links: number;
  /** Deletions recorded by earlier runs within the window. */
  readonly earlier: number;
}

/** Says why the run must stop before deleting, or undefined when it may go on. */
export function guardVerdict(
  settings: Pick<SyncSettings, 'deletes'>,
  counts: DeleteCounts,
): string | undefined {
  const { deletes, links, earlier } = counts;
  if (deletes === 0) return undefined;
  const { maxShare, maxCount } = settings.deletes;
  const force = 'rerun with --force if intended';
  const share = (n: number, of: number) =>
    `${n} of ${of} linked records (${((100 * n) / of).toFixed(1)}%), more than deletes.maxShare (${(maxShare * 100).toFixed(1)}%)`;
  if (maxCount !== undefined && deletes > maxCount)
    return `this run would delete ${deletes} records, more than deletes.maxCount (${maxCount}); ${force}`;
  if (deletes >= GUARD_MIN_DELETES && deletes > maxShare * links)
    return `this run would delete ${share(deletes, links)}; ${force}`;
  // The window: earlier runs' deletions count too, against the links there were before them.
  if (earlier === 0) return undefined;
  const total = deletes + earlier;
  const before = links + earlier;
  const lead = `this run would delete ${deletes} records after ${earlier} deleted by runs within deletes.window (${formatWindow(settings.deletes.windowMs ?? 0)})`;
  if (maxCount !== undefined && total > maxCount)
    return `${lead}: ${total}, more than deletes.maxCount (${maxCount}); ${force}`;
  if (total >= GUARD_MIN_DELETES && total > maxShare * before)
    return `${lead}: ${share(total, before)}; ${force}`;
  return undefined;
}

/** The key a deletion is recorded under: the link's Propstreet id. */
export function deletionKey(plan: { propstreetId: string | null; crmId: string | null }): string {
  return plan.propstreetId ?? `crm:${plan.crmId ?? ''}`;
}

/** `86400000` → `24h`, for messages. */
export function formatWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
