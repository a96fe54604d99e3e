/** bench/RESULTS.md from the results document. */

import { type Api, type CallCounts, rejected } from './model.js';
import type { BenchResults } from './results.js';
import type { ScenarioResult } from './scenario-result.js';
import { buildSummary, latestRunContext, renderSummary } from './summary.js';
import { SUMMARY_ROWS } from './summary-rows.js';

const API_LABEL: Record<Api, string> = {
  propstreet: 'Propstreet',
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  memcrm: 'CRM (in-memory)',
};

/** The scenario name, with its overlap window when it is not the benchmark's 5 s. */
const label = (r: ScenarioResult) =>
  r.overlapSeconds === undefined || r.overlapSeconds === 5
    ? r.scenario
    : `${r.scenario} (overlap ${r.overlapSeconds} s)`;
const n0 = (x: number) => Math.round(x).toLocaleString('en');
const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '∞' : x.toFixed(d));
const dur = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;

function kinds(c: CallCounts | undefined): string {
  if (!c) return '–';
  const parts = Object.entries(c)
    .filter(([k]) => !k.startsWith('429:'))
    .map(([k, v]) => `${k} ${v}`);
  const r = rejected(c);
  return `${parts.join(', ') || '0'}${r > 0 ? ` (${r}× 429)` : ''}`;
}

function plan(r: ScenarioResult): string {
  const p = r.dryRun ? r.summary.planned : r.summary.done;
  const parts: string[] = [];
  if (p.create.crm) parts.push(`${n0(p.create.crm)} create→CRM`);
  if (p.create.propstreet) parts.push(`${n0(p.create.propstreet)} create→PS`);
  if (p.update.crm) parts.push(`${n0(p.update.crm)} update→CRM`);
  if (p.update.propstreet) parts.push(`${n0(p.update.propstreet)} update→PS`);
  if (r.summary.planned.noop) parts.push(`${n0(r.summary.planned.noop)} noop`);
  if (r.summary.failures || r.summary.invalid)
    parts.push(`${r.summary.failures} failed, ${r.summary.invalid} invalid`);
  return `${parts.join(', ') || 'nothing'}${r.dryRun ? ' (dry run)' : ''}`;
}

function callsTable(rs: readonly ScenarioResult[]): string[] {
  const out = [
    '| scenario | N | changed PS / CRM | pulled PS / CRM | plan | API | calls | optimum reads / writes | ratio reads / writes |',
    '|---|---:|---|---|---|---|---|---|---|',
  ];
  for (const r of rs)
    for (const api of Object.keys(r.calls) as Api[]) {
      const o = r.optimum[api];
      const q = r.ratios[api];
      const changed = r.delta ?? r.summary.pulled;
      out.push(
        `| ${label(r)} | ${n0(r.n)} | ${n0(changed.propstreet)} / ${n0(changed.crm)} | ${n0(r.summary.pulled.propstreet)} / ${n0(r.summary.pulled.crm)} | ${plan(r)} | ${API_LABEL[api]} | ${kinds(r.calls[api])} | ${o?.reads ?? '–'} / ${o?.writes ?? '–'} | ${f(q?.reads)} / ${f(q?.writes)} |`,
      );
    }
  return out;
}

function timeTable(rs: readonly (ScenarioResult & { run: number })[]): string[] {
  const out = [
    '| scenario | N | run | wall | rate bound (measured calls) | rate bound (optimum calls) | wall / bound | naive baseline | peak RSS sampled / max (start) MB | CPU s per 1k records | records per CPU-s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|',
  ];
  for (const r of rs)
    out.push(
      `| ${label(r)} | ${n0(r.n)} | ${r.run} | ${dur(r.wallS)} | ${r.kind === 'engine' ? '–' : dur(r.boundS)} | ${r.kind === 'engine' ? '–' : dur(r.optimumBoundS)} | ${r.wallToBound === null ? '–' : f(r.wallToBound)} | ${r.naive ? dur(r.naive.seconds) : '–'} | ${f(r.perf.peakRssMb, 0)} / ${f(r.perf.maxRssMb, 0)} (${f(r.perf.startRssMb, 0)}) | ${f(r.perf.cpuSPer1000, 3)} | ${n0(r.perf.recordsPerCpuS)} |`,
    );
  return out;
}

