/**
 * Issue #16 item 1 in the summary: a first sync into an empty HubSpot, measured (CRM complete;
 * all refs written) and projected to larger N. The projection keeps what does not grow with N
 * (start-up, the per-run checks, round trips: the measured time beyond the rate-bound parts)
 * and scales the rate-bound parts by their calls (each kind by its optimum's growth). CRM
 * complete: when the run streamed (its first CRM write came before the last Propstreet page),
 * the reads and the CRM writes overlap, so it grows by the larger of the two parts' growth,
 * the writes at the pace measured (capped at HubSpot's rate): what the executor really does,
 * not the bound; when it did not stream, fixed + the pull + the writes, one after the other.
 * All refs written = fixed + the Propstreet calls at the client's pace (PROPSTREET_PACED_PER_S,
 * 589 a minute where the bound counts 600).
 */
import type { RunSummary } from './jobs.js';
import {
  type Api,
  type ApiCalls,
  all,
  apiBoundsS,
  optimum,
  PROPSTREET_PACED_PER_S,
  RATES,
  rejected,
  writes,
} from './model.js';
import type { ScenarioResult } from './scenario-result.js';
import { check, type SummaryContext, type SummaryRow, type Verdict } from './summary.js';
import { dur, n0, times } from './summary-format.js';
import { MIN_BOUND_S, TARGETS } from './targets.js';

/** The times of a first sync the targets speak of, and what they are made of. */
export interface FirstSyncTimes {
  readonly n: number;
  /** From the start until the CRM work was done (only ref write-backs left); undefined: not recorded. */
  readonly crmCompleteS: number | undefined;
  /** The run's end: every ref written, unless `refsLeft` says otherwise. */
  readonly allRefsS: number;
  readonly hubspotBoundS: number;
  readonly propstreetBoundS: number;
  /** The Propstreet reads (pages, checks) at Propstreet's rate. */
  readonly pullS: number;
  readonly naiveS: number | undefined;
  /** Ref write-backs still queued when the run ended. */
  readonly refsLeft: number;
  readonly propstreetCalls: number;
  readonly propstreetWrites: number;
  /** The CRM's first write came before the last Propstreet page (pages planned as they came). */
  readonly streamed: boolean;
}

const accepted = (calls: ApiCalls) => all(calls.propstreet) - rejected(calls.propstreet);
const pullS = (calls: ApiCalls) => (all(calls.propstreet) - writes(calls.propstreet)) / RATES.propstreet;

export function firstSyncTimes(r: ScenarioResult): FirstSyncTimes {
  const bounds = apiBoundsS(r.calls);
  const acceptedWrites = writes(r.calls.propstreet) - (r.calls.propstreet?.['429:write'] ?? 0);
  return {
    n: r.n,
    crmCompleteS: r.summary.crmCompleteS,
    allRefsS: r.wallS,
    hubspotBoundS: bounds.hubspot,
    propstreetBoundS: bounds.propstreet,
    pullS: pullS(r.calls),
    naiveS: r.naive?.seconds,
    refsLeft: Math.max(0, (r.optimum.propstreet?.writes ?? 0) - acceptedWrites),
    propstreetCalls: accepted(r.calls),
    propstreetWrites: acceptedWrites,
    streamed: streamed(r),
  };
}

const streamed = (r: ScenarioResult): boolean =>
  r.pageOrder !== undefined && r.pageOrder.pagesBefore < r.pageOrder.pages;

/** Seconds the CRM writes of `r` would take at `count` writes, at the pace measured (≤ HubSpot's rate). */
function crmWritesS(r: ScenarioResult, count: number): number | undefined {
  const o = r.pageOrder;
  if (!o || o.crmWrites < 2 || o.crmWriteSpanS <= 0) return undefined;
  const pace = Math.min((o.crmWrites - 1) / o.crmWriteSpanS, RATES.hubspotGeneral);
  return Math.max(0, count - 1) / pace;
}

