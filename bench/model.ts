/**
 * What a run should cost at best, and how its cost compares: the optimum call counts (full
 * batches, full pages), the rate-limit bound `max over APIs (calls / rate)`, a naive
 * one-call-per-record baseline, and projections to larger N from measured calls per record.
 */
import { sharedPacing } from '../src/propstreet/rate-budget.js';
import type { RunSummary } from './jobs.js';

export type Api = 'propstreet' | 'hubspot' | 'salesforce' | 'memcrm';
/** Calls by kind; `429:<kind>` counts the rate-limited answers among them. */
export type CallCounts = Record<string, number>;
export type ApiCalls = Partial<Record<Api, CallCounts>>;

/** Real limits, per second. Salesforce has no rate limit, only a daily allowance. */
export const RATES = { propstreet: 600 / 60, hubspotGeneral: 190 / 10, hubspotSearch: 5 } as const;
/**
 * The pace propsync's Propstreet client keeps at the bench tenant's 600/min: the shared budget's
 * (src/propstreet/rate-budget.ts sharedPacing; SQLite state shares it too since 12-03), a
 * little under the limit to leave room for requests that reach the server late.
 */
export const PROPSTREET_PACED_PER_S = 1_000 / sharedPacing(600).intervalMs;
/** Enterprise edition without extra licences. */
const SALESFORCE_DAILY = 100_000;

const BATCH: Record<Api, { write: number; page: number }> = {
  propstreet: { write: 1, page: 500 },
  hubspot: { write: 100, page: 200 },
  salesforce: { write: 200, page: 2000 },
  memcrm: { write: 100, page: 200 },
};

const READ_KINDS = new Set(['list', 'get', 'search', 'read', 'query', 'lookup', 'meta']);

function sumKinds(c: CallCounts | undefined, pick: (kind: string) => boolean): number {
  let s = 0;
  for (const [k, v] of Object.entries(c ?? {})) if (!k.startsWith('429:') && pick(k)) s += v;
  return s;
}

export const reads = (c: CallCounts | undefined) => sumKinds(c, (k) => READ_KINDS.has(k));
export const writes = (c: CallCounts | undefined) => sumKinds(c, (k) => k === 'write');
export const all = (c: CallCounts | undefined) => sumKinds(c, () => true);
export const rejected = (c: CallCounts | undefined) =>
  Object.entries(c ?? {}).reduce((s, [k, v]) => (k.startsWith('429:') ? s + v : s), 0);

export interface Optimum {
  readonly reads: number;
  readonly writes: number;
}

/** The records a run wrote, or (dry run) would write. */
function effect(s: RunSummary, dryRun: boolean) {
  return dryRun ? s.planned : s.done;
}

/** Records each side's delta must deliver: what changed there since the previous run. */
export interface Delta {
  readonly propstreet: number;
  readonly crm: number;
}

/** Propstreet writes a run made (each comes back in the next delta): values, creates, deletes, refs. */
export function propstreetWrites(d: RunSummary['done']): number {
  return d.create.propstreet + d.update.propstreet + d.delete.propstreet + d.create.crm + d.link;
}

/** CRM records a run wrote: creates, updates, deletes, and the key on records created in Propstreet. */
export function crmWrites(d: RunSummary['done']): number {
  return d.create.crm + d.update.crm + d.delete.crm + d.create.propstreet;
}

/**
 * Fewest calls that do this run's work: pages full of the records that changed (`delta`;
 * by default what was pulled), every batch full (one kind of CRM write per call), one
 * Propstreet write per record that needs one (creates 100 a call with the opt-in batch upsert).
 */
export function optimum(
  api: Api,
  s: RunSummary,
  o: { dryRun: boolean; incremental: boolean; delta?: Delta | undefined; batchUpsert?: boolean },
): Optimum {
  const d = effect(s, o.dryRun);
  const ceil = (x: number, b: number) => Math.ceil(x / b);
  const delta = o.delta ?? s.pulled;
  if (api === 'propstreet') {
    // With the batch upsert, creates go 100 a call (BatchUpsertContactsRequest's maximum).
    const writes = o.batchUpsert
      ? propstreetWrites(d) - d.create.propstreet + ceil(d.create.propstreet, 100)
      : propstreetWrites(d);
    return { reads: Math.max(1, ceil(delta.propstreet, 500)), writes: o.dryRun ? 0 : writes };
  }
  const b = BATCH[api];
  const writes =
    ceil(d.create.crm, b.write) +
    ceil(d.update.crm + d.create.propstreet, b.write) +
    ceil(d.delete.crm, b.write);
  // HubSpot search never returns archived records: an incremental read lists them (1 page at least).
  const archived = api === 'hubspot' && o.incremental ? 1 : 0;
  return { reads: Math.max(1, ceil(delta.crm, b.page)) + archived, writes: o.dryRun ? 0 : writes };
}

