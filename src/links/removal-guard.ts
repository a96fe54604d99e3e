/**
 * The mass-removal guard of the links phase: the mass-delete guard's rule (engine/delete-guard.ts)
 * for employments. A CRM whose associations read empty by mistake (a permission, an API hiccup, a
 * wrong portal), a careless config or a person's bulk edit would have the phase remove hundreds of
 * employments on the other side; more than `maxCount` removals, or more than `maxShare` of the
 * employments the phase knows (its shadows; from 5 removals up), holds the phase. Per run only:
 * the records' sliding window (`deletes.window`) does not count removals.
 */
import { GUARD_MIN_DELETES } from '../engine/delete-guard.js';
import type { Scope, StateStore } from '../state/port.js';
import { fromShadow } from './employments.js';
import { linkPages } from './store-lookup.js';

export interface RemovalLimits {
  /** Share of the known employments, in (0, 1]. */
  readonly maxShare: number;
  readonly maxCount: number;
}

export interface RemovalCounts {
  /** Employments this run would remove, both sides together. */
  readonly removals: number;
  /** Employments the phase knows (every contact's shadow). */
  readonly employments: number;
}

/** Says why the phase must not remove, or undefined when it may go on. Pure. */
export function removalVerdict(limits: RemovalLimits, counts: RemovalCounts): string | undefined {
  const { removals } = counts;
  if (removals === 0) return undefined;
  const force = 'rerun with --force if intended';
  if (removals > limits.maxCount)
    return `this run would remove ${removals} employments (contact–company links), more than deletes.maxCount (${limits.maxCount}); ${force}`;
  // Removals are of pairs in the shadows, so they never outnumber them; a shadow read short must not divide by zero.
  const of = Math.max(counts.employments, removals);
  if (removals >= GUARD_MIN_DELETES && removals > limits.maxShare * of)
    return `this run would remove ${removals} of ${of} known employments (${((100 * removals) / of).toFixed(1)}%), more than deletes.maxShare (${(limits.maxShare * 100).toFixed(1)}%); ${force}`;
  return undefined;
}

/** Employments in the links scope's shadows, read page by page (only asked when there are removals). */
export async function knownEmployments(store: StateStore, scope: Scope): Promise<number> {
  let n = 0;
  for await (const page of linkPages(store, scope))
    for (const l of page) n += fromShadow(l.shadow)?.companies.size ?? 0;
  return n;
}
