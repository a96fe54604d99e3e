/**
 * `npm run bench`: measures propsync against the sandbox fakes and on in-memory ports, and
 * writes bench/results.json and bench/RESULTS.md. With no flags it runs every scenario at a
 * CI size (network N = 500, engine N = 10k and 100k; under 10 minutes on 2 cores);
 * `--full` runs network N = 10k and engine N up to 1M.
 *
 *   npm run bench -- --scenario initial-hubspot --n 10000 --latency 40,120 --quick
 *   npm run bench -- --scenario webhooks --tenants 20
 *
 * `webhooks` (bench/webhooks.ts) measures edit → other side latency through `propsync serve`;
 * its results go to bench/webhooks-results.json and a section of RESULTS.md, not results.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ENGINE_STEPS, type EngineStep, runEngineScenarios } from './engine.js';
import { type Crm, FORWARD_STEPS, runChain, type Step, scenarioName } from './network.js';
import { renderResults } from './render-results.js';
import { KEPT_SECTIONS, markedSection } from './report-section.js';
import { appendRun, type BenchOptions, type BenchResults, commitUnderTest } from './results.js';
import type { ScenarioResult } from './scenario-result.js';
import { runWebhookBench, type WebhookBenchOptions } from './webhooks.js';
import { meetsTargets, recordWebhookRun } from './webhooks-report.js';

const CRMS: readonly Crm[] = ['hubspot', 'salesforce'];
const NETWORK = CRMS.flatMap((crm) => [
  ...FORWARD_STEPS.map((s) => scenarioName(crm, false, s)),
  `reverse-${crm}`,
]);
export const WEBHOOKS = 'webhooks';
export const SCENARIOS: readonly string[] = [...NETWORK, ...ENGINE_STEPS, WEBHOOKS];
const GROUPS: Record<string, readonly string[]> = {
  all: SCENARIOS,
  network: NETWORK,
  engine: ENGINE_STEPS,
  hubspot: NETWORK.filter((s) => s.endsWith('-hubspot')),
  salesforce: NETWORK.filter((s) => s.endsWith('-salesforce')),
};
const PROJECT_TO = [100_000, 1_000_000];

export function expandScenarios(list: string): string[] {
  const out = new Set<string>();
  for (const name of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const group = GROUPS[name];
    if (group) for (const s of group) out.add(s);
    else if (SCENARIOS.includes(name)) out.add(name);
    else
      throw new InvalidArgumentError(
        `unknown scenario "${name}"; known: ${[...Object.keys(GROUPS), ...SCENARIOS].join(', ')}`,
      );
  }
  return SCENARIOS.filter((s) => out.has(s));
}

export async function runBench(
  options: BenchOptions,
  argv: readonly string[] = [],
  log = console.log,
  append = false,
): Promise<BenchResults> {
  const load = loadavg();
  const startedAt = new Date().toISOString();
  const commit = commitUnderTest();
  const t0 = performance.now();
  const chosen = new Set(options.scenarios);
  const scenarios: ScenarioResult[] = [];
  for (const crm of CRMS)
    for (const reverse of [false, true]) {
      const measure = new Set<Step>(FORWARD_STEPS.filter((s) => chosen.has(scenarioName(crm, reverse, s))));
      if (measure.size === 0) continue;
      log(`${reverse ? 'reverse' : 'forward'} ${crm}, N = ${options.n}`);
      scenarios.push(...(await runChain({ ...options, crm, reverse, measure, projectTo: PROJECT_TO, log })));
    }
  const engineSteps = new Set<EngineStep>(ENGINE_STEPS.filter((s) => chosen.has(s)));
  if (engineSteps.size > 0)
    for (const n of options.engineN) {
      log(`engine alone, N = ${n.toLocaleString('en')}`);
      scenarios.push(...(await runEngineScenarios({ n, measure: engineSteps, log })));
    }

  const file = join(options.out, 'results.json');
  const earlier =
    append && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchResults) : undefined;
  const doc = appendRun(
    earlier,
    {
      startedAt,
      ...(commit ? { commit } : {}),
      argv,
      totalSeconds: (performance.now() - t0) / 1000,
      loadAverage: { start: load, end: loadavg() },
      options,
    },
    scenarios,
  );
  mkdirSync(options.out, { recursive: true });
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  // Keep the sections other commands write (webhook latencies, the HTML report's figures).
  const resultsMd = join(options.out, 'RESULTS.md');
  const old = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : '';
  const kept = KEPT_SECTIONS.map((name) => markedSection(old, name)).filter(Boolean);
  writeFileSync(
    resultsMd,
    kept.length > 0 ? `${renderResults(doc).trimEnd()}\n\n${kept.join('\n\n')}\n` : renderResults(doc),
  );
  log(`wrote ${join(options.out, 'results.json')} and RESULTS.md`);
  return doc;
}

export type WebhookSettings = Omit<WebhookBenchOptions, 'latency' | 'log'>;

/** The webhooks scenario: runs it, keeps its result, and updates its section of RESULTS.md. */
export async function runWebhooksScenario(
  settings: WebhookSettings & { latency: readonly [number, number]; out: string },
  argv: readonly string[],
  log = console.log,
): Promise<void> {
  const { out, ...o } = settings;
  const crms = o.connections === 2 ? 'HubSpot + Salesforce (change events)' : 'HubSpot';
  log(`webhooks: ${o.tenants} tenants × ${crms}, edits for ${o.seconds} s`);
  const result = await runWebhookBench({ ...o, log });
  const commit = commitUnderTest();
  recordWebhookRun(out, { ...result, ...(commit ? { commit } : {}), argv });
  const a = result.latency.all;
  const f = (x: number | null) => (x === null ? '–' : `${x.toFixed(2)} s`);
  const t = meetsTargets(result);
  log(
    `  ${a.arrived}/${a.edits} edit arrivals (edits × other sides): p50 ${f(a.p50)}, p95 ${f(a.p95)}, p99 ${f(a.p99)}, max ${f(a.max)}; ` +
      `${result.runs} runs (${result.quietRuns} quiet), ${result.eventsPerRun.toFixed(2)} events per run; ` +
      `targets ${t.p95 && t.p99 && t.allArrived ? 'met' : 'missed'}`,
  );
  log(`wrote ${join(out, 'webhooks-results.json')} and the webhooks section of RESULTS.md`);
}

