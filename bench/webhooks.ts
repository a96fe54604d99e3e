/**
 * The webhooks scenario: K tenants, each with its own Propstreet, HubSpot and Salesforce fakes
 * (one organisation, one portal, one org) and two connections, HubSpot and Salesforce with
 * `changeEvents: true`, all served by one in-process `propsync serve`: the Propstreet fake
 * sends to the tenant-wide endpoint (runs both connections), the HubSpot fake to the HubSpot
 * connection's, and `serve` subscribes to each Salesforce fake's change events (CometD); no
 * schedule. After a first sync (not measured), a stream of user edits on all three sides of
 * every tenant; each edit's latency is from the edit to its value showing in each other side's
 * store (a HubSpot edit reaches Salesforce, and a Salesforce edit HubSpot, through Propstreet:
 * two runs). Reported with the webhook and change events `serve` received, the runs it
 * started, how many of them wrote nothing (echo runs), and events per run.
 *
 * `connections: 1` is the earlier shape: Propstreet ⇄ HubSpot only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import { type Sandbox, startSandbox } from '../fakes/sandbox/sandbox.js';
import { seededRandom } from '../fakes/shared/seeded-random.js';
import { syncTenant } from '../src/app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../src/config/index.js';
import { silentLogger } from '../src/core/logger.js';
import { Redactor } from '../src/core/redact.js';
import { runHere } from '../src/serve/run-here.js';
import { type RunningServe, startServe } from '../src/serve/start-serve.js';
import { createTenantStores } from '../src/worker/tenant-stores.js';
import { seedPropstreet } from '../test/e2e/support.js';
import { counterSum, quiesce } from '../test/serve/quiesce.js';
import { newWhsec } from '../test/serve/support.js';
import { RunProfile, type RunProfileSummary } from './run-profile.js';
import { setFast, setReal } from './sandbox-modes.js';
import {
  EditTracker,
  type LatencyStats,
  type LinkedRecord,
  latencyStats,
  PATHS,
  type Path,
  type Side,
  type TenantSide,
} from './webhook-edits.js';

/** The bench is an entry point: its own redactor, handed to what it runs. */
const redactor = new Redactor();

export interface WebhookBenchOptions {
  readonly tenants: number;
  /** 2: HubSpot and Salesforce (change events) per tenant; 1: HubSpot only. */
  readonly connections: 1 | 2;
  /** How long edits are made. */
  readonly seconds: number;
  /** Mean time between two edits on one side of one tenant (exponential gaps). */
  readonly editEverySeconds: number;
  /** Linked contacts per tenant. */
  readonly contacts: number;
  /** Latency of every API call, webhook delivery and change event delivery, ms. */
  readonly latency: readonly [number, number];
  readonly debounceMs: number;
  /** Runs at once in `serve`. */
  readonly concurrency: number;
  readonly log: (line: string) => void;
}

export interface WebhookBenchResult {
  readonly startedAt: string;
  readonly options: Omit<WebhookBenchOptions, 'log'>;
  /** Per path the tenants sync (edit side → other side), and all of them together. */
  readonly latency: Readonly<Partial<Record<Path, LatencyStats>> & { all: LatencyStats }>;
  /** User edits made per side. */
  readonly edits: Readonly<Partial<Record<Side, number>>>;
  /** New webhook events per source, Salesforce change events that asked for a run. */
  readonly events: {
    readonly propstreet: number;
    readonly hubspot: number;
    readonly salesforce: number;
    /** Change events of our own writes (no run). */
    readonly salesforceOwn: number;
    readonly duplicate: number;
  };
  readonly deliveries: number;
  /** New events that asked for a run (during the edits and after, not the set-up). */
  readonly notifications: number;
  /** Runs started during the edits and after (not `serve`'s catch-up runs before them). */
  readonly runs: number;
  readonly quietRuns: number;
  readonly failedRuns: number;
  readonly eventsPerRun: number;
  /** Slot waits and run times: where an edit's latency goes besides the debounce. */
  readonly profile: RunProfileSummary;
  readonly eventLoopDelayP99Ms: number;
  readonly loadAverage: { readonly start: number[]; readonly end: number[] };
  readonly seconds: number;
}

interface Tenant extends TenantSide {
  readonly file: string;
  readonly config: TenantConfig;
}

const variablePart = (s: string) => s.toUpperCase().replace(/-/g, '_');

