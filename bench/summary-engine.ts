/** Issue #16 item 5 in the summary: the engine alone, records per CPU-second and max RSS. */
import type { ScenarioResult } from './scenario-result.js';
import { check, type RowSource, type SummaryContext, type Verdict } from './summary.js';
import { n0, short, times } from './summary-format.js';
import { TARGETS } from './targets.js';

/** The engine scenarios of `step`, largest N first. */
const engineRuns = (ctx: SummaryContext, steps: readonly string[]) =>
  ctx.scenarios.filter((r) => r.kind === 'engine' && steps.includes(r.scenario)).sort((a, b) => b.n - a.n);

const loaded = (ctx: SummaryContext) =>
  ctx.load && ctx.load.average > ctx.load.cores
    ? `; machine loaded (load ${ctx.load.average.toFixed(1)} on ${ctx.load.cores} cores at the start): CPU time inflates`
    : '';

/**
 * What the state store's floor (engine-state-floor at the same N) says of a real run: how much
 * of its CPU a record the durable writes alone take, against what the target allows.
 */
function floorShare(ctx: SummaryContext, n: number, rate: number, target: number): string {
  const floor = engineRuns(ctx, ['engine-state-floor']).find((f) => f.n === n);
  if (!floor) return '';
  const us = 1e6 / floor.perf.recordsPerCpuS;
  return (
    `; of it the state store's durable writes alone (engine-state-floor) take ${n0(us)} µs ` +
    `(${Math.round((100 * us * rate) / 1e6)} % of this run's, ${Math.round((100 * us * target) / 1e6)} % of what the target allows)`
  );
}

/** Item 5: records per CPU-second, dry and real, at the largest N run (the smaller beside it). */
export const engineRows: RowSource = (ctx) =>
  (['engine-dry', 'engine-real'] as const).flatMap((step) => {
    const [r, ...smaller] = engineRuns(ctx, [step]);
    if (!r) return [];
    const floor = step === 'engine-dry' ? TARGETS.engineDryPerCpuS : TARGETS.engineRealPerCpuS;
    const rate = r.perf.recordsPerCpuS;
    const others = smaller.map((o) => `${short(o.n)}: ${n0(o.perf.recordsPerCpuS)}`).join(', ');
    return [
      {
        item: 5,
        what: `engine alone, ${step === 'engine-dry' ? 'dry run (collect, pair, plan)' : 'real run (executed, state committed)'}, N = ${n0(r.n)}`,
        propsync: `${n0(rate)} records/CPU-s${others ? ` (${others})` : ''}`,
        naive: '–',
        ratio: `${times(rate, floor)} target`,
        target: `≥ ${n0(floor)} records/CPU-s`,
        verdict: check(
          rate >= floor,
          () =>
            `${n0(1e6 / rate)} µs of CPU a record, the target allows ${n0(1e6 / floor)} µs` +
            `${step === 'engine-real' ? floorShare(ctx, r.n, rate, floor) : ''}${loaded(ctx)}`,
        ),
      },
    ];
  });

/**
 * How much of the peak the bench's in-memory world holds (its typed arrays, 13 bytes a record
 * since 12-04, 26 before: the ports' data, not the engine's), and what the peak and its growth
 * are without it. The verdict stays on the whole RSS; this only says what it is made of, met
 * or not (a verdict met since the world was halved is the harness's doing, not the engine's).
 */
function harnessShare(
  runs: readonly ScenarioResult[],
  nTop: number,
  nMin: number,
  mbTop: number,
  mbMin: number,
): string[] {
  const harness = (n: number) => runs.find((r) => r.n === n)?.summary.harnessMb;
  const top = harness(nTop);
  if (top === undefined) return [];
  const min = harness(nMin);
  const growth =
    min === undefined || nMin === nTop
      ? ''
      : `, ${(((mbTop - top) / (mbMin - min) - 1) * 100).toFixed(0).replace(/^(?!-)/, '+')} % from ${short(nMin)}`;
  return [
    `the in-memory ports' world (bench harness) holds ${top.toFixed(0)} MB of it: ${(mbTop - top).toFixed(0)} MB without${growth}`,
  ];
}

/** Item 5: max RSS at the largest N run, and its growth from the smallest (flat in N). */
export const rssRows: RowSource = (ctx) => {
  const runs = engineRuns(ctx, ['engine-dry', 'engine-real', 'engine-rerun']);
  const top = runs[0];
  if (!top) return [];
  const peak = (n: number) => Math.max(...runs.filter((r) => r.n === n).map((r) => r.perf.maxRssMb));
  const atTop = runs.filter((r) => r.n === top.n);
  const mb = peak(top.n);
  const nMin = runs[runs.length - 1]!.n;
  const growth = nMin < top.n ? mb / peak(nMin) - 1 : undefined;
  const startMb = Math.min(...atTop.map((r) => r.perf.startRssMb));
  const pct = (g: number) => `${g >= 0 ? '+' : ''}${(g * 100).toFixed(0)} %`;
  let verdict: Verdict;
  if (top.n < TARGETS.rssAtN)
    verdict = {
      met: null,
      why: `checked at N = ${short(TARGETS.rssAtN)}; the largest N run is ${n0(top.n)}`,
    };
  else {
    const reasons = [
      ...(mb > TARGETS.rssMb
        ? [
            `${(mb - TARGETS.rssMb).toFixed(0)} MB over; the process holds ${startMb.toFixed(0)} MB before the run`,
          ]
        : []),
      ...(growth !== undefined && mb > peak(nMin) * (1 + TARGETS.rssFlatGrowth)
        ? [`not flat: ${pct(growth)} from ${short(nMin)}`]
        : []),
    ];
    verdict =
      reasons.length > 0
        ? { met: false, why: [...reasons, ...harnessShare(runs, top.n, nMin, mb, peak(nMin))].join('; ') }
        : growth === undefined
          ? { met: null, why: `≤ ${TARGETS.rssMb} MB, but flat in N needs a smaller N run beside it` }
          : { met: true, note: harnessShare(runs, top.n, nMin, mb, peak(nMin)).join('; ') };
  }
  return [
    {
      item: 5,
      what: `engine alone, max RSS at N = ${n0(top.n)} (${atTop.map((r) => r.scenario.replace('engine-', '')).join(', ')})`,
      propsync: `${mb.toFixed(0)} MB (${atTop.map((r) => `${r.scenario.replace('engine-', '')} ${r.perf.maxRssMb.toFixed(0)}`).join(', ')})${growth === undefined ? '' : `; ${short(nMin)}: ${peak(nMin).toFixed(0)} MB`}`,
      naive: '–',
      ratio: `${times(mb, TARGETS.rssMb)} target${growth === undefined ? '' : `; ${pct(growth)} from ${short(nMin)}`}`,
      target: `≤ ${TARGETS.rssMb} MB at ${short(TARGETS.rssAtN)}, flat in N (≤ ${pct(TARGETS.rssFlatGrowth)} from the smallest N)`,
      verdict,
    },
  ];
};
