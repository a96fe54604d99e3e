/**
 * `npm run bench`: measures propsync against the sandbox fakes and on in-memory ports, and
 * writes bench/results.json and bench/RESULTS.md, whose first section (also printed at the end)
 * is the summary against issue #16's targets (bench/summary.ts). With no flags it runs the
 * issue's "done when" set at its sizes (bench/default-run.ts; ≈ 30 min, most of it the 10k first
 * sync's Propstreet write-backs); `--quick-all` every scenario at N = 500 (engine 10k, 100k);
 * `--full` every scenario at N = 10k and the engine up to 1M.
 *
 *   npm run bench -- --scenario initial-hubspot --n 10000 --latency 40,120 --quick
 *   npm run bench -- --scenario webhooks --tenants 20
 *   npm run bench -- --scenario shared-token --workers 4 --shared-contacts 300
 *   npm run bench -- --scenario scale-out --scale-tenants 32 --scale-workers 1,2,4,8
 *
 * `webhooks` (bench/webhooks.ts) measures edit → other side latency through `propsync serve`;
 * its results go to bench/webhooks-results.json and a section of RESULTS.md, not results.json;
 * `shared-token` (bench/shared-token.ts), K workers on one Propstreet token, likewise;
 * `scale-out` (bench/scale-out.ts), tenants per hour with 1, 2, 4, 8 `propsync worker` processes.
 * `companies-<crm>` (bench/companies.ts) the calls of a first sync of companies and associations,
 * into bench/companies-results.json and its own section.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { COMPANIES_SCENARIOS, type CompaniesScenario, runCompaniesScenario } from './companies.js';
import { recordCompaniesRun } from './companies-report.js';
import { estimate, resolveSelection } from './default-run.js';
import { ENGINE_STEPS, type EngineStep, runEngineScenarios } from './engine.js';
import { type Crm, FORWARD_STEPS, runChain, type Step, scenarioName } from './network.js';
import { renderResults } from './render-results.js';
import { KEPT_SECTIONS, markedSection } from './report-section.js';
import { appendRun, type BenchOptions, type BenchResults, commitUnderTest } from './results.js';
import {
  runScaleOutBench,
  SCALE_OUT,
  type ScaleOutOptions,
  TOKEN_MODES,
  type TokenMode,
} from './scale-out.js';
import { recordScaleOutRun } from './scale-out-report.js';
import type { ScenarioResult } from './scenario-result.js';
import { runSharedTokenBench, SHARED_TOKEN, type SharedTokenOptions } from './shared-token.js';
import { recordSharedTokenRun } from './shared-token-report.js';
import { buildSummary, latestRunContext, renderSummary } from './summary.js';
import { SUMMARY_ROWS } from './summary-rows.js';
import { runWebhookBench, type WebhookBenchOptions } from './webhooks.js';
import { meetsTargets, recordWebhookRun } from './webhooks-report.js';

const CRMS: readonly Crm[] = ['hubspot', 'salesforce'];
const NETWORK = CRMS.flatMap((crm) => [
  ...FORWARD_STEPS.map((s) => scenarioName(crm, false, s)),
  `reverse-${crm}`,
  // The reverse first sync through the batch upsert at the fake's guessed path (also
  // `reverse-<crm>` with --batch-upsert): a run of its own beside the per-record one.
  `reverse-${crm}-batch`,
]);
export const WEBHOOKS = 'webhooks';
export const SCENARIOS: readonly string[] = [
  ...NETWORK,
  ...ENGINE_STEPS,
  WEBHOOKS,
  SHARED_TOKEN,
  SCALE_OUT,
  ...COMPANIES_SCENARIOS,
];
/** Scenarios with results of their own (not results.json). */
const SEPARATE = new Set<string>([WEBHOOKS, SHARED_TOKEN, SCALE_OUT, ...COMPANIES_SCENARIOS]);
const GROUPS: Record<string, readonly string[]> = {
  all: SCENARIOS,
  companies: COMPANIES_SCENARIOS,
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
    for (const reverse of [false, true])
      for (const batchUpsert of reverse ? [false, true] : [false]) {
        const name = (step: Step) => `${scenarioName(crm, reverse, step)}${batchUpsert ? '-batch' : ''}`;
        const measure = new Set<Step>(FORWARD_STEPS.filter((s) => chosen.has(name(s))));
        if (measure.size === 0) continue;
        const n = reverse ? (options.reverseN ?? options.n) : options.n;
        log(`${reverse ? 'reverse' : 'forward'} ${crm}${batchUpsert ? ' (batch upsert)' : ''}, N = ${n}`);
        scenarios.push(
          ...(await runChain({
            ...options,
            batchUpsert: batchUpsert || options.batchUpsert,
            n,
            crm,
            reverse,
            measure,
            projectTo: PROJECT_TO,
            log,
          })),
        );
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
  log(
    [
      '',
      'Summary (issue #16 targets, this run):',
      '',
      ...renderSummary(buildSummary(latestRunContext(doc), SUMMARY_ROWS)),
    ].join('\n'),
  );
  return doc;
}

/** The shared-token scenario: runs it and updates its results file and section of RESULTS.md. */
async function runSharedTokenScenario(
  settings: Omit<SharedTokenOptions, 'log'> & { out: string },
  argv: readonly string[],
  log = console.log,
): Promise<void> {
  const { out, ...o } = settings;
  log(`shared-token: ${o.workers} workers on one Propstreet token, ${o.contacts} contacts each`);
  const result = await runSharedTokenBench({ ...o, log });
  const commit = commitUnderTest();
  recordSharedTokenRun(out, { ...result, ...(commit ? { commit } : {}), argv });
  log(`wrote ${join(out, 'shared-token-results.json')} and the shared-token section of RESULTS.md`);
}

export type ScaleOutSettings = Omit<ScaleOutOptions, 'log'> & { out: string };

/** The scale-out scenario: runs it and updates its results file and section of RESULTS.md. */
export async function runScaleOutScenario(
  settings: ScaleOutSettings,
  argv: readonly string[],
  log = console.log,
): Promise<void> {
  const { out, ...o } = settings;
  log(
    `scale-out: ${o.tenants} tenants × ${o.contacts} contacts, ${o.workers.join('/')} workers × ${o.concurrency}, ` +
      `Propstreet tokens: ${o.tokens.join(', ')}`,
  );
  const result = await runScaleOutBench({ ...o, log });
  const commit = commitUnderTest();
  recordScaleOutRun(out, { ...result, ...(commit ? { commit } : {}), argv });
  log(`wrote ${join(out, 'scale-out-results.json')} and the scale-out section of RESULTS.md`);
}

/** The companies scenarios at `n` contacts: each run kept, and its section of RESULTS.md updated. */
export async function runCompaniesScenarios(
  scenarios: readonly CompaniesScenario[],
  n: number,
  out: string,
  argv: readonly string[],
  log = console.log,
): Promise<void> {
  const commit = commitUnderTest();
  for (const scenario of scenarios) {
    const startedAt = new Date().toISOString();
    const result = await runCompaniesScenario(scenario, n, log);
    recordCompaniesRun(out, { ...result, startedAt, ...(commit ? { commit } : {}), argv });
  }
  log(`wrote ${join(out, 'companies-results.json')} and the companies section of RESULTS.md`);
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
const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function parseArgs(argv: readonly string[]): BenchOptions & {
  append: boolean;
  webhooks: WebhookSettings;
  sharedToken: { workers: number; contacts: number };
  scaleOut: Omit<ScaleOutSettings, 'latency' | 'out'>;
} {
  const cmd = new Command('bench')
    .option(
      '--scenario <names>',
      'comma-separated scenarios or groups (all, network, engine, hubspot, salesforce, companies); default: the issue #16 done-when set',
    )
    .option('--quick-all', 'every scenario at N = 500, engine N = 10k, 100k, overlap 5 s', false)
    .option(
      '--n <N>',
      'records in the network scenarios (default 10000; --scenario, --quick-all 500)',
      positive,
    )
    .option(
      '--reverse-n <N>',
      'records in the reverse scenarios (default --n; the done-when set min(--n, 2000))',
      positive,
    )
    .option(
      '--engine-n <list>',
      'record counts for the engine-alone scenarios (default 100000,1000000; --scenario, --quick-all 10000,100000)',
    )
    .option('--latency <min,max>', 'latency per call on every fake, ms', '40,120')
    .option('--quick', 'scale the rate windows down 10× (same rates)', false)
    .option('--full', 'network N = 10000, engine N = 10k, 100k, 1M', false)
    .option(
      '--overlap <seconds>',
      'overlap window of the network tenant (default 300, the tenant default; --scenario, --quick-all, --full 5)',
    )
    .option(
      '--drain-for <duration>',
      "network tenant's refWriteBacks.drainFor (bench default 24h: a first sync is measured until every ref is written; e.g. 0s to time CRM complete alone)",
    )
    .option('--out <dir>', 'where results.json and RESULTS.md go', join(import.meta.dirname))
    .option('--append', 'add to the results already in --out (same scenario and N replaced)', false)
    .option(
      '--batch-upsert',
      'reverse scenarios: create in Propstreet through the batch upsert (propstreet.batchUpsertPath; the path is a guess)',
      false,
    )
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
    .option('--workers <K>', 'shared-token: worker processes on one Propstreet token', positive, 4)
    .option('--shared-contacts <n>', 'shared-token: contacts per worker tenant', positive, 300)
    .option('--scale-tenants <T>', 'scale-out: tenants, each its own fakes, one job each', positive, 32)
    .option('--scale-workers <list>', 'scale-out: worker counts to measure', '1,2,4,8')
    .option(
      '--scale-contacts <n>',
      'scale-out: synced contacts per tenant (1 % edited a side)',
      positive,
      500,
    )
    .option('--scale-concurrency <n>', 'scale-out: jobs per worker at once (--concurrency)', positive, 1)
    .option(
      '--scale-tokens <list>',
      'scale-out: Propstreet tokens, own (one per tenant) and/or shared',
      'own,shared',
    )
    .parse([...argv], { from: 'user' });
  const o = cmd.opts<{
    scenario?: string;
    quickAll: boolean;
    n?: number;
    reverseN?: number;
    engineN?: string;
    latency: string;
    quick: boolean;
    full: boolean;
    overlap?: string;
    drainFor?: string;
    out: string;
    append: boolean;
    batchUpsert: boolean;
    tenants?: number;
    connections: string;
    webhookSeconds: number;
    editEvery: string;
    webhookContacts: number;
    debounce: string;
    serveConcurrency?: number;
    workers: number;
    sharedContacts: number;
    scaleTenants: number;
    scaleWorkers: string;
    scaleContacts: number;
    scaleConcurrency: number;
    scaleTokens: string;
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
  const scaleTokens = list(o.scaleTokens);
  const bad = scaleTokens.find((t) => !(TOKEN_MODES as readonly string[]).includes(t));
  if (bad !== undefined || scaleTokens.length === 0)
    throw new InvalidArgumentError(`--scale-tokens: expected own and/or shared, got "${o.scaleTokens}"`);
  const latency = o.latency.split(',').map(Number);
  if (latency.length !== 2 || latency.some((x) => !Number.isFinite(x) || x < 0) || latency[0]! > latency[1]!)
    throw new InvalidArgumentError(`--latency: expected min,max in ms, got "${o.latency}"`);
  let chosen: ReturnType<typeof resolveSelection>;
  try {
    chosen = resolveSelection({
      scenario: o.scenario,
      full: o.full,
      quickAll: o.quickAll,
      n: o.n,
      reverseN: o.reverseN,
      engineN: o.engineN?.split(',').map(positive),
      overlap: o.overlap === undefined ? undefined : integer(0)(o.overlap),
    });
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return {
    ...chosen,
    scenarios: expandScenarios(chosen.scenarios),
    latency: [latency[0]!, latency[1]!],
    quick: o.quick,
    ...(o.drainFor ? { drainFor: o.drainFor } : {}),
    out: resolve(o.out),
    append: o.append,
    batchUpsert: o.batchUpsert,
    sharedToken: { workers: o.workers, contacts: o.sharedContacts },
    scaleOut: {
      tenants: o.scaleTenants,
      workers: list(o.scaleWorkers).map(positive),
      contacts: o.scaleContacts,
      concurrency: o.scaleConcurrency,
      tokens: scaleTokens as TokenMode[],
    },
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
  const { append, webhooks, sharedToken, scaleOut, ...options } = parseArgs(argv);
  const companies = COMPANIES_SCENARIOS.filter((s) => options.scenarios.includes(s));
  const rest = options.scenarios.filter((s) => !SEPARATE.has(s));
  if (rest.length > 0) {
    const e = estimate({ ...options, scenarios: rest });
    const min = (s: number) => `${(s / 60).toFixed(1)} min`;
    console.log(
      `expected ≈ ${min(e.seconds)} for the measured runs${rest.length < options.scenarios.length ? ' (the separate scenarios besides)' : ''}: ` +
        e.parts.map((p) => `${p.what} ≈ ${min(p.seconds)}`).join(', '),
    );
  }
  (async () => {
    if (options.scenarios.includes(WEBHOOKS))
      await runWebhooksScenario({ ...webhooks, latency: options.latency, out: options.out }, argv);
    if (options.scenarios.includes(SHARED_TOKEN))
      await runSharedTokenScenario({ ...sharedToken, latency: options.latency, out: options.out }, argv);
    if (options.scenarios.includes(SCALE_OUT))
      await runScaleOutScenario({ ...scaleOut, latency: options.latency, out: options.out }, argv);
    if (companies.length > 0) await runCompaniesScenarios(companies, options.n, options.out, argv);
    if (rest.length > 0) await runBench({ ...options, scenarios: rest }, argv, console.log, append);
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
