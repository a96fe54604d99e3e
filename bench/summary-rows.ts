/**
 * The summary's row sources, one per issue #16 item (or part of one), in the table's order. Each
 * reads only the scenarios it knows and returns nothing when they did not run. To add a row (a
 * new scenario, a variant), write a `RowSource` and list it in `SUMMARY_ROWS`.
 */
import { type Api, all, reads, writes } from './model.js';
import type { ScenarioResult } from './scenario-result.js';
import { check, type RowSource, type Verdict } from './summary.js';
import { engineRows, rssRows } from './summary-engine.js';
import { firstSyncRows } from './summary-first-sync.js';
import { dur, n0, times } from './summary-format.js';
import { TARGETS } from './targets.js';

const LABEL: Record<Api, string> = {
  propstreet: 'Propstreet',
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  memcrm: 'CRM',
};
const apis = (r: ScenarioResult) => Object.keys(r.calls) as Api[];
const naiveCalls = (r: ScenarioResult) =>
  Object.values(r.naive?.calls ?? {}).reduce((a, b) => a + (b ?? 0), 0);
const naiveTime = (r: ScenarioResult) =>
  r.naive ? `${n0(naiveCalls(r))} calls, ${dur(r.naive.seconds)}` : '–';
const vsNaiveTime = (r: ScenarioResult) => (r.naive ? `${times(r.wallS, r.naive.seconds)} naive time; ` : '');

/** The targets of item 3 are stated at the tenant default overlap window. */
function atDefaultOverlap(r: ScenarioResult): Verdict | undefined {
  const overlap = r.overlapSeconds ?? 5;
  return overlap === TARGETS.quietOverlapSeconds
    ? undefined
    : {
        met: null,
        why: `measured at overlap ${overlap} s; the target is at the tenant default ${TARGETS.quietOverlapSeconds} s`,
      };
}

/** Item 2: CRM-only contacts into an empty Propstreet, in few Propstreet writes (a batch upsert). */
const reverseRows: RowSource = (ctx) =>
  ctx.scenarios
    .filter((r) => r.scenario.startsWith('reverse-'))
    .map((r) => {
      const w = writes(r.calls.propstreet);
      const created = r.summary.done.create.propstreet;
      const { writes: per, records } = TARGETS.reverseWrites;
      const limit = (per * r.n) / records;
      // The naive baseline writes each record alone; the rest of its Propstreet calls are reads.
      const naiveWrites = (r.naive?.calls.propstreet ?? 0) - Math.max(1, r.summary.pulled.propstreet);
      return {
        item: 2,
        what:
          `reverse first sync: ${n0(r.n)} ${LABEL[r.crm as Api]}-only contacts → empty Propstreet, ` +
          (r.scenario.endsWith('-batch')
            ? "through the batch upsert (`propstreet.batchUpsertPath` at the fake's guessed path)"
            : 'record by record (no `propstreet.batchUpsertPath`, the default)'),
        propsync: `${n0(w)} Propstreet writes, ${dur(r.wallS)}`,
        naive: r.naive ? `${n0(naiveWrites)} Propstreet writes, ${dur(r.naive.seconds)}` : '–',
        ratio: `${r.naive ? `${times(w, naiveWrites)} naive writes; ${vsNaiveTime(r)}` : ''}${times(r.wallS, r.boundS)} rate bound`,
        target: `≤ ${per} Propstreet writes per ${n0(records)} (≤ ${limit.toFixed(limit % 1 ? 1 : 0)} at ${n0(r.n)})`,
        verdict: check(w <= limit, () =>
          w >= 0.9 * created
            ? `bound by Propstreet's per-record writes: ${n0(w)} writes for ${n0(created)} contacts (no batch upsert)`
            : `${(created / Math.max(1, w)).toFixed(1)} contacts a write`,
        ),
      };
    });

/** Item 3: the CRM's incremental reads, in the run after the first sync and after 1 % edits. */
const incrementalRows: RowSource = (ctx) =>
  ctx.scenarios
    .filter((r) => /^(settle|incremental)-(hubspot|salesforce)$/.test(r.scenario))
    .map((r) => {
      const api = r.crm as Api;
      const got = reads(r.calls[api]);
      const best = r.optimum[api]?.reads ?? 0;
      const q = r.ratios[api]?.reads ?? null;
      const what = r.scenario.startsWith('settle')
        ? `the run after the first sync (reads its ${n0(r.delta.crm)} CRM writes back)`
        : `incremental: 1 % edited on each side (${n0(r.delta.propstreet)} Propstreet, ${n0(r.delta.crm)} CRM changes)`;
      return {
        item: 3,
        what: `${what}, ${LABEL[api]}, N = ${n0(r.n)}, overlap ${r.overlapSeconds ?? 5} s`,
        propsync: `${got} ${LABEL[api]} reads; ${dur(r.wallS)}`,
        naive: naiveTime(r),
        ratio: `${vsNaiveTime(r)}${q === null ? '∞' : `${q.toFixed(2)}×`} optimum reads (${best})`,
        target: `${LABEL[api]} reads ≤ ${TARGETS.incrementalReadsToOptimum}× optimum`,
        verdict:
          atDefaultOverlap(r) ??
          check(
            q !== null && q <= TARGETS.incrementalReadsToOptimum,
            () => `${got - best} reads beyond the optimum`,
          ),
      };
    });

/** Item 3: a run with nothing to do, right after the sync (the chain's `nochange` step). */
const quietRows: RowSource = (ctx) =>
  ctx.scenarios
    .filter((r) => r.scenario.startsWith('nochange-'))
    .map((r) => {
      const checks = apis(r).reduce((s, api) => s + (r.calls[api]?.check ?? 0), 0);
      const sync = apis(r).reduce((s, api) => s + all(r.calls[api]), 0) - checks;
      const best = apis(r).reduce(
        (s, api) => s + (r.optimum[api]?.reads ?? 0) + (r.optimum[api]?.writes ?? 0),
        0,
      );
      const over = apis(r)
        .map((api) => ({
          api,
          got: all(r.calls[api]) - (r.calls[api]?.check ?? 0),
          best: r.optimum[api]?.reads ?? 0,
        }))
        .filter((x) => x.got > x.best)
        .map((x) => `${LABEL[x.api]} ${x.got} vs optimum ${x.best}`);
      return {
        item: 3,
        what: `quiet run right after the sync, ${LABEL[r.crm as Api]}, N = ${n0(r.n)}, overlap ${r.overlapSeconds ?? 5} s`,
        propsync: `${sync} sync calls (+ ${checks} per-run checks)`,
        naive: r.naive ? `${n0(naiveCalls(r))} calls` : '–',
        ratio: `${r.naive ? `${times(sync, naiveCalls(r))} naive; ` : ''}${times(sync, best)} optimum (${best})`,
        target: `≤ ${TARGETS.quietCallsPerConnection} calls per connection`,
        verdict:
          atDefaultOverlap(r) ??
          check(sync <= TARGETS.quietCallsPerConnection, () =>
            over.length > 0 ? over.join('; ') : `the optimum itself is ${best} calls`,
          ),
      };
    });

/** The summary's rows, in order. */
export const SUMMARY_ROWS: readonly RowSource[] = [
  firstSyncRows,
  reverseRows,
  incrementalRows,
  quietRows,
  engineRows,
  rssRows,
];
