/**
 * The search filters of the delta reader's next page, and where a resumed read starts.
 *
 * Search has one sort and no keyset, so each page is a fresh query from the last timestamp
 * seen. Querying `≥ t` again would re-read every record already delivered at `t` (a batch
 * write stamps up to 100 records alike): instead the next page asks for `> t` OR (`= t` and
 * not one of the ids delivered at `t`), so no record comes twice. HubSpot allows ≤ 6 filters in
 * a group, ≤ 100 values in a `NOT_IN` and ≤ 3,000 characters of body (the search fake enforces
 * all three): as many of those ids as fit are left out by the query, and the reader skips the
 * rest itself when they come again (with none left out, the query is `≥ t`).
 */
import {
  GROUP_FILTERS,
  SEARCH_BODY_MAX,
  type SearchFilter,
  type SearchRequest,
  searchBodyLength,
  valuesWithin,
} from './hubspot-search.js';

/** What a `NOT_IN` filter with no value yet adds to a group: its JSON and a comma. */
const EMPTY_NOT_IN =
  JSON.stringify({ propertyName: 'hs_object_id', operator: 'NOT_IN', values: [] }).length + 1;

/**
 * `NOT_IN` filters of ≤ 100 ids each, at most `room` of them, holding as many of `ids` as fit in
 * `chars` more characters of body: all of them, some, or none (an empty list).
 */
export function excluding(ids: readonly string[], room: number, chars: number): SearchFilter[] {
  const out: SearchFilter[] = [];
  let left = chars;
  for (let from = 0; from < ids.length && out.length < room; ) {
    const { n, used } = valuesWithin(ids, from, left - EMPTY_NOT_IN);
    if (n === 0) break;
    out.push({ propertyName: 'hs_object_id', operator: 'NOT_IN', values: ids.slice(from, from + n) });
    from += n;
    left -= EMPTY_NOT_IN + used;
  }
  return out;
}

/** The characters left for exclusions in `request` (which has none yet). */
export const roomLeft = (request: SearchRequest): number => SEARCH_BODY_MAX - searchBodyLength(request);

export interface NextPage {
  readonly filters: SearchFilter[];
  readonly orGroups: SearchFilter[][];
}

/**
 * The live phase's next query: after `t` (strictly when `strict`), leaving out as many of
 * `delivered`, the ids already handed out at exactly `t` in this read, as the body has room for
 * (`rest`: its sort, properties and limit).
 */
export function nextLivePage(
  lastModified: string,
  t: number,
  strict: boolean,
  delivered: readonly string[],
  rest: Omit<SearchRequest, 'filters' | 'orGroups'>,
): NextPage {
  const at = (operator: 'GT' | 'GTE' | 'EQ'): SearchFilter => ({
    propertyName: lastModified,
    operator,
    value: String(t),
  });
  if (strict) return { filters: [at('GT')], orGroups: [] };
  const chars = roomLeft({ ...rest, filters: [at('GT')], orGroups: [[at('EQ')]] });
  const notIn = excluding(delivered, GROUP_FILTERS - 1, chars);
  if (notIn.length === 0) return { filters: [at('GTE')], orGroups: [] };
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
  return Math.max(0, Number.isNaN(fromMs) ? t - overlapMs : Math.min(t - overlapMs, fromMs));
}
