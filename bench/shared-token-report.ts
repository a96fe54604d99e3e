/**
 * The shared-token scenario's results: the latest run per size in bench/shared-token-results.json,
 * shown in the `shared-token` section of bench/RESULTS.md (kept by the other scenarios' rewrites).
 */
import { keepRun } from './kept-runs.js';
import { SHARED_TOKEN_SECTION } from './report-section.js';
import type { SharedTokenResult } from './shared-token.js';

export interface SharedTokenRecord extends SharedTokenResult {
  readonly commit?: string;
  readonly argv: readonly string[];
}

const la = (xs: readonly number[]) => xs.map((x) => x.toFixed(1)).join('/');
const size = (r: SharedTokenRecord) => `${r.options.workers}x${r.options.contacts}`;

function render(records: readonly SharedTokenRecord[]): string {
  const out = [
    '## One Propstreet token, several workers (`--scenario shared-token`)',
    '',
    'K worker processes (the real stack, one child process each) on ONE Propstreet token, each doing a',
    "first sync of its own tenant (N contacts into an empty HubSpot) at the same time. The tenants'",
    'Propstreet fakes count in one window for the token (600 per 60 s, as Propstreet counts a token),',
    'so the processes only stay under it by pacing together. Each size runs twice on fresh fakes:',
    'state in PostgreSQL (the shared budget) and in SQLite files (each process its own budget: the',
    "naive baseline). Counts are the fakes' own. Target (issue #16): 0 × 429, never above 600 a window.",
    '',
    '| started (UTC) | commit | workers × contacts | latency ms | limiter | Propstreet requests | 429s | accepted per window (limit 600) | accepted per min, first to last request | wall | workers ok | load avg |',
    '|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of records)
    for (const run of r.runs)
      out.push(
        `| ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${r.commit ?? '–'} | ${r.options.workers} × ${r.options.contacts} | ${r.options.latency[0]}–${r.options.latency[1]} | ${run.limiter} | ${run.requests} | ${run.rateLimited === 0 ? '**0**' : run.rateLimited} | ${run.busiestWindow} | ${run.perMinute.toFixed(0)} | ${run.wallS.toFixed(1)} s | ${run.workers.filter((w) => w.status === 'ok').length}/${run.workers.length} | ${la(r.loadAverage.start)} → ${la(r.loadAverage.end)} |`,
      );
  out.push(
    '',
    `Commands: ${[...new Set(records.map((r) => `\`npm run bench -- ${r.argv.join(' ')}\``))].join(', ')}.`,
  );
  return out.join('\n');
}

/** Keeps this run (replacing the one of the same size) and rewrites the RESULTS.md section. */
export function recordSharedTokenRun(outDir: string, run: SharedTokenRecord): void {
  keepRun(
    outDir,
    {
      file: 'shared-token-results.json',
      section: SHARED_TOKEN_SECTION,
      sameAs: (a, b) => size(a) === size(b),
      render,
    },
    run,
  );
}