function projectionTable(rs: readonly ScenarioResult[]): string[] {
  const rows = rs.filter((r) => r.projections);
  if (rows.length === 0) return ['No first-sync scenario ran.'];
  const out = [
    '| scenario | measured at N | projected N | rate bound, measured calls/record | rate bound, optimum calls | Salesforce daily allowance used |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows)
    for (const p of r.projections ?? [])
      out.push(
        `| ${label(r)} | ${n0(r.n)} | ${n0(p.n)} | ${dur(p.boundS)} | ${dur(p.optimumBoundS)} | ${p.salesforceDailyShare === undefined ? '–' : `${(p.salesforceDailyShare * 100).toFixed(1)} %`} |`,
      );
  return out;
}

function targetTable(rs: readonly ScenarioResult[]): string[] {
  const out = ['| scenario | N | target | goal | value | met |', '|---|---:|---|---|---|---|'];
  for (const r of rs)
    for (const t of r.targets)
      out.push(
        `| ${label(r)} | ${n0(r.n)} | ${t.name} | ${t.goal} | ${t.value} | ${t.met === null ? `n/a (${t.why ?? ''})` : t.met ? 'yes' : '**no**'} |`,
      );
  return out;
}

function runsTable(doc: BenchResults): string[] {
  const out = [
    '| run | started (UTC) | commit | command | took | N: network (reverse); engine | latency ms | windows | overlap | load avg (1/5/15 min) start → end |',
    '|---:|---|---|---|---:|---|---|---|---:|---|',
  ];
  const load = (xs: readonly number[]) => xs.map((x) => x.toFixed(1)).join('/');
  doc.runs.forEach((r, i) => {
    const o = r.options;
    out.push(
      `| ${i} | ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${r.commit ?? '?'} | \`npm run bench -- ${r.argv.join(' ')}\` | ${dur(r.totalSeconds)} | ${n0(o.n)}${o.reverseN === undefined || o.reverseN === o.n ? '' : ` (${n0(o.reverseN)})`}; ${o.engineN.map(n0).join(', ')} | ${o.latency[0]}–${o.latency[1]} | ${o.quick ? 'scaled 10× down' : 'real'} | ${o.overlapSeconds} s | ${load(r.loadAverage.start)} → ${load(r.loadAverage.end)} |`,
    );
  });
  return out;
}

export function renderResults(doc: BenchResults): string {
  const m = doc.machine;
  const rs = doc.scenarios;
  return [
    '# propsync benchmark results',
    '',
    `Generated by \`npm run bench\` (bench/run.ts); findings and how to read this: bench/README.md.`,
    `Machine: ${m.cpuCount}× ${m.cpuModel}, ${m.memoryGb.toFixed(1)} GB, Node ${m.node}, ${m.platform}. ` +
      'The machine is shared with other work: wall times are noisy, CPU times less so (see the load averages).',
    '',
    '## Summary: issue #16 targets',
    '',
    `Run ${doc.runs.length - 1} (the latest) only: one row per target it measured, none for what it did not run. ` +
      'Naive baseline: computed (see How). “Not checked”: measured, but not where the target is stated.',
    '',
    ...renderSummary(buildSummary(latestRunContext(doc), SUMMARY_ROWS)),
    '',
    '## Runs',
    '',
    ...runsTable(doc),
    '',
    '## How',
    '',
    ...doc.notes.map((n) => `- ${n}`),
    '',
    '## API calls',
    '',
    ...callsTable(rs),
    '',
    '## Time and resources',
    '',
    ...timeTable(rs),
    '',
    '## Rate-limit bound projected from measured calls per record',
    '',
    ...projectionTable(rs),
    '',
    '## Targets',
    '',
    ...targetTable(rs),
    '',
  ].join('\n');
}