export const ratio = (measured: number, best: number): number | null =>
  best === 0 ? (measured === 0 ? 1 : null) : measured / best;

/** Seconds the rate limits alone force on these calls (rejected calls excluded: they do not count). */
export function rateBoundS(calls: ApiCalls): number {
  const ps = all(calls.propstreet) - rejected(calls.propstreet);
  const hs = calls.hubspot;
  const search = sumKinds(hs, (k) => k === 'search');
  const general = all(hs) - search - rejected(hs);
  return Math.max(ps / RATES.propstreet, general / RATES.hubspotGeneral, search / RATES.hubspotSearch);
}

/** Each API's own bound: the CRM's work alone (HubSpot) and Propstreet's (reads and write-backs). */
export function apiBoundsS(calls: ApiCalls): { propstreet: number; hubspot: number } {
  const ps = all(calls.propstreet) - rejected(calls.propstreet);
  const hs = calls.hubspot;
  const search = sumKinds(hs, (k) => k === 'search');
  const general = all(hs) - search - rejected(hs);
  return {
    propstreet: ps / RATES.propstreet,
    hubspot: Math.max(general / RATES.hubspotGeneral, search / RATES.hubspotSearch),
  };
}

/** The same bound for optimum counts (HubSpot reads are search pages, plus the archived list). */
export function optimumBoundS(best: Partial<Record<Api, Optimum>>): number {
  const ps = best.propstreet ? best.propstreet.reads + best.propstreet.writes : 0;
  const hs = best.hubspot;
  return Math.max(
    ps / RATES.propstreet,
    hs ? hs.writes / RATES.hubspotGeneral : 0,
    hs ? hs.reads / RATES.hubspotSearch : 0,
  );
}

export interface Naive {
  readonly calls: Partial<Record<Api, number>>;
  readonly seconds: number;
  readonly method: string;
}

/**
 * One call per record, APIs one after the other: every record read, looked up, written and
 * written back alone. Time = the larger of the summed round trips (nothing overlaps) and
 * each API's own rate bound (single-record HubSpot calls use the general bucket).
 */
export function naiveBaseline(
  crm: 'hubspot' | 'salesforce',
  s: RunSummary,
  rttMs: Partial<Record<Api, number>>,
): Naive {
  const d = s.done;
  const lookups = d.create.crm + d.link;
  const calls: Partial<Record<Api, number>> = {
    propstreet:
      Math.max(1, s.pulled.propstreet) + d.create.propstreet + d.update.propstreet + d.create.crm + d.link,
    [crm]:
      Math.max(1, s.pulled.crm) + lookups + d.create.crm + d.update.crm + d.create.propstreet + d.delete.crm,
  };
  const latencyS = Object.entries(calls).reduce(
    (sum, [api, n]) => sum + ((n ?? 0) * (rttMs[api as Api] ?? 0)) / 1000,
    0,
  );
  const rateS = Math.max(
    (calls.propstreet ?? 0) / RATES.propstreet,
    crm === 'hubspot' ? (calls.hubspot ?? 0) / RATES.hubspotGeneral : 0,
  );
  return {
    calls,
    seconds: Math.max(latencyS, rateS),
    method: 'computed: naive calls × probed mean round trip, or the rate bound when larger',
  };
}

export interface Projection {
  readonly n: number;
  /** Rate-limit bound with the measured calls per record. */
  readonly boundS: number;
  /** With optimum calls per record. */
  readonly optimumBoundS: number;
  /** Salesforce: share of the org's daily allowance (Enterprise, 100k) the run would use. */
  readonly salesforceDailyShare?: number;
}

/** Scales measured calls per record to larger N (valid for runs whose calls grow with N). */
export function project(
  calls: ApiCalls,
  best: Partial<Record<Api, Optimum>>,
  n: number,
  to: number,
): Projection {
  const f = to / n;
  const scaled: ApiCalls = {};
  for (const [api, c] of Object.entries(calls) as [Api, CallCounts][]) {
    scaled[api] = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Math.ceil(v * f)]));
  }
  const scaledBest: Partial<Record<Api, Optimum>> = {};
  for (const [api, b] of Object.entries(best) as [Api, Optimum][])
    scaledBest[api] = { reads: Math.ceil(b.reads * f), writes: Math.ceil(b.writes * f) };
  const sf = scaled.salesforce ? all(scaled.salesforce) / SALESFORCE_DAILY : undefined;
  return {
    n: to,
    boundS: rateBoundS(scaled),
    optimumBoundS: optimumBoundS(scaledBest),
    ...(sf === undefined ? {} : { salesforceDailyShare: sf }),
  };
}