const integer = (min: number) => (v: string) => {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
  return n;
};
const positive = integer(1);

function parseArgs(argv: readonly string[]): BenchOptions & { append: boolean; webhooks: WebhookSettings } {
  const cmd = new Command('bench')
    .option(
      '--scenario <names>',
      'comma-separated scenarios or groups (all, network, engine, hubspot, salesforce)',
      'all',
    )
    .option('--n <N>', 'records in the network scenarios (default 500, --full 10000)', positive)
    .option('--engine-n <list>', 'record counts for the engine-alone scenarios (default 10000,100000)')
    .option('--latency <min,max>', 'latency per call on every fake, ms', '40,120')
    .option('--quick', 'scale the rate windows down 10× (same rates)', false)
    .option('--full', 'network N = 10000, engine N = 10k, 100k, 1M', false)
    .option('--overlap <seconds>', 'overlap window of the network tenant (tenant default 300)', '5')
    .option('--out <dir>', 'where results.json and RESULTS.md go', join(import.meta.dirname))
    .option('--append', 'add to the results already in --out (same scenario and N replaced)', false)
    .option('--tenants <K>', 'webhooks: tenants, each with its own fakes (default 4, --full 20)', positive)
    .option(
      '--connections <n>',
      'webhooks: 2 = HubSpot and Salesforce (change events) per tenant, 1 = HubSpot only',
      '2',
    )
    .option('--webhook-seconds <s>', 'webhooks: how long users edit', positive, 60)
    .option('--edit-every <s>', 'webhooks: mean seconds between edits on one side of one tenant', '5')
    .option('--webhook-contacts <n>', 'webhooks: linked contacts per tenant', positive, 30)
    .option('--debounce <s>', "webhooks: serve's debounce window", '1.5')
    .option(
      '--serve-concurrency <n>',
      'webhooks: runs at once in serve (default min(tenants × connections, 8))',
      positive,
    )
    .parse([...argv], { from: 'user' });
  const o = cmd.opts<{
    scenario: string;
    n?: number;
    engineN?: string;
    latency: string;
    quick: boolean;
    full: boolean;
    overlap: string;
    out: string;
    append: boolean;
    tenants?: number;
    connections: string;
    webhookSeconds: number;
    editEvery: string;
    webhookContacts: number;
    debounce: string;
    serveConcurrency?: number;
  }>();
  const seconds = (name: string, v: string) => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0)
      throw new InvalidArgumentError(`${name}: expected seconds > 0, got "${v}"`);
    return x;
  };
  const tenants = o.tenants ?? (o.full ? 20 : 4);
  if (o.connections !== '1' && o.connections !== '2')
    throw new InvalidArgumentError(`--connections: expected 1 or 2, got "${o.connections}"`);
  const latency = o.latency.split(',').map(Number);
  if (latency.length !== 2 || latency.some((x) => !Number.isFinite(x) || x < 0) || latency[0]! > latency[1]!)
    throw new InvalidArgumentError(`--latency: expected min,max in ms, got "${o.latency}"`);
  return {
    scenarios: expandScenarios(o.scenario),
    n: o.n ?? (o.full ? 10_000 : 500),
    engineN: o.engineN
      ? o.engineN.split(',').map(positive)
      : o.full
        ? [10_000, 100_000, 1_000_000]
        : [10_000, 100_000],
    latency: [latency[0]!, latency[1]!],
    quick: o.quick,
    overlapSeconds: integer(0)(o.overlap),
    out: resolve(o.out),
    append: o.append,
    webhooks: {
      tenants,
      connections: o.connections === '1' ? 1 : 2,
      seconds: o.webhookSeconds,
      editEverySeconds: seconds('--edit-every', o.editEvery),
      contacts: o.webhookContacts,
      debounceMs: seconds('--debounce', o.debounce) * 1000,
      concurrency: o.serveConcurrency ?? Math.min(tenants * (o.connections === '1' ? 1 : 2), 8),
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const { append, webhooks, ...options } = parseArgs(argv);
  const rest = options.scenarios.filter((s) => s !== WEBHOOKS);
  (async () => {
    if (options.scenarios.includes(WEBHOOKS))
      await runWebhooksScenario({ ...webhooks, latency: options.latency, out: options.out }, argv);
    if (rest.length > 0) await runBench({ ...options, scenarios: rest }, argv, console.log, append);
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
