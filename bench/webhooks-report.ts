/**
 * The webhooks scenario's results: kept in bench/webhooks-results.json (the latest run per
 * tenant count) and shown in the `webhooks-latency` section of bench/RESULTS.md, which the
 * other scenarios' rewrites of that file keep.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEBHOOKS_SECTION, withMarkedSection } from './report-section.js';
import type { Direction, LatencyStats } from './webhook-edits.js';
import type { WebhookBenchResult } from './webhooks.js';

const TARGETS = { p95: 10, p99: 30 } as const;

export interface WebhookRunRecord extends WebhookBenchResult {
  readonly commit?: string;
  readonly argv: readonly string[];
}

const s = (x: number | null) => (x === null ? '–' : `${x.toFixed(2)} s`);
const la = (xs: readonly number[]) => xs.map((x) => x.toFixed(1)).join('/');

/** Whether a run meets the targets: every edit arrived, p95 ≤ 10 s, p99 ≤ 30 s. */
export function meetsTargets(r: WebhookBenchResult): { p95: boolean; p99: boolean; allArrived: boolean } {
  const all = r.latency.all;
  return {
    p95: all.p95 !== null && all.p95 <= TARGETS.p95,
    p99: all.p99 !== null && all.p99 <= TARGETS.p99,
    allArrived: all.arrived === all.edits,
  };
}

function renderWebhooks(runs: readonly WebhookRunRecord[]): string {
  const out = [
    '## Webhooks: edit → other side (`--scenario webhooks`)',
    '',
    'K tenants, each with its own Propstreet and HubSpot fakes and one HubSpot connection, served by one',
    'in-process `propsync serve` (SQLite state, runs in process); both fakes of every tenant send their',
    'webhooks to it, and nothing else starts a run (no schedule). After an unmeasured first sync, users',
    'edit both sides of every tenant; an edit’s latency runs from the edit to its value in the other',
    'side’s store (polled every 25 ms). Every API call and every webhook delivery gets the latency shown.',
    'Salesforce is left out: it has no webhook source yet, so its changes would wait for the schedule.',
    `Targets: p95 ≤ ${TARGETS.p95} s, p99 ≤ ${TARGETS.p99} s, every edit arrives. The machine is shared`,
    '(2 cores, several agents): the load averages and the event-loop delay say how busy it was.',
    '',
    '| started (UTC) | commit | tenants × connections | edits PS→HS / HS→PS (every, for) | latency ms | debounce | concurrency | p50 | p95 | p99 | max | arrived | targets |',
    '|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of runs) {
    const o = r.options;
    const t = meetsTargets(r);
    const a = r.latency.all;
    const d = (k: Direction) => r.latency[k].edits;
    out.push(
      `| ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${r.commit ?? '–'} | ${o.tenants} × 1 (HubSpot) | ${d('propstreet→hubspot')} / ${d('hubspot→propstreet')} (${o.editEverySeconds} s, ${o.seconds} s) | ${o.latency[0]}–${o.latency[1]} | ${o.debounceMs / 1000} s | ${o.concurrency} | ${s(a.p50)} | ${s(a.p95)} | ${s(a.p99)} | ${s(a.max)} | ${a.arrived}/${a.edits} | ${t.p95 && t.p99 && t.allArrived ? 'met' : `**missed** (${[!t.p95 && 'p95', !t.p99 && 'p99', !t.allArrived && 'missing edits'].filter(Boolean).join(', ')})`} |`,
    );
  }
  out.push(
    '',
    '| tenants | direction | edits | p50 | p95 | p99 | max |',
    '|---:|---|---:|---:|---:|---:|---:|',
  );
  for (const r of runs)
    for (const k of ['propstreet→hubspot', 'hubspot→propstreet'] as const) {
      const x: LatencyStats = r.latency[k];
      out.push(
        `| ${r.options.tenants} | ${k} | ${x.arrived}/${x.edits} | ${s(x.p50)} | ${s(x.p95)} | ${s(x.p99)} | ${s(x.max)} |`,
      );
    }
  out.push(
    '',
    '| tenants | events received PS / HS (+ duplicates) | deliveries | runs started | of them quiet (0 writes) | failed | events per run (debounce ratio) | event-loop delay p99 | load avg start → end | took |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---|---:|',
  );
  for (const r of runs)
    out.push(
      `| ${r.options.tenants} | ${r.events.propstreet} / ${r.events.hubspot} (+${r.events.duplicate}) | ${r.deliveries} | ${r.runs} | ${r.quietRuns} | ${r.failedRuns} | ${r.eventsPerRun.toFixed(2)} | ${r.eventLoopDelayP99Ms.toFixed(0)} ms | ${la(r.loadAverage.start)} → ${la(r.loadAverage.end)} | ${(r.seconds / 60).toFixed(1)} min |`,
    );
  out.push(
    '',
    `Commands: ${[...new Set(runs.map((r) => `\`npm run bench -- ${r.argv.join(' ')}\``))].join(', ')}.`,
  );
  return out.join('\n');
}

/** Keeps this run (replacing the one with the same tenant count) and rewrites the RESULTS.md section. */
export function recordWebhookRun(outDir: string, run: WebhookRunRecord): readonly WebhookRunRecord[] {
  const file = join(outDir, 'webhooks-results.json');
  const earlier: WebhookRunRecord[] = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as WebhookRunRecord[])
    : [];
  const runs = [...earlier.filter((r) => r.options.tenants !== run.options.tenants), run].sort(
    (a, b) => a.options.tenants - b.options.tenants,
  );
  writeFileSync(file, `${JSON.stringify(runs, null, 2)}\n`);
  const md = join(outDir, 'RESULTS.md');
  const text = existsSync(md) ? readFileSync(md, 'utf8') : '# propsync benchmark results\n';
  writeFileSync(md, withMarkedSection(text, WEBHOOKS_SECTION, renderWebhooks(runs)));
  return runs;
}
