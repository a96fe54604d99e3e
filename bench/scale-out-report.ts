/**
 * The scale-out scenario's results: the latest run per size in bench/scale-out-results.json,
 * shown in the `scale-out` section of bench/RESULTS.md (kept by the other scenarios' rewrites).
 */
import { keepRun } from './kept-runs.js';
import { SCALE_OUT_SECTION } from './report-section.js';
import type { ScaleOutResult } from './scale-out.js';

export interface ScaleOutRecord extends ScaleOutResult {
  readonly commit?: string;
  readonly argv: readonly string[];
}

const la = (xs: readonly number[]) => xs.map((x) => x.toFixed(1)).join('/');
const size = (r: ScaleOutRecord) =>
  `${r.options.tenants}x${r.options.contacts}c${r.options.concurrency}:${r.options.workers.join(',')}:${r.options.tokens.join(',')}`;
const TOKENS = { own: 'own token per tenant', shared: 'one token for all' } as const;

function render(records: readonly ScaleOutRecord[]): string {
  const out = [
    '## Scale-out: tenants per hour by worker count (`--scenario scale-out`)',
    '',
    'Issue #16 target 6. T tenants, each with its own fakes (Propstreet, HubSpot) answering in the',
    "given latency with the real limits; each tenant's job is a scheduled incremental run over an",
    'already-synced tenant (1 % of its contacts edited on each side), all enqueued at once through',
    'pg-boss and drained by K `propsync worker` processes (state in PostgreSQL). Wall: first enqueue',
    "to last job done (the database's clock). Speed-up against the fewest workers; efficiency =",
    'speed-up / worker ratio (1 = linear). CPU: the workers\' user + system (/proc); "fakes" is the',
    "bench process holding every tenant's fakes; machine busy = all cores, other work included (the",
    'machine is shared). CPU ceiling: tenants/h if the workers had every core at their measured',
    "CPU-seconds per job. Token bound: the busiest Propstreet token's calls at 600/min.",
    '',
    '| started (UTC) | commit | tenants × contacts | Propstreet token | K workers (× concurrency) | wall | tenants/h | speed-up | efficiency | run p50 / p95 | worker CPU-s (per job) | CPU ceiling, tenants/h | fakes CPU-s | machine busy | load avg start → end | calls PS / HS | 429s | token bound | jobs ok |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|---:|---:|---:|',
  ];
  for (const r of records)
    for (const m of r.modes)
      for (const run of m.runs)
        out.push(
          `| ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${r.commit ?? '–'} | ${r.options.tenants} × ${r.options.contacts} | ${TOKENS[m.tokens]} | ${run.workers} (× ${r.options.concurrency}) | ${run.wallS.toFixed(1)} s | **${Math.round(run.tenantsPerHour).toLocaleString('en')}** | ${run.speedUp.toFixed(2)}× | ${run.efficiency.toFixed(2)} | ${run.runS.p50.toFixed(2)} / ${run.runS.p95.toFixed(2)} s | ${run.workerCpuS.toFixed(1)} (${(run.workerCpuS / Math.max(1, r.options.tenants)).toFixed(2)}) | ${Math.round(run.cpuCeilingPerHour).toLocaleString('en')} | ${run.fakesCpuS.toFixed(1)} | ${(run.machineBusy * 100).toFixed(0)} % | ${la(run.loadAverage.start)} → ${la(run.loadAverage.end)} | ${run.calls.propstreet} / ${run.calls.hubspot} | ${run.rateLimited.propstreet + run.rateLimited.hubspot === 0 ? '**0**' : `${run.rateLimited.propstreet} / ${run.rateLimited.hubspot}`} | ${run.tokenBoundS.toFixed(1)} s | ${run.okJobs}/${r.options.tenants} |`,
        );
  out.push(
    '',
    `Latency ${[...new Set(records.map((r) => `${r.options.latency[0]}–${r.options.latency[1]} ms`))].join(', ')} per call. ` +
      `Set-up (first sync + settle run per tenant, no latency, unmeasured): ${records
        .flatMap((r) => r.modes.map((m) => `${m.setupS.toFixed(0)} s`))
        .join(', ')}. ` +
      `Commands: ${[...new Set(records.map((r) => `\`npm run bench -- ${r.argv.join(' ')}\``))].join(', ')}.`,
  );
  return out.join('\n');
}

/** Keeps this run (replacing the one of the same size) and rewrites the RESULTS.md section. */
export function recordScaleOutRun(outDir: string, run: ScaleOutRecord): void {
  keepRun(
    outDir,
    {
      file: 'scale-out-results.json',
      section: SCALE_OUT_SECTION,
      sameAs: (a, b) => size(a) === size(b),
      render,
    },
    run,
  );
}
