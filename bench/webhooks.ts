/**
 * The webhooks scenario: K tenants, each with its own Propstreet and HubSpot fakes (one
 * organisation, one portal) and one HubSpot connection, all served by one in-process
 * `propsync serve`; both fakes of every tenant subscribed to it; no schedule. After a first
 * sync (not measured), a stream of user edits on both sides of every tenant; each edit's
 * latency is from the edit to its value showing in the other side's store. Reported with the
 * webhook events `serve` received, the runs it started, how many of them wrote nothing (echo
 * runs), and the debounce ratio (new events per run).
 *
 * HubSpot only: Salesforce has no webhook source yet (its changes would arrive by the
 * schedule), so a Salesforce connection would measure the cron interval, not `serve`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
import { setFast, setReal } from './sandbox-modes.js';
import {
  type Direction,
  EditTracker,
  type LatencyStats,
  latencyStats,
  type TenantSide,
} from './webhook-edits.js';

/** The bench is an entry point: its own redactor, handed to what it runs. */
const redactor = new Redactor();

export interface WebhookBenchOptions {
  readonly tenants: number;
  /** How long edits are made. */
  readonly seconds: number;
  /** Mean time between two edits on one side of one tenant (exponential gaps). */
  readonly editEverySeconds: number;
  /** Linked contacts per tenant. */
  readonly contacts: number;
  /** Latency of every API call and every webhook delivery, ms. */
  readonly latency: readonly [number, number];
  readonly debounceMs: number;
  /** Runs at once in `serve`. */
  readonly concurrency: number;
  readonly log: (line: string) => void;
}

export interface WebhookBenchResult {
  readonly startedAt: string;
  readonly options: Omit<WebhookBenchOptions, 'log'>;
  readonly latency: Readonly<Record<Direction | 'all', LatencyStats>>;
  readonly events: { readonly propstreet: number; readonly hubspot: number; readonly duplicate: number };
  readonly deliveries: number;
  /** New events that asked for a run. */
  readonly notifications: number;
  readonly runs: number;
  readonly quietRuns: number;
  readonly failedRuns: number;
  readonly eventsPerRun: number;
  readonly eventLoopDelayP99Ms: number;
  readonly loadAverage: { readonly start: number[]; readonly end: number[] };
  readonly seconds: number;
}

interface Tenant extends TenantSide {
  readonly file: string;
  readonly config: TenantConfig;
}

const variablePart = (s: string) => s.toUpperCase().replace(/-/g, '_');

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
    for (let i = 0; i < o.tenants; i++) {
      const tenant = `t${String(i + 1).padStart(2, '0')}`;
      const sb = await startSandbox({ salesforce: false, seed: i + 1 });
      sandboxes.push(sb);
      const file = sb.writeTenant(dir, { tenant, connections: ['hubspot'] });
      env[`PROPSYNC_${variablePart(tenant)}_PROPSTREET_WEBHOOK_SECRET`] = newWhsec();
      env[`PROPSYNC_${variablePart(tenant)}_HUBSPOT_HUBSPOT_WEBHOOK_SECRET`] = `hs-secret-${tenant}`;
      Object.assign(env, sb.env);
      const config = await loadTenantConfig(file, { redactor, env, cwd: dir });
      // The first sync and the run that reads its echoes: set-up, fast, not measured.
      setFast(sb);
      seedPropstreet(sb, i * 1000, o.contacts);
      for (let k = 0; k < 2; k++) await syncTenant(config, { redactor, dryRun: false, logger: silentLogger });
      const pairs = (sb.hubspot?.control.dump() ?? []).flatMap((r) =>
        r.properties.propstreet_id ? [{ propstreetId: r.properties.propstreet_id, hubspotId: r.id }] : [],
      );
      if (pairs.length !== o.contacts) throw new Error(`${tenant}: ${pairs.length} of ${o.contacts} linked`);
      setReal(sb, { quick: false, latency: o.latency });
      tenants.push({ tenant, sb, file, config, pairs });
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
      (sb.hubspot?.http.requests.filter((r) => r.write && !r.path.startsWith('/__control')).length ?? 0);
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
      run: async (scope) => {
        const sb = byTenant.get(scope.tenant)?.sb;
        const before = sb ? writesOf(sb) : 0;
        const outcome = await real(scope);
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

    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    tracker.start();
    o.log(`  edits for ${o.seconds} s, one per side per tenant every ${o.editEverySeconds} s on average`);
    const deadline = performance.now() + o.seconds * 1000;
    const random = seededRandom(42);
    const stream = (t: Tenant, direction: Direction) => async () => {
      for (;;) {
        const gap = -Math.log(1 - random()) * o.editEverySeconds * 1000;
        if (performance.now() + gap > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, gap));
        tracker.edit(t, direction, random);
      }
    };
    await Promise.all(
      tenants.flatMap((t) => [stream(t, 'propstreet→hubspot')(), stream(t, 'hubspot→propstreet')()]),
    );
    o.log(`  ${tracker.edits.length} edits made; waiting for ${tracker.waiting} to arrive`);
    await tracker.drain(120_000);
    await quiesce(
      serve,
      tenants.flatMap((t) => (t.sb.hubspot ? [t.sb.propstreet, t.sb.hubspot] : [t.sb.propstreet])),
    );
    lag.disable();

    const text = await serve.metrics.registry.render();
    const events = (source: string, outcome: string) =>
      counterSum(text, 'propsync_webhook_events_total', [`source="${source}"`, `outcome="${outcome}"`]);
    const runs = counterSum(text, 'propsync_serve_dispatches_total', ['outcome="ran"']);
    const notifications = counterSum(text, 'propsync_serve_notifications_total');
    const of = (d: Direction) => tracker.edits.filter((e) => e.direction === d);
    const { log: _log, ...options } = o;
    return {
      startedAt: started.toISOString(),
      options,
      latency: {
        'propstreet→hubspot': latencyStats(of('propstreet→hubspot')),
        'hubspot→propstreet': latencyStats(of('hubspot→propstreet')),
        all: latencyStats(tracker.edits),
      },
      events: {
        propstreet: events('propstreet', 'new'),
        hubspot: events('hubspot', 'new'),
        duplicate: events('propstreet', 'duplicate') + events('hubspot', 'duplicate'),
      },
      deliveries: counterSum(text, 'propsync_webhook_deliveries_total'),
      notifications,
      runs,
      quietRuns,
      failedRuns,
      eventsPerRun: runs === 0 ? 0 : notifications / runs,
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
