/**
 * Waiting on the wall clock itself, where a store or a fake stamps with it: a condition on the
 * clock, not a guess at how long a sleep must be.
 */

/**
 * Resolves once `Date.now()` is past `ms`: a lock that expires at `ms` has lapsed, and whatever
 * is stamped from now on is stamped later than `ms`.
 */
export async function clockPast(ms: number): Promise<void> {
  while (Date.now() <= ms) await new Promise((r) => setTimeout(r, ms - Date.now() + 1));
}
