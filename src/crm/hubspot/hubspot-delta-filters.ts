/**
 * The search filters of the delta reader's next page, and where a resumed read starts.
 *
 * Search has one sort and no keyset, so each page is a fresh query from the last timestamp
 * seen. Querying `≥ t` again would re-read every record already delivered at `t` (a batch
 * write stamps up to 100 records alike): instead the next page asks for `> t` OR (`= t` and
 * not one of the ids delivered at `t`), so no record comes twice. HubSpot allows ≤ 10 filters
 * in a group and ≤ 100 values in a `NOT_IN` (the search fake enforces both): past that many
 * ids at one timestamp the query falls back to `≥ t` and the reader skips repeats itself.
 */
import type { SearchFilter } from './hubspot-search.js';

const NOT_IN_VALUES = 100;
/** Filters a group may hold (HubSpot: 10), less the timestamp filters beside the exclusions. */
const GROUP_FILTERS = 10;

/** Ids in `NOT_IN` filters of ≤ 100 values each; undefined when they do not fit in `room` filters. */
export function excluding(ids: readonly string[], room: number): SearchFilter[] | undefined {
  if (ids.length > room * NOT_IN_VALUES) return undefined;
  const out: SearchFilter[] = [];
  for (let i = 0; i < ids.length; i += NOT_IN_VALUES)
    out.push({ propertyName: 'hs_object_id', operator: 'NOT_IN', values: ids.slice(i, i + NOT_IN_VALUES) });
  return out;
}

export interface NextPage {
  readonly filters: SearchFilter[];
  readonly orGroups: SearchFilter[][];
}

/**
 * The live phase's next query: after `t` (strictly when `strict`), leaving out `delivered`,
 * the ids already handed out at exactly `t` in this read.
 */
export function nextLivePage(
  lastModified: string,
  t: number,
  strict: boolean,
  delivered: readonly string[],
): NextPage {
  const at = (operator: 'GT' | 'GTE' | 'EQ'): SearchFilter => ({
    propertyName: lastModified,
    operator,
    value: String(t),
  });
  if (strict) return { filters: [at('GT')], orGroups: [] };
  const notIn = delivered.length === 0 ? undefined : excluding(delivered, GROUP_FILTERS - 1);
  if (!notIn) return { filters: [at('GTE')], orGroups: [] };
  return { filters: [at('GT')], orGroups: [[at('EQ'), ...notIn]] };
}

/** Room for exclusions in a tie query (beside `= t` and `id > cursor`). */
export const TIE_EXCLUSION_ROOM = GROUP_FILTERS - 2;

/**
 * Where a resumed read starts, before the checkpoint's `t`: `t − overlap`, or the run's `from`
 * (its deferred overlap window, src/run/quiet-window.ts) when given; never after `t`.
 */
export function windowStart(t: number, overlapMs: number, from: string | undefined): number {
  const fromMs = from === undefined ? Number.NaN : Date.parse(from);
  return Math.max(0, Number.isNaN(fromMs) ? t - overlapMs : Math.min(t, fromMs));
}