/** The tenant file with `changeEvents: true` on its Salesforce connection. */
function withChangeEvents(file: string): void {
  const doc = parse(readFileSync(file, 'utf8')) as { connections: Record<string, unknown>[] };
  for (const c of doc.connections) if (c.type === 'salesforce') c.changeEvents = true;
  writeFileSync(file, stringify(doc));
}

/** The records linked on every side, from the CRMs' link fields. */
function linkedRecords(sb: Sandbox, sides: readonly Side[]): LinkedRecord[] {
  const hubspot = new Map(
    (sb.hubspot?.control.dump() ?? []).flatMap((r) =>
      r.properties.propstreet_id ? [[r.properties.propstreet_id, r.id] as const] : [],
    ),
  );
  const salesforce = new Map(
    (sb.salesforce?.control.dump() ?? []).flatMap((r) =>
      typeof r.Propstreet_Id__c === 'string' && typeof r.Id === 'string'
        ? [[r.Propstreet_Id__c, r.Id] as const]
        : [],
    ),
  );
  return sb.propstreet.allContacts().flatMap((c): LinkedRecord[] => {
    const h = hubspot.get(c.id);
    const s = salesforce.get(c.id);
    if ((sides.includes('hubspot') && !h) || (sides.includes('salesforce') && !s)) return [];
    return [{ propstreet: c.id, ...(h ? { hubspot: h } : {}), ...(s ? { salesforce: s } : {}) }];
  });
}

