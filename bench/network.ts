/**
 * Network scenarios: the three fakes in this process, the sync in a child process, per CRM a
 * chain of runs on one sandbox and one state file. Forward: Propstreet contacts into an empty
 * CRM (initial), the run after it that reads its own writes back (settle), 1% edited on each
 * side (incremental), the run that reads those writes back (incremental-echo), nothing changed
 * (nochange). Reverse: CRM-only records into an empty Propstreet. Steps before the first
 * measured one run unmeasured with no limits and no latency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_UPSERT_PATH } from '../fakes/propstreet/index.js';
import { startSandbox } from '../fakes/sandbox/sandbox.js';
import { seedHubSpot, seedPropstreet, seedSalesforce } from '../test/e2e/support.js';
import { markLogs, markPageOrder, type PageOrder, withKeySample } from './fake-calls.js';
import type { RunSummary } from './jobs.js';
import {
  type ApiCalls,
  apiBoundsS,
  crmWrites,
  type Delta,
  naiveBaseline,
  propstreetWrites,
} from './model.js';
import { editOnePercent, type Limits, probeRtt, setFast, setReal, writeTenants } from './sandbox-modes.js';
import { buildResult, type ScenarioResult } from './scenario-result.js';
import { spawnJob } from './spawn-job.js';

export type Crm = 'hubspot' | 'salesforce';
export const FORWARD_STEPS = ['initial', 'settle', 'incremental', 'incremental-echo', 'nochange'] as const;
export type Step = (typeof FORWARD_STEPS)[number];

export interface ChainOptions extends Limits {
  readonly crm: Crm;
  readonly reverse: boolean;
  readonly n: number;
  /** Steps to measure; earlier steps run as set-up. */
  readonly measure: ReadonlySet<Step>;
  readonly overlapSeconds: number;
  /** The tenant's refWriteBacks.drainFor; the bench default (24h: every ref written) when unset. */
  readonly drainFor?: string;
  readonly projectTo: readonly number[];
  readonly log: (line: string) => void;
  /** Create in Propstreet through the batch upsert (`-batch` scenarios). */
  readonly batchUpsert?: boolean | undefined;
}

export const scenarioName = (crm: Crm, reverse: boolean, step: Step): string =>
  reverse ? `reverse-${crm}` : `${step}-${crm}`;

export async function runChain(o: ChainOptions): Promise<ScenarioResult[]> {
  const steps: readonly Step[] = o.reverse ? ['initial'] : FORWARD_STEPS;
  const last = Math.max(...steps.map((s, i) => (o.measure.has(s) ? i : -1)));
  if (last < 0) return [];
  const sb = await startSandbox({
    hubspot: o.crm === 'hubspot',
    salesforce: o.crm === 'salesforce',
    seed: 1,
  });
  const dir = mkdtempSync(join(tmpdir(), 'propsync-bench-'));
  const results: ScenarioResult[] = [];
  try {
    const batch = o.reverse && o.batchUpsert === true;
    const tenants = writeTenants(sb, dir, o.crm, o.overlapSeconds, {
      ...(batch ? { batchUpsertPath: BATCH_UPSERT_PATH } : {}),
      ...(o.drainFor ? { drainFor: o.drainFor } : {}),
    });
    if (!o.reverse) seedPropstreet(sb, 0, o.n);
    else if (o.crm === 'hubspot') seedHubSpot(sb, 0, o.n);
    else seedSalesforce(sb, 0, o.n);

    let rtt: Awaited<ReturnType<typeof probeRtt>> | undefined;
    // What changed on each side since the last run: the seed, then the previous run's own
    // writes (they come back as echoes) plus the users' edits.
    let delta: Delta = { propstreet: o.reverse ? 0 : o.n, crm: o.reverse ? o.n : 0 };
    const ran = (summary: RunSummary) => {
      delta = { propstreet: propstreetWrites(summary.done), crm: crmWrites(summary.done) };
    };
    for (const step of steps.slice(0, last + 1)) {
      const name = `${scenarioName(o.crm, o.reverse, step)}${batch ? '-batch' : ''}`;
      const measured = o.measure.has(step);
      if (step === 'incremental') {
        const edited = editOnePercent(sb, o.crm, o.n);
        delta = { propstreet: delta.propstreet + edited.propstreet, crm: delta.crm + edited.crm };
      }
      if (!measured) {
        setFast(sb);
        o.log(`  ${name}: set-up run (no limits, no latency)`);
        const r = await spawnJob({ kind: 'tenant', configPath: tenants.fast, env: sb.env, dryRun: false });
        if (r.summary.status !== 'ok') throw new Error(`set-up run ${name}: ${JSON.stringify(r.summary)}`);
        ran(r.summary);
        continue;
      }
      setReal(sb, o);
      if (!rtt) {
        rtt = await probeRtt(sb);
        setReal(sb, o); // the probes must not eat into the measured run's rate windows
      }
      o.log(`  ${name}: measuring (N = ${o.n})`);
      const calls = markLogs(sb, ['propstreet', o.crm]);
      const order = markPageOrder(sb, o.crm);
      const report = await spawnJob({ kind: 'tenant', configPath: tenants.real, env: sb.env, dryRun: false });
      const pageOrder = order();
      const result = buildResult({
        scenario: name,
        batchUpsert: batch,
        overlapSeconds: o.overlapSeconds,
        kind: 'network',
        crm: o.crm,
        n: o.n,
        dryRun: false,
        incremental: step !== 'initial',
        zeroChange: step === 'nochange',
        delta,
        summary: report.summary,
        calls: step === 'initial' ? withKeySample(calls(), o.crm) : calls(),
        measured: report.measured,
        naive: naiveBaseline(o.crm, report.summary, rtt),
        rttMs: rtt,
        ...(step === 'initial' ? { projectTo: o.projectTo } : {}),
        ...(step === 'initial' && pageOrder ? { pageOrder } : {}),
      });
      results.push(result);
      ran(report.summary);
      o.log(
        `  ${name}: ${result.summary.status}, ${result.wallS.toFixed(1)} s (bound ${result.boundS.toFixed(1)} s), ` +
          `calls ${JSON.stringify(result.calls)}${crmComplete(result)}${firstWrite(pageOrder)}`,
      );
    }
  } finally {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

function firstWrite(order: PageOrder | undefined): string {
  if (!order) return '';
  const pace = order.crmWriteSpanS > 0 ? ` (${(order.crmWrites / order.crmWriteSpanS).toFixed(1)}/s)` : '';
  return (
    `\n    first CRM write after ${order.pagesBefore} of ${order.pages} Propstreet pages; ` +
    `CRM writes ${order.crmWrites} in ${order.crmWriteSpanS.toFixed(1)} s${pace}`
  );
}

/** CRM complete against the CRM's own bound, all refs written against Propstreet's (issue #16 target 1). */
function crmComplete(result: { summary: RunSummary; wallS: number; calls: ApiCalls }): string {
  const at = result.summary.crmCompleteS;
  if (at === undefined) return '';
  const bounds = apiBoundsS(result.calls);
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–');
  return (
    `\n    CRM complete ${at.toFixed(1)} s (HubSpot bound ${bounds.hubspot.toFixed(1)} s, ${ratio(at, bounds.hubspot)}×), ` +
    `all refs written ${result.wallS.toFixed(1)} s (Propstreet bound ${bounds.propstreet.toFixed(1)} s, ${ratio(result.wallS, bounds.propstreet)}×)`
  );
}
