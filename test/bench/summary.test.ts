/**
 * The summary of a bench run against issue #16's targets, from fixture ScenarioResults built by
 * the harness's own buildResult: which rows appear, the projection's arithmetic, and each
 * threshold at its edge (the value at the target is met, one step past it is not).
 */
import { describe, expect, it } from 'vitest';
import { DONE_WHEN, estimate, resolveSelection } from '../../bench/default-run.js';
import type { RunSummary } from '../../bench/jobs.js';
import { type ApiCalls, type Naive, PROPSTREET_PACED_PER_S } from '../../bench/model.js';
import { appendRun, type BenchOptions } from '../../bench/results.js';
import { buildResult, type ScenarioResult } from '../../bench/scenario-result.js';
import {
  buildSummary,
  latestRunContext,
  renderSummary,
  type SummaryContext,
  type SummaryRow,
} from '../../bench/summary.js';
import { firstSyncTimes, projectFirstSync } from '../../bench/summary-first-sync.js';
import { SUMMARY_ROWS } from '../../bench/summary-rows.js';

type Counts = RunSummary['done'];
const counts = (
  o: { createCrm?: number; createPs?: number; updateCrm?: number; noop?: number } = {},
): Counts => ({
  create: { propstreet: o.createPs ?? 0, crm: o.createCrm ?? 0 },
  update: { propstreet: 0, crm: o.updateCrm ?? 0 },
  delete: { propstreet: 0, crm: 0 },
  link: 0,
  unlink: 0,
  conflict: 0,
  skip: 0,
  noop: o.noop ?? 0,
  invalid: 0,
});

interface Fixture {
  readonly scenario: string;
  readonly n: number;
  readonly calls: ApiCalls;
  readonly wallS?: number;
  readonly crmCompleteS?: number;
  readonly done?: Counts;
  readonly pulled?: { propstreet: number; crm: number };
  readonly delta?: { propstreet: number; crm: number };
  readonly overlapSeconds?: number;
  readonly naiveS?: number;
  readonly cpuS?: number;
  readonly maxRssMb?: number;
  readonly harnessMb?: number;
}

function scenario(f: Fixture): ScenarioResult {
  const engine = f.scenario.startsWith('engine-');
  const done = f.done ?? counts();
  const summary: RunSummary = {
    status: 'ok',
    pulled: f.pulled ?? { propstreet: 0, crm: 0 },
    planned: done,
    done,
    calls: { propstreet: {}, crm: {} },
    conflicts: 0,
    failures: 0,
    invalid: 0,
    problems: [],
    ...(f.crmCompleteS === undefined ? {} : { crmCompleteS: f.crmCompleteS }),
    ...(f.harnessMb === undefined ? {} : { harnessMb: f.harnessMb }),
  };
  const naive: Naive | undefined =
    f.naiveS === undefined
      ? undefined
      : { calls: { propstreet: f.n + 1, hubspot: 2 * f.n + 1 }, seconds: f.naiveS, method: 'fixture' };
  return buildResult({
    scenario: f.scenario,
    ...(engine ? {} : { overlapSeconds: f.overlapSeconds ?? 300 }),
    kind: engine ? 'engine' : 'network',
    crm: engine ? 'memcrm' : 'hubspot',
    n: f.n,
    dryRun: f.scenario === 'engine-dry',
    incremental: !f.scenario.startsWith('initial') && !f.scenario.startsWith('reverse') && !engine,
    zeroChange: f.scenario.startsWith('nochange'),
    stateFloor: f.scenario === 'engine-state-floor',
    ...(f.delta ? { delta: f.delta } : {}),
    summary,
    calls: f.calls,
    measured: {
      wallMs: (f.wallS ?? 10) * 1000,
      cpuUserMs: (f.cpuS ?? 1) * 1000,
      cpuSystemMs: 0,
      peakRssMb: f.maxRssMb ?? 150,
      maxRssMb: f.maxRssMb ?? 150,
      startRssMb: 100,
      rssSamples: 1,
    },
    ...(naive ? { naive } : {}),
  });
}