export async function runWebhookBench(o: WebhookBenchOptions): Promise<WebhookBenchResult> {
  const started = new Date();
  const load = loadavg();
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'propsync-bench-webhooks-'));
  const sandboxes: Sandbox[] = [];
  let serve: RunningServe | undefined;
  const stores = createTenantStores({ poolSize: 2 });
  const tracker = new EditTracker();
  try {
    const env: Record<string, string> = {};
    const tenants: Tenant[] = [];
    const sides: Side[] =
      o.connections === 2 ? ['propstreet', 'hubspot', 'salesforce'] : ['propstreet', 'hubspot'];
    for (let i = 0; i < o.tenants; i++) {
      const tenant = `t${String(i + 1).padStart(2, '0')}`;
      const sb = await startSandbox({ salesforce: o.connections === 2, seed: i + 1 });
      sandboxes.push(sb);
      const file = sb.writeTenant(dir, {
        tenant,
        connections: o.connections === 2 ? ['hubspot', 'salesforce'] : ['hubspot'],
      });
      if (o.connections === 2) withChangeEvents(file);
      env[`PROPSYNC_${variablePart(tenant)}_PROPSTREET_WEBHOOK_SECRET`] = newWhsec();
      env[`PROPSYNC_${variablePart(tenant)}_HUBSPOT_HUBSPOT_WEBHOOK_SECRET`] = `hs-secret-${tenant}`;
      Object.assign(env, sb.env);
      const config = await loadTenantConfig(file, { redactor, env, cwd: dir });
      // The first sync and the run that reads its echoes: set-up, fast, not measured.
      setFast(sb);
      seedPropstreet(sb, i * 1000, o.contacts);
      for (let k = 0; k < 2; k++) await syncTenant(config, { redactor, dryRun: false, logger: silentLogger });
      const records = linkedRecords(sb, sides);
      if (records.length !== o.contacts)
        throw new Error(`${tenant}: ${records.length} of ${o.contacts} linked on every side`);
      setReal(sb, { quick: false, latency: o.latency });
      tenants.push({ tenant, sb, file, config, sides, records });
    }
    o.log(`  ${o.tenants} tenants set up (${o.contacts} linked contacts each)`);

    const loadConfig = (f: string) => loadTenantConfig(f, { redactor, env, cwd: dir });
    const byTenant = new Map(tenants.map((t) => [t.tenant, t]));
    const real = runHere({
      redactor,
      tenantFile: (t) => byTenant.get(t)?.file,
      stores,
      logger: silentLogger,
      lockTtlMs: 60_000,
      loadConfig,
    });
    const writesOf = (sb: Sandbox) =>
      sb.propstreet.apiWriteCount() +
      (sb.hubspot?.http.requests.filter((r) => r.write && !r.path.startsWith('/__control')).length ?? 0) +
      (sb.salesforce?.http.requests.filter((r) => r.write).length ?? 0);
    const profile = new RunProfile(o.concurrency);
    let quietRuns = 0;
    let failedRuns = 0;
    serve = await startServe({
      redactor,
      configs: tenants.map((t) => t.config),
      port: 0,
      host: '127.0.0.1',
      env,
      debounceMs: o.debounceMs,
      concurrency: o.concurrency,
      logger: silentLogger,
      loadConfig,
      observe: (e) => {
        if (e.type === 'dispatch') profile.dispatched(e.scope);
      },
      run: async (scope) => {
        const sb = byTenant.get(scope.tenant)?.sb;
        const before = sb ? writesOf(sb) : 0;
        const outcome = await profile.time(scope, () => real(scope));
        if (outcome.kind !== 'done' || outcome.results.some((r) => r.status !== 'ok')) failedRuns++;
        else if (sb && writesOf(sb) === before) quietRuns++;
        return outcome;
      },
    });
    const url = serve.url;
    for (const t of tenants) {
      const psSecret = env[`PROPSYNC_${variablePart(t.tenant)}_PROPSTREET_WEBHOOK_SECRET`] ?? '';
      t.sb.propstreet.webhooks.subscribe({
        url: `${url}/webhooks/${t.tenant}/propstreet`,
        secrets: [psSecret],
        latencyMs: o.latency,
      });
      t.sb.hubspot?.webhooks.subscribe({
        url: `${url}/webhooks/${t.tenant}/hubspot/hubspot`,
        secrets: [`hs-secret-${t.tenant}`],
        latencyMs: o.latency,
      });
    }

    // The change streams' first subscriptions each ask for one catch-up run (no replay id
    // kept yet): let them pass before the edits, and leave them out of the counts.
    await serve.changeEvents.ready();
    await serve.trigger.idle();
    const before = await serve.metrics.registry.render();
    profile.reset();
    quietRuns = 0;
    failedRuns = 0;

    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    tracker.start();
    o.log(`  edits for ${o.seconds} s, one per side per tenant every ${o.editEverySeconds} s on average`);
    const deadline = performance.now() + o.seconds * 1000;
    const random = seededRandom(42);
    const stream = (t: Tenant, side: Side) => async () => {
      for (;;) {
        const gap = -Math.log(1 - random()) * o.editEverySeconds * 1000;
        if (performance.now() + gap > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, gap));
        tracker.edit(t, side, random);
      }
    };
    await Promise.all(tenants.flatMap((t) => t.sides.map((side) => stream(t, side)())));
    o.log(`  ${tracker.arrivals.length} arrivals to see; waiting for ${tracker.waiting}`);
    await tracker.drain(120_000);
    await quiesce(
      serve,
      tenants.flatMap((t) => (t.sb.hubspot ? [t.sb.propstreet, t.sb.hubspot] : [t.sb.propstreet])),
    );
    lag.disable();

    const text = await serve.metrics.registry.render();
    const since = (name: string, match: readonly string[] = []) =>
      counterSum(text, name, match) - counterSum(before, name, match);
    const events = (source: string, outcome: string) =>
      since('propsync_webhook_events_total', [`source="${source}"`, `outcome="${outcome}"`]);
    const cdc = (outcome: string) => since('propsync_cdc_events_total', [`outcome="${outcome}"`]);
    const runs = since('propsync_serve_dispatches_total', ['outcome="ran"']);
    const notifications = since('propsync_serve_notifications_total');
    const paths = PATHS.filter((p) => tracker.arrivals.some((a) => a.path === p));
    const { log: _log, ...options } = o;
    return {
      startedAt: started.toISOString(),
      options,
      latency: {
        ...Object.fromEntries(
          paths.map((p) => [p, latencyStats(tracker.arrivals.filter((a) => a.path === p))]),
        ),
        all: latencyStats(tracker.arrivals),
      },
      edits: Object.fromEntries(sides.map((side) => [side, tracker.edits[side]])),
      events: {
        propstreet: events('propstreet', 'new'),
        hubspot: events('hubspot', 'new'),
        salesforce: cdc('accepted'),
        salesforceOwn: cdc('own-write'),
        duplicate: events('propstreet', 'duplicate') + events('hubspot', 'duplicate') + cdc('duplicate'),
      },
      deliveries: since('propsync_webhook_deliveries_total'),
      notifications,
      runs,
      quietRuns,
      failedRuns,
      eventsPerRun: runs === 0 ? 0 : notifications / runs,
      profile: profile.summary(),
      eventLoopDelayP99Ms: lag.percentile(99) / 1e6,
      loadAverage: { start: load, end: loadavg() },
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    tracker.stop();
    await serve?.stop({ timeoutMs: 60_000 });
    await stores.close();
    await Promise.all(sandboxes.map((sb) => sb.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}
