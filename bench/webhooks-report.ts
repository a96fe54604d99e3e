/**
 * The webhooks scenario's results: kept in bench/webhooks-results.json (the latest run per
 * tenants × connections) and shown in the `webhooks-latency` section of bench/RESULTS.md, which the
 * other scenarios' rewrites of that file keep.
 */
import { keepRun } from './kept-runs.js';
import { WEBHOOKS_SECTION } from './report-section.js';
import { PATHS, type Path, type Side } from './webhook-edits.js';
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

const connectionsOf = (r: WebhookBenchResult): number => r.options.connections;
const shape = (r: WebhookBenchResult) =>
  `${r.options.tenants} × ${connectionsOf(r) === 2 ? '2 (HubSpot, Salesforce CDC)' : '1 (HubSpot)'}`;
const pathsOf = (r: WebhookBenchResult): Path[] => PATHS.filter((p) => r.latency[p] !== undefined);
const editsOn = (r: WebhookBenchResult, side: Side): number | undefined => r.edits[side];
/** Paths between the two CRMs go through Propstreet: two runs. */
const hops = (p: Path) => (p.includes('propstreet') ? 1 : 2);

function renderWebhooks(runs: readonly WebhookRunRecord[]): string {
  const out = [
    '## Webhooks: edit → other side (`--scenario webhooks`)',
    '',
    'K tenants, each with its own fakes, served by one in-process `propsync serve` (SQLite state, runs in',
    'process); nothing else starts a run (no schedule). With 2 connections (the default) each tenant',
    'syncs Propstreet with HubSpot and with Salesforce (`changeEvents: true`): the Propstreet fake sends',
    'its webhooks to the tenant-wide endpoint (runs both connections), the HubSpot fake to the HubSpot',
    'connection’s, and `serve` subscribes to the Salesforce fake’s change events (CometD). With 1,',
    'HubSpot only. After an unmeasured first sync, users edit every side of every tenant; an edit’s',
    'latency runs from the edit to its value in each other side’s store (polled every 25 ms); HubSpot ⇄',
    'Salesforce goes through Propstreet (two runs). Every API call, webhook delivery and change event',
    `delivery gets the latency shown. Targets, over all edit → other side arrivals: p95 ≤ ${TARGETS.p95} s,`,
    `p99 ≤ ${TARGETS.p99} s, every edit arrives. The machine is shared (2 cores, several agents): the load`,
    'averages and the event-loop delay say how busy it was.',
    '',
    '| started (UTC) | commit | tenants × connections | user edits PS / HS / SF (every, for) | latency ms | debounce | concurrency | p50 | p95 | p99 | max | arrived | targets |',
    '|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of runs) {
    const o = r.options;
    const t = meetsTargets(r);
    const a = r.latency.all;
    const e = (side: Side) => editsOn(r, side) ?? '–';
    out.push(
      `| ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${r.commit ?? '–'} | ${shape(r)} | ${e('propstreet')} / ${e('hubspot')} / ${e('salesforce')} (${o.editEverySeconds} s, ${o.seconds} s) | ${o.latency[0]}–${o.latency[1]} | ${o.debounceMs / 1000} s | ${o.concurrency} | ${s(a.p50)} | ${s(a.p95)} | ${s(a.p99)} | ${s(a.max)} | ${a.arrived}/${a.edits} | ${t.p95 && t.p99 && t.allArrived ? 'met' : `**missed** (${[!t.p95 && 'p95', !t.p99 && 'p99', !t.allArrived && 'missing edits'].filter(Boolean).join(', ')})`} |`,
    );
  }
  out.push(
    '',
    '| tenants × connections | path | runs on the way | arrived | p50 | p95 | p99 | max |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of runs)
    for (const p of pathsOf(r)) {
      const x = r.latency[p];
      if (!x) continue;
      out.push(
        `| ${shape(r)} | ${p} | ${hops(p)} | ${x.arrived}/${x.edits} | ${s(x.p50)} | ${s(x.p95)} | ${s(x.p99)} | ${s(x.max)} |`,
      );
    }
  out.push(
    '',
    '| tenants × connections | events received PS / HS / SF change events (+ SF own writes, + duplicates) | webhook deliveries | runs started | of them quiet (0 writes) | failed | events per run | event-loop delay p99 | load avg start → end | took |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---:|',
  );
  for (const r of runs) {
    const ev = r.events;
    const sf = connectionsOf(r) === 2 ? `${ev.salesforce}` : '–';
    out.push(
      `| ${shape(r)} | ${ev.propstreet} / ${ev.hubspot} / ${sf} (+${ev.salesforceOwn}, +${ev.duplicate}) | ${r.deliveries} | ${r.runs} | ${r.quietRuns} | ${r.failedRuns} | ${r.eventsPerRun.toFixed(2)} | ${r.eventLoopDelayP99Ms.toFixed(0)} ms | ${la(r.loadAverage.start)} → ${la(r.loadAverage.end)} | ${(r.seconds / 60).toFixed(1)} min |`,
    );
  }
  out.push(
    '',
    'Where the time goes besides the debounce: a dispatched run waits for one of `serve`’s run slots (`--serve-concurrency`), then runs.',
    '',
    '| tenants × connections | slot wait p50 / p95 / max | run time p50 / p95 per connection | all slots taken |',
    '|---|---|---|---:|',
  );
  for (const r of runs) {
    const p = r.profile;
    if (p.slotWait.count === 0) continue;
    const w = p.slotWait;
    const times = Object.entries(p.runSeconds)
      .map(([name, x]) => `${name} ${s(x.p50)} / ${s(x.p95)} (${x.count})`)
      .join('; ');
    out.push(
      `| ${shape(r)} | ${s(w.p50)} / ${s(w.p95)} / ${s(w.max)} | ${times} | ${(p.saturated * 100).toFixed(0)} % |`,
    );
  }
  out.push(
    '',
    `Commands: ${[...new Set(runs.map((r) => `\`npm run bench -- ${r.argv.join(' ')}\``))].join(', ')}.`,
  );
  return out.join('\n');
}

/** A run as kept by an earlier version of the bench: one HubSpot connection, no per-side counts. */
type StoredRun = Omit<WebhookRunRecord, 'options' | 'edits' | 'events' | 'profile'> & {
  readonly profile?: WebhookRunRecord['profile'];
  readonly options: Omit<WebhookRunRecord['options'], 'connections'> & { readonly connections?: 1 | 2 };
  readonly edits?: WebhookRunRecord['edits'];
  readonly events: Omit<WebhookRunRecord['events'], 'salesforce' | 'salesforceOwn'> &
    Partial<Pick<WebhookRunRecord['events'], 'salesforce' | 'salesforceOwn'>>;
};

function upgrade(r: StoredRun): WebhookRunRecord {
  return {
    ...r,
    options: { ...r.options, connections: r.options.connections ?? 1 },
    edits: r.edits ?? {
      propstreet: r.latency['propstreet→hubspot']?.edits ?? 0,
      hubspot: r.latency['hubspot→propstreet']?.edits ?? 0,
    },
    profile: r.profile ?? {
      slotWait: { count: 0, p50: null, p95: null, max: null },
      runSeconds: {},
      saturated: 0,
    },
    events: { ...r.events, salesforce: r.events.salesforce ?? 0, salesforceOwn: r.events.salesforceOwn ?? 0 },
  };
}

/** Keeps this run (replacing the one of the same shape: tenants × connections) and rewrites the RESULTS.md section. */
export function recordWebhookRun(outDir: string, run: WebhookRunRecord): readonly WebhookRunRecord[] {
  return keepRun<WebhookRunRecord>(
    outDir,
    {
      file: 'webhooks-results.json',
      section: WEBHOOKS_SECTION,
      upgrade: (stored) => upgrade(stored as StoredRun),
      sameAs: (a, b) => a.options.tenants === b.options.tenants && connectionsOf(a) === connectionsOf(b),
      order: (a, b) => connectionsOf(a) - connectionsOf(b) || a.options.tenants - b.options.tenants,
      render: renderWebhooks,
    },
    run,
  );
}