const ctx = (...scenarios: ScenarioResult[]): SummaryContext => ({ scenarios });
const rows = (c: SummaryContext) => buildSummary(c, SUMMARY_ROWS);
const row = (c: SummaryContext, what: RegExp): SummaryRow => {
  const found = rows(c).filter((r) => what.test(r.what));
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** 10k Propstreet contacts into an empty HubSpot: 20 pages + 1 check, 10,000 ref writes; 100 batch upserts + 3 checks. */
const HUBSPOT_BOUND_10K = 103 / 19;
const PROPSTREET_BOUND_10K = 10_021 / 10;
const firstSync = (o: { wallS?: number; crmCompleteS?: number; psWrites?: number } = {}) =>
  scenario({
    scenario: 'initial-hubspot',
    n: 10_000,
    calls: {
      propstreet: { list: 20, check: 1, write: o.psWrites ?? 10_000 },
      hubspot: { write: 100, check: 3 },
    },
    wallS: o.wallS ?? 1010,
    crmCompleteS: o.crmCompleteS ?? 20,
    done: counts({ createCrm: 10_000 }),
    pulled: { propstreet: 10_000, crm: 0 },
    naiveS: 3600,
  });

describe('the summary: first sync into HubSpot (item 1)', () => {
  it('splits the measured run into the HubSpot bound, the Propstreet pull and the Propstreet bound', () => {
    const t = firstSyncTimes(firstSync());
    expect(t.hubspotBoundS).toBeCloseTo(HUBSPOT_BOUND_10K, 9);
    expect(t.propstreetBoundS).toBeCloseTo(PROPSTREET_BOUND_10K, 9);
    expect(t.pullS).toBeCloseTo(2.1, 9);
    expect(t.refsLeft).toBe(0);
  });

  it('projects to 100k and 1M: the checks and the rest stay, pull, HubSpot writes and Propstreet calls scale', () => {
    const at100k = projectFirstSync(firstSync(), 100_000);
    expect(at100k.pullS).toBeCloseTo(20.1, 9); // 200 pages + the 1 check at 10/s
    expect(at100k.hubspotBoundS).toBeCloseTo(1003 / 19, 9); // 1,000 batches + the 3 checks
    expect(at100k.propstreetBoundS).toBeCloseTo(10_020.1, 9);
    // 20 s measured + (20.1 − 2.1) s more pull + (1003 − 103) / 19 s more HubSpot writes.
    expect(at100k.crmCompleteS).toBeCloseTo(20 + 18 + 900 / 19, 9);
    // 1,010 s measured + the Propstreet calls to come at the client's pace (589/min, not 600).
    const paced = 600 / 589.2;
    expect(PROPSTREET_PACED_PER_S * 60).toBeCloseTo(589.2, 1);
    expect(at100k.allRefsS).toBeCloseTo(1010 + (10_020.1 - PROPSTREET_BOUND_10K) * paced, 0);
    expect(at100k.naiveS).toBeCloseTo(36_000, 9);

    const at1M = projectFirstSync(firstSync(), 1_000_000);
    expect(at1M.crmCompleteS).toBeCloseTo(20 + 198 + 9900 / 19, 9);
    expect(at1M.allRefsS / (1010 + (100_200.1 - PROPSTREET_BOUND_10K) * paced)).toBeCloseTo(1, 4);
  });

  it('projects a streamed run by the larger growth of reads and writes, the writes at their measured pace', () => {
    // First CRM write after 1 of 20 pages; 100 writes in 6.6 s = 15/s, below HubSpot's 19/s.
    const streamed = {
      ...firstSync(),
      pageOrder: { pagesBefore: 1, pages: 20, crmWrites: 100, crmWriteSpanS: 6.6 },
    };
    expect(firstSyncTimes(streamed).streamed).toBe(true);
    const at100k = projectFirstSync(streamed, 100_000);
    // 20 s measured + (1,000 − 1) / 15 − 6.6 s more writes: the 18 s more pull overlaps them.
    expect(at100k.crmCompleteS).toBeCloseTo(20 + 999 / 15 - 6.6, 9);
    // A pace above HubSpot's rate is capped at it.
    const fast = { ...streamed, pageOrder: { ...streamed.pageOrder, crmWriteSpanS: 1 } };
    expect(projectFirstSync(fast, 100_000).crmCompleteS).toBeCloseTo(20 + 999 / 19 - 1, 9);
    // The first write after the last page: not streamed, reads and writes one after the other.
    const late = { ...streamed, pageOrder: { ...streamed.pageOrder, pagesBefore: 20 } };
    expect(projectFirstSync(late, 100_000).crmCompleteS).toBeCloseTo(20 + 18 + 900 / 19, 9);
  });

  it('projects pages and batches from their optimum: 50 records read 1 page, 100k read 200, not 2,000', () => {
    const small = scenario({
      scenario: 'initial-hubspot',
      n: 50,
      calls: { propstreet: { list: 1, check: 1, write: 50 }, hubspot: { write: 1, check: 3 } },
      wallS: 6,
      crmCompleteS: 1,
      done: counts({ createCrm: 50 }),
      pulled: { propstreet: 50, crm: 0 },
    });
    const t = projectFirstSync(small, 100_000);
    expect(t.pullS).toBeCloseTo((200 + 1) / 10, 9);
    expect(t.hubspotBoundS).toBeCloseTo((1000 + 3) / 19, 9);
    expect(t.propstreetCalls).toBe(100_201);
  });

  it('has a measured, a 100k and a 1M row for CRM complete and for all refs, with their verdicts', () => {
    const c = ctx(firstSync());
    const all = rows(c);
    expect(all.map((r) => r.what)).toEqual([
      'first sync 10,000 → empty HubSpot: CRM complete',
      'first sync 10,000 → empty HubSpot: all refs written',
      'first sync 100,000 → empty HubSpot (projected from 10,000): CRM complete',
      'first sync 100,000 → empty HubSpot (projected from 10,000): all refs written',
      'first sync 1,000,000 → empty HubSpot (projected from 10,000): CRM complete',
      'first sync 1,000,000 → empty HubSpot (projected from 10,000): all refs written',
    ]);
    expect(all.every((r) => r.item === 1)).toBe(true);
    const crm100k = all[2]!;
    // ≈ 85.4 s against 52.8 s: 1.62×.
    expect(crm100k.ratio).toContain('1.62× HubSpot bound');
    expect(crm100k.verdict).toMatchObject({
      met: false,
      why: expect.stringMatching(/Propstreet pull ≈ 20\.1 s at 600\/min \(counted before the CRM writes\)/),
    });
    const refs = all[1]!;
    expect(refs.verdict).toEqual({ met: true });
    expect(refs.naive).toMatch(/^1\.0 h/);
    expect(refs.ratio).toMatch(
      /^0\.28× naive; 1\.01× Propstreet bound \(16\.7 min: 10,021 calls at 600\/min, one write per record\)/,
    );
  });

  it('CRM complete: met at 1.15× the HubSpot bound, not at 1.16×', () => {
    const at = (k: number) =>
      row(ctx(firstSync({ crmCompleteS: k * HUBSPOT_BOUND_10K })), /^first sync 10,000 .*CRM complete/)
        .verdict.met;
    expect(at(1.15)).toBe(true);
    expect(at(1.16)).toBe(false);
  });

  it('all refs written: met at 1.05× the Propstreet bound, not at 1.06×, nor with write-backs left queued', () => {
    const at = (o: { wallS?: number; psWrites?: number }) =>
      row(ctx(firstSync(o)), /^first sync 10,000 .*all refs/).verdict;
    expect(at({ wallS: 1.05 * PROPSTREET_BOUND_10K }).met).toBe(true);
    expect(at({ wallS: 1.06 * PROPSTREET_BOUND_10K }).met).toBe(false);
    expect(at({ wallS: 1000, psWrites: 9_000 })).toEqual({
      met: false,
      why: '1,000 ref write-backs still queued when the run ended (refWriteBacks.drainFor)',
    });
  });

  it('does not check a ratio to a bound under 5 s (round trips set the time), and omits an unrecorded CRM complete', () => {
    const small = (crmCompleteS?: number) =>
      scenario({
        scenario: 'initial-hubspot',
        n: 500,
        calls: { propstreet: { list: 1, check: 1, write: 500 }, hubspot: { write: 5, check: 3 } },
        wallS: 60,
        ...(crmCompleteS === undefined ? {} : { crmCompleteS }),
        done: counts({ createCrm: 500 }),
      });
    expect(row(ctx(small(6)), /^first sync 500 .*CRM complete/).verdict).toMatchObject({ met: null });
    expect(rows(ctx(small())).filter((r) => /CRM complete/.test(r.what))).toEqual([]);
  });
});

describe('the summary: reverse first sync (item 2)', () => {
  const reverse = (n: number, writes: number) =>
    scenario({
      scenario: 'reverse-hubspot',
      n,
      calls: {
        propstreet: { list: 1, check: 1, write: writes },
        hubspot: { search: Math.ceil(n / 200), write: Math.ceil(n / 100) },
      },
      done: counts({ createPs: n }),
      pulled: { propstreet: 0, crm: n },
      naiveS: n,
    });

  it('is met at 25 Propstreet writes for 2,000 contacts and not at 26', () => {
    expect(row(ctx(reverse(2000, 25)), /^reverse/).verdict).toEqual({ met: true });
    expect(row(ctx(reverse(2000, 26)), /^reverse/).verdict).toEqual({
      met: false,
      why: '76.9 contacts a write',
    });
  });

  it('scales the allowance with N (6.25 at 500) and names per-record writes as the reason', () => {
    expect(row(ctx(reverse(500, 6)), /^reverse/).verdict.met).toBe(true);
    expect(row(ctx(reverse(500, 7)), /^reverse/).verdict.met).toBe(false);
    const perRecord = row(ctx(reverse(2000, 2000)), /^reverse/);
    expect(perRecord.verdict).toEqual({
      met: false,
      why: "bound by Propstreet's per-record writes: 2,000 writes for 2,000 contacts (no batch upsert)",
    });
    expect(perRecord.target).toBe('≤ 25 Propstreet writes per 2,000 (≤ 25 at 2,000)');
    expect(perRecord.naive).toMatch(/^2,000 Propstreet writes/);
  });

  it('says whether the run went record by record or through the batch upsert (both may be in one run)', () => {
    const batch = { ...reverse(2000, 20), scenario: 'reverse-hubspot-batch' };
    const found = rows(ctx(reverse(2000, 2000), batch)).filter((r) => r.item === 2);
    expect(found.map((r) => [r.what.split('empty Propstreet, ')[1], r.verdict.met])).toEqual([
      ['record by record (no `propstreet.batchUpsertPath`, the default)', false],
      ["through the batch upsert (`propstreet.batchUpsertPath` at the fake's guessed path)", true],
    ]);
  });
});

describe('the summary: incremental and quiet runs (item 3)', () => {
  // 3,800 CRM changes: 19 search pages of 200 + the archived list = 20 reads at best.
  const incremental = (hubspotReads: number, overlapSeconds = 300) =>
    scenario({
      scenario: 'incremental-hubspot',
      n: 10_000,
      overlapSeconds,
      calls: { propstreet: { list: 1, check: 1 }, hubspot: { search: hubspotReads - 1, list: 1, check: 2 } },
      delta: { propstreet: 0, crm: 3800 },
    });
  const quiet = (hubspotSearches: number, overlapSeconds = 300) =>
    scenario({
      scenario: 'nochange-hubspot',
      n: 10_000,
      overlapSeconds,
      calls: { propstreet: { list: 1, check: 1 }, hubspot: { search: hubspotSearches, list: 1, check: 2 } },
      delta: { propstreet: 0, crm: 0 },
      naiveS: 1,
    });

  it('incremental: HubSpot reads met at 1.05× the optimum, not at 1.10×', () => {
    expect(row(ctx(incremental(21)), /^incremental/).verdict).toEqual({ met: true });
    expect(row(ctx(incremental(22)), /^incremental/).verdict).toEqual({
      met: false,
      why: '2 reads beyond the optimum',
    });
  });

  it('quiet run: met at 3 sync calls (the checks apart), not at 4, where the reason names the API', () => {
    const met = row(ctx(quiet(1)), /^quiet/);
    expect(met.verdict).toEqual({ met: true });
    expect(met.propsync).toBe('3 sync calls (+ 3 per-run checks)');
    expect(row(ctx(quiet(2)), /^quiet/).verdict).toEqual({ met: false, why: 'HubSpot 3 vs optimum 2' });
  });

  it('does not check either at an overlap other than the tenant default 300 s', () => {
    expect(row(ctx(quiet(1, 5)), /^quiet/).verdict).toEqual({
      met: null,
      why: 'measured at overlap 5 s; the target is at the tenant default 300 s',
    });
    expect(row(ctx(incremental(21, 5)), /^incremental/).verdict.met).toBeNull();
  });
});

describe('the summary: the engine alone (item 5)', () => {
  const engine = (step: string, n: number, cpuS: number, maxRssMb = 150) =>
    scenario({ scenario: step, n, calls: { propstreet: {}, memcrm: {} }, cpuS, maxRssMb });

  it('throughput: dry met at 50,000 records per CPU-second, real at 30,000; one less is not', () => {
    const verdict = (step: string, cpuS: number) =>
      row(ctx(engine(step, 300_000, cpuS)), new RegExp(`${step.slice(7)} run`)).verdict.met;
    expect(verdict('engine-dry', 6)).toBe(true); // 50,000
    expect(verdict('engine-dry', 300_000 / 49_999)).toBe(false);
    expect(verdict('engine-real', 10)).toBe(true); // 30,000
    expect(verdict('engine-real', 300_000 / 29_999)).toBe(false);
  });

  it('throughput: the row is the largest N, the smaller beside it, and a loaded machine is named', () => {
    const c: SummaryContext = {
      scenarios: [engine('engine-dry', 100_000, 5), engine('engine-dry', 1_000_000, 100)],
      load: { average: 5.2, cores: 2 },
    };
    const r = row(c, /dry run/);
    expect(r.what).toBe('engine alone, dry run (collect, pair, plan), N = 1,000,000');
    expect(r.propsync).toBe('10,000 records/CPU-s (100k: 20,000)');
    expect(r.verdict).toMatchObject({ met: false, why: expect.stringContaining('load 5.2 on 2 cores') });
  });

  it("throughput: the real run's reason gives the state store's floor at the same N as a share", () => {
    const real = row(
      ctx(engine('engine-real', 100_000, 10), engine('engine-state-floor', 100_000, 2.5)),
      /real run/,
    );
    expect(real.verdict).toEqual({
      met: false,
      why:
        "100 µs of CPU a record, the target allows 33 µs; of it the state store's durable writes alone " +
        "(engine-state-floor) take 25 µs (25 % of this run's, 75 % of what the target allows)",
    });
    // A floor at another N says nothing of this run; the floor itself is no engine row.
    expect(
      row(ctx(engine('engine-real', 100_000, 10), engine('engine-state-floor', 10_000, 1)), /real run/)
        .verdict,
    ).toEqual({ met: false, why: '100 µs of CPU a record, the target allows 33 µs' });
    expect(rows(ctx(engine('engine-state-floor', 100_000, 2.5)))).toEqual([]);
  });

  it('RSS: met at 200 MB at 1M within +10 % of the smallest N; not at 201 MB, nor at +11 %', () => {
    const rss = (at1M: number, at100k: number) =>
      row(ctx(engine('engine-real', 100_000, 10, at100k), engine('engine-real', 1_000_000, 100, at1M)), /RSS/)
        .verdict;
    expect(rss(200, 190).met).toBe(true);
    expect(rss(201, 190)).toMatchObject({ met: false, why: expect.stringContaining('1 MB over') });
    expect(rss(110, 100).met).toBe(true);
    expect(rss(111, 100)).toEqual({ met: false, why: 'not flat: +11 % from 100k' });
  });

  it("RSS: a reason not met says how much the bench's in-memory world holds, and the rest's growth", () => {
    const real = (n: number, cpuS: number, maxRssMb: number, harnessMb: number) =>
      scenario({
        scenario: 'engine-real',
        n,
        calls: { propstreet: {}, memcrm: {} },
        cpuS,
        maxRssMb,
        harnessMb,
      });
    expect(row(ctx(real(100_000, 10, 190, 2.6), real(1_000_000, 100, 216, 25.7)), /RSS/).verdict).toEqual({
      met: false,
      why:
        '16 MB over; the process holds 100 MB before the run; not flat: +14 % from 100k; ' +
        "the in-memory ports' world (bench harness) holds 26 MB of it: 190 MB without, +2 % from 100k",
    });
  });

  it('RSS: not checked below 1M, nor flatness with a single N', () => {
    expect(
      row(ctx(engine('engine-dry', 10_000, 1, 150), engine('engine-dry', 100_000, 5, 150)), /RSS/).verdict,
    ).toEqual({ met: null, why: 'checked at N = 1M; the largest N run is 100,000' });
    expect(row(ctx(engine('engine-dry', 1_000_000, 50, 150)), /RSS/).verdict).toMatchObject({
      met: null,
      why: expect.stringContaining('flat in N'),
    });
  });
});

describe('the summary: what ran, and only that', () => {
  it('has no row for a scenario that did not run, and says so when nothing of the issue ran', () => {
    const only = rows(ctx(scenario({ scenario: 'engine-rerun', n: 1000, calls: {}, cpuS: 1 })));
    expect(only.map((r) => r.what)).toEqual(['engine alone, max RSS at N = 1,000 (rerun)']);
    expect(rows(ctx())).toEqual([]);
    expect(renderSummary([])).toEqual(['No scenario of issue #16 ran in this invocation.']);
  });

  it('takes the latest run of an appended results document, not the earlier ones', () => {
    const options: BenchOptions = {
      scenarios: [],
      n: 0,
      engineN: [],
      latency: [0, 0],
      quick: false,
      overlapSeconds: 300,
      out: '',
    };
    const run = {
      startedAt: '',
      argv: [],
      totalSeconds: 1,
      loadAverage: { start: [0.5], end: [0.5] },
      options,
    };
    const first = appendRun(undefined, run, [firstSync()]);
    const second = appendRun(first, run, [scenario({ scenario: 'engine-dry', n: 1000, calls: {}, cpuS: 1 })]);
    const c = latestRunContext(second);
    expect(c.scenarios.map((s) => s.scenario)).toEqual(['engine-dry']);
    expect(rows(c).some((r) => r.item === 1)).toBe(false);
  });

  it('renders a Markdown table, verdict last, pipes escaped', () => {
    const table = renderSummary([
      {
        item: 3,
        what: 'a | b',
        propsync: '3',
        naive: '–',
        ratio: '1.00×',
        target: '≤ 3',
        verdict: { met: true },
      },
      {
        item: 5,
        what: 'c',
        propsync: '1',
        naive: '–',
        ratio: '0.2×',
        target: '≥ 5',
        verdict: { met: false, why: 'slow' },
      },
    ]);
    expect(table.slice(2)).toEqual([
      '| 3 | a \\| b | 3 | – | 1.00× | ≤ 3 | met |',
      '| 5 | c | 1 | – | 0.2× | ≥ 5 | **not met**: slow |',
    ]);
  });
});

describe('the default run', () => {
  it('is the done-when set at its sizes; --quick-all, --full and --scenario keep the earlier defaults', () => {
    expect(resolveSelection({ full: false, quickAll: false })).toEqual({
      scenarios: DONE_WHEN.scenarios.join(','),
      n: 10_000,
      reverseN: 2_000,
      engineN: [100_000, 1_000_000],
      overlapSeconds: 300,
    });
    expect(resolveSelection({ full: false, quickAll: true })).toEqual({
      scenarios: 'all',
      n: 500,
      reverseN: 500,
      engineN: [10_000, 100_000],
      overlapSeconds: 5,
    });
    expect(
      resolveSelection({ full: false, quickAll: false, scenario: 'reverse-hubspot', n: 2000, overlap: 300 }),
    ).toMatchObject({
      scenarios: 'reverse-hubspot',
      reverseN: 2000,
      overlapSeconds: 300,
    });
    expect(resolveSelection({ full: false, quickAll: false, n: 500 }).reverseN).toBe(500);
    expect(() => resolveSelection({ full: false, quickAll: true, scenario: 'engine' })).toThrow(/choose one/);
  });

  it('estimates the 10k first sync at its Propstreet write-backs (≈ 17 min) and names each part', () => {
    const e = estimate({
      scenarios: [...DONE_WHEN.scenarios],
      n: 10_000,
      reverseN: 2_000,
      engineN: [100_000, 1_000_000],
    });
    const first = e.parts.find((p) => p.what.startsWith('initial-hubspot'));
    expect(first?.seconds).toBeCloseTo(10_020 / 10 + 10, 6);
    expect(e.parts.find((p) => p.what.startsWith('reverse-hubspot 2,000'))?.seconds).toBeCloseTo(
      2004 / 10 + 10,
      6,
    );
    expect(e.parts.filter((p) => p.what.startsWith('engine-'))).toHaveLength(6);
    expect(e.parts.find((p) => p.what.startsWith('reverse-hubspot-batch 2,000'))?.seconds).toBeCloseTo(
      20 / 10 + 10,
      6,
    );
    expect(e.seconds).toBeCloseTo(
      e.parts.reduce((a, p) => a + p.seconds, 0),
      6,
    );
  });
});