type Counts = RunSummary['done'];
const scaleCounts = (c: Counts, f: number): Counts => ({
  ...c,
  create: { propstreet: c.create.propstreet * f, crm: c.create.crm * f },
  update: { propstreet: c.update.propstreet * f, crm: c.update.crm * f },
  delete: { propstreet: c.delete.propstreet * f, crm: c.delete.crm * f },
  link: c.link * f,
});

/**
 * The run's calls at `f` times its records: reads and writes in proportion to their optimum
 * at that size (full pages and batches: a run of 50 read 1 page, 100k need 200, not 2,000),
 * the per-run checks once, anything else (429s) by `f`.
 */
function scaleCalls(r: ScenarioResult, f: number): ApiCalls {
  const summary = {
    ...r.summary,
    done: scaleCounts(r.summary.done, f),
    planned: scaleCounts(r.summary.planned, f),
  };
  const delta = { propstreet: r.delta.propstreet * f, crm: r.delta.crm * f };
  const out: ApiCalls = {};
  for (const [api, counts] of Object.entries(r.calls) as [Api, Record<string, number>][]) {
    const now = r.optimum[api];
    const then = optimum(api, summary, { dryRun: r.dryRun, incremental: false, delta });
    const readF = now && now.reads > 0 ? then.reads / now.reads : f;
    const writeF = now && now.writes > 0 ? then.writes / now.writes : f;
    out[api] = Object.fromEntries(
      Object.entries(counts).map(([kind, v]) => [
        kind,
        kind === 'check'
          ? v
          : Math.ceil(v * (kind === 'write' ? writeF : kind.startsWith('429:') ? f : readF)),
      ]),
    );
  }
  return out;
}

/** The measured run's times projected to `to` records (see the module comment for the model). */
export function projectFirstSync(r: ScenarioResult, to: number): FirstSyncTimes {
  const at = firstSyncTimes(r);
  const f = to / r.n;
  const scaled = scaleCalls(r, f);
  const bounds = apiBoundsS(scaled);
  const pull = pullS(scaled);
  const pullGrowth = pull - at.pullS;
  const writesThen = crmWritesS(r, writes(scaled.hubspot));
  const writesNow = r.pageOrder?.crmWriteSpanS;
  const grow =
    at.streamed && writesThen !== undefined && writesNow !== undefined
      ? Math.max(pullGrowth, writesThen - writesNow)
      : pullGrowth + (bounds.hubspot - at.hubspotBoundS);
  return {
    n: to,
    crmCompleteS: at.crmCompleteS === undefined ? undefined : at.crmCompleteS + grow,
    // The write-backs still to come go at the client's pace, a little under the bound's.
    allRefsS:
      at.allRefsS + (bounds.propstreet - at.propstreetBoundS) * (RATES.propstreet / PROPSTREET_PACED_PER_S),
    hubspotBoundS: bounds.hubspot,
    propstreetBoundS: bounds.propstreet,
    pullS: pull,
    naiveS: at.naiveS === undefined ? undefined : at.naiveS * f,
    refsLeft: Math.ceil(at.refsLeft * f),
    propstreetCalls: accepted(scaled),
    propstreetWrites: writes(scaled.propstreet) - (scaled.propstreet?.['429:write'] ?? 0),
    streamed: at.streamed,
  };
}

const latencyBound = (bound: string) =>
  `${bound} bound < ${MIN_BOUND_S} s: start-up and round trips, not rate limits, set the time`;

function crmCompleteVerdict(t: FirstSyncTimes & { crmCompleteS: number }, projected: boolean): Verdict {
  if (t.hubspotBoundS < MIN_BOUND_S)
    return { met: null, why: `${latencyBound('HubSpot')} (the target is at 100k)` };
  const over = t.crmCompleteS - t.hubspotBoundS;
  return check(t.crmCompleteS <= TARGETS.crmCompleteToHubSpotBound * t.hubspotBoundS, () =>
    [
      t.streamed
        ? `${dur(over)} beyond the HubSpot bound: the CRM writes ran below HubSpot's rate (chunks executed one after another), plus start-up and the first page`
        : `${dur(over)} beyond the HubSpot bound: the Propstreet pull ≈ ${dur(t.pullS)} at 600/min`,
      !t.streamed && projected ? ' (counted before the CRM writes)' : '',
      t.streamed ? '' : `, the rest ≈ ${dur(Math.max(0, over - t.pullS))} (start-up, checks, round trips)`,
    ].join(''),
  );
}

