/**
 * The summary of one `npm run bench` invocation: one row per issue #16 item it measured
 * (propsync, the naive baseline, their ratio and the ratio to the optimum or the rate-limit
 * bound, the target, met or not and why). Rows come from row sources, each a pure function
 * of the invocation's ScenarioResults that returns no row for a scenario that did not run:
 * a new scenario adds its row by adding a source to `SUMMARY_ROWS` (summary-rows.ts).
 */
import type { BenchResults } from './results.js';
import type { ScenarioResult } from './scenario-result.js';

export type Verdict =
  /** `note`: what the figure is made of, where a reader should know it beside the verdict. */
  | { readonly met: true; readonly note?: string }
  | { readonly met: false; readonly why: string }
  /** Measured, but not where the target is stated (a smaller N, another overlap window). */
  | { readonly met: null; readonly why: string };

export interface SummaryRow {
  /** The issue #16 item the row checks (1–6). */
  readonly item: number;
  readonly what: string;
  readonly propsync: string;
  /** '–' where there is no naive baseline (the engine alone). */
  readonly naive: string;
  /** propsync against the naive baseline, and against the optimum or the rate-limit bound. */
  readonly ratio: string;
  readonly target: string;
  readonly verdict: Verdict;
}

export interface SummaryContext {
  /** What this invocation measured; never an earlier run's results. */
  readonly scenarios: readonly ScenarioResult[];
  /** The 1-minute load average at the start and the cores: CPU time inflates on a loaded machine. */
  readonly load?: { readonly average: number; readonly cores: number };
}

export type RowSource = (ctx: SummaryContext) => readonly SummaryRow[];

export const check = (met: boolean, why: () => string): Verdict =>
  met ? { met: true } : { met: false, why: why() };

export function buildSummary(ctx: SummaryContext, sources: readonly RowSource[]): SummaryRow[] {
  return sources.flatMap((source) => source(ctx));
}

/** The latest run of a results document (the one this invocation made, with `--append` too). */
export function latestRunContext(doc: BenchResults): SummaryContext {
  const last = doc.runs.length - 1;
  const run = doc.runs[last];
  return {
    scenarios: doc.scenarios.filter((s) => s.run === last),
    ...(run ? { load: { average: run.loadAverage.start[0] ?? 0, cores: doc.machine.cpuCount } } : {}),
  };
}

const verdictCell = (v: Verdict) =>
  v.met === true
    ? v.note
      ? `met; ${v.note}`
      : 'met'
    : v.met === false
      ? `**not met**: ${v.why}`
      : `not checked: ${v.why}`;
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The summary as a Markdown table (printed as is at the end of a run). */
export function renderSummary(rows: readonly SummaryRow[]): string[] {
  if (rows.length === 0) return ['No scenario of issue #16 ran in this invocation.'];
  return [
    '| # | what | propsync | naive baseline | ratio | target | met |',
    '|---:|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.item} | ${[r.what, r.propsync, r.naive, r.ratio, r.target, verdictCell(r.verdict)].map(cell).join(' | ')} |`,
    ),
  ];
}
