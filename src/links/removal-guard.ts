/**
 * The mass-removal guard of the links phase: the mass-delete guard's rule (engine/delete-guard.ts)
 * for employments. A CRM whose associations read empty by mistake (a permission, an API hiccup, a
 * wrong portal), a careless config or a person's bulk edit would have the phase remove hundreds of
 * employments on the other side; more than `maxCount` removals, or more than `maxShare` of the
 * employments the phase knows (its shadows; from 5 removals up), holds the phase. The same limits
 * hold over a sliding window across runs (`windowMs`, the records' `deletes.window` by default):
 * `serve` runs the phase for every few association webhooks, so a bulk removal in the CRM would
 * otherwise arrive as many small runs, each under the limits.
 */
import { formatWindow, GUARD_MIN_DELETES } from '../engine/delete-guard.js';
import type { Scope, StateStore } from '../state/port.js';
import { fromShadow } from './employments.js';
import { linkPages } from './store-lookup.js';

export interface RemovalLimits {
  /** Share of the known employments, in (0, 1]. */
  readonly maxShare: number;
  readonly maxCount: number;
  /** The sliding window the limits also hold over, in ms; 0 or none: per run only. */
  readonly windowMs?: number | undefined;
}

export interface RemovalCounts {
  /** Employments this run would remove, both sides together. */
  readonly removals: number;
  /** Employments the phase knows (every contact's shadow). */
  readonly employments: number;
  /** Removals made by earlier runs within the window (no longer in the shadows). */
  readonly earlier?: number;
}

/** Says why the phase must not remove, or undefined when it may go on. Pure. */
export function removalVerdict(limits: RemovalLimits, counts: RemovalCounts): string | undefined {
  const { removals } = counts;
  if (removals === 0) return undefined;
  const force = 'rerun with --force if intended';
  const share = (n: number, of: number) =>
    `${n} of ${of} known employments (${((100 * n) / of).toFixed(1)}%), more than deletes.maxShare (${(limits.maxShare * 100).toFixed(1)}%)`;
  if (removals > limits.maxCount)
    return `this run would remove ${removals} employments (contact–company links), more than deletes.maxCount (${limits.maxCount}); ${force}`;
  // Removals are of pairs in the shadows, so they never outnumber them; a shadow read short must not divide by zero.
  const of = Math.max(counts.employments, removals);
  if (removals >= GUARD_MIN_DELETES && removals > limits.maxShare * of)
    return `this run would remove ${share(removals, of)}; ${force}`;
  // The window: earlier runs' removals count too, against the employments there were before them.
  const earlier = counts.earlier ?? 0;
  if (earlier === 0) return undefined;
  const total = removals + earlier;
  const before = of + earlier;
  const lead = `this run would remove ${removals} employments after ${earlier} removed by runs within deletes.window (${formatWindow(limits.windowMs ?? 0)})`;
  if (total > limits.maxCount)
    return `${lead}: ${total}, more than deletes.maxCount (${limits.maxCount}); ${force}`;
  if (total >= GUARD_MIN_DELETES && total > limits.maxShare * before)
    return `${lead}: ${share(total, before)}; ${force}`;
  return undefined;
}

/** Employments in the links scope's shadows, read page by page (only asked when there are removals). */
export async function knownEmployments(store: StateStore, scope: Scope): Promise<number> {
  let n = 0;
  for await (const page of linkPages(store, scope))
    for (const l of page) n += fromShadow(l.shadow)?.companies.size ?? 0;
  return n;
}