function allRefsVerdict(t: FirstSyncTimes, rejected429: number): Verdict {
  if (t.refsLeft > 0)
    return {
      met: false,
      why: `${n0(t.refsLeft)} ref write-backs still queued when the run ended (refWriteBacks.drainFor)`,
    };
  if (t.propstreetBoundS < MIN_BOUND_S) return { met: null, why: latencyBound('Propstreet') };
  return check(t.allRefsS <= TARGETS.refsToPropstreetBound * t.propstreetBoundS, () =>
    [
      `${dur(t.allRefsS - t.propstreetBoundS)} beyond the Propstreet bound (start-up, the CRM work before the first write-back, round trips)`,
      rejected429 > 0 ? `; ${n0(rejected429)} Propstreet 429s` : '',
    ].join(''),
  );
}

/** What binds the Propstreet side: one write per record when the writes are about N. */
const propstreetBound = (t: FirstSyncTimes) =>
  `${dur(t.propstreetBoundS)}: ${n0(t.propstreetCalls)} calls at 600/min` +
  (t.propstreetWrites >= 0.9 * t.n ? ', one write per record' : '');

function rowsFor(r: ScenarioResult, t: FirstSyncTimes, from?: number): SummaryRow[] {
  const what = `first sync ${n0(t.n)} → empty HubSpot${from === undefined ? '' : ` (projected from ${n0(from)})`}`;
  const naive = t.naiveS === undefined ? '–' : `${dur(t.naiveS)} (one call per record, all done at its end)`;
  const vsNaive = (s: number) => (t.naiveS === undefined ? '' : `${times(s, t.naiveS)} naive; `);
  const rows: SummaryRow[] = [];
  const crm = t.crmCompleteS;
  if (crm !== undefined)
    rows.push({
      item: 1,
      what: `${what}: CRM complete`,
      propsync: dur(crm),
      naive,
      ratio: `${vsNaive(crm)}${times(crm, t.hubspotBoundS)} HubSpot bound (${dur(t.hubspotBoundS)})`,
      target: `≤ ${TARGETS.crmCompleteToHubSpotBound}× HubSpot bound`,
      verdict: crmCompleteVerdict({ ...t, crmCompleteS: crm }, from !== undefined),
    });
  rows.push({
    item: 1,
    what: `${what}: all refs written`,
    propsync: dur(t.allRefsS),
    naive,
    ratio: `${vsNaive(t.allRefsS)}${times(t.allRefsS, t.propstreetBoundS)} Propstreet bound (${propstreetBound(t)})`,
    target: `≤ ${TARGETS.refsToPropstreetBound}× Propstreet bound`,
    verdict: allRefsVerdict(t, from === undefined ? rejected(r.calls.propstreet) : 0),
  });
  return rows;
}

/** Projected sizes for the first sync's rows: issue #16 states target 1 at 100k; 1M beside it. */
const PROJECT_FIRST_SYNC_TO: readonly number[] = [100_000, 1_000_000];

/** Rows for each first sync into HubSpot this run measured: at its N, then projected. */
export function firstSyncRows(ctx: SummaryContext): SummaryRow[] {
  return ctx.scenarios
    .filter((r) => r.scenario === 'initial-hubspot')
    .flatMap((r) => [
      ...rowsFor(r, firstSyncTimes(r)),
      ...PROJECT_FIRST_SYNC_TO.filter((to) => to > r.n).flatMap((to) =>
        rowsFor(r, projectFirstSync(r, to), r.n),
      ),
    ]);
}
