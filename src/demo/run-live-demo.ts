/**
 * `propsync demo --live`: near-real-time sync on loopback fakes. Seeds the three systems, runs
 * a first sync, starts `propsync serve` in this process, sets up the vendors' side as a tenant
 * would (the Propstreet subscription through `/api/v1/webhooks`, by the same code as
 * `validate --check --setup`, its secret sealed in the state; the HubSpot fake's app sending to
 * the app-wide `/webhooks/hubspot`, routed by portal), then edits contacts as users on each side
 * that sends events and measures, per edit, how long the value took to show on every other
 * side (polling the target fakes, capped). Exit 0 when every edit arrived, 1 otherwise.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox } from '../../fakes/sandbox/sandbox.js';
import { openPropstreet } from '../app/open-propstreet.js';
import { openTenantStore } from '../app/open-store.js';
import { setupPropstreetWebhook } from '../app/propstreet-webhook-setup.js';
import { syncTenant } from '../app/sync-tenant.js';
import { loadTenantConfig } from '../config/index.js';
import { systemClock } from '../core/clock.js';
import type { Redactor } from '../core/redact.js';
import { type RunningServe, startServe } from '../serve/start-serve.js';
import type { StateStore } from '../state/port.js';
import { demoSizes, seedDemo } from './demo-data.js';
import { type DemoLog, openDemoLog } from './demo-log.js';
import { percentile, seconds } from './latency-summary.js';
import { waitQuiet } from './live-quiet.js';
import { type LiveSide, liveSides } from './live-sides.js';

export interface LiveDemoOptions {
  readonly contacts: number;
  /** Edits per side that sends events. */
  readonly edits: number;
  readonly dir?: string | undefined;
  readonly color: boolean;
  readonly out: NodeJS.WritableStream;
  /** How long an edit may take to arrive before it counts as lost; default 60 s. */
  readonly capMs?: number;
  /** The entry point's: every secret the demo makes or is issued is registered with it. */
  readonly redactor: Redactor;
}

interface Arrival {
  readonly from: string;
  readonly to: string;
  /** Undefined: not there within the cap. */
  readonly ms: number | undefined;
}

const POLL_MS = 25;

/** A free loopback port: the subscription's URL must be known before `serve` starts (it reads the secret then). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise((ok) => server.close(ok));
  if (address === null || typeof address === 'string') throw new Error('no loopback port');
  return address.port;
}

async function arrival(target: LiveSide, id: string, value: string, started: number, capMs: number) {
  for (;;) {
    if (target.read(id) === value) return performance.now() - started;
    if (performance.now() - started > capMs) return undefined;
    await new Promise((ok) => setTimeout(ok, POLL_MS));
  }
}

export async function runLiveDemo(options: LiveDemoOptions): Promise<number> {
  const out = (s = '') => options.out.write(`${s}\n`);
  const heading = (s: string) => out(`\n${options.color ? `\x1b[1m== ${s} ==\x1b[0m` : `== ${s} ==`}`);
  const capMs = options.capMs ?? 60_000;
  const dir = options.dir ? resolve(options.dir) : mkdtempSync(join(tmpdir(), 'propsync-live-'));
  mkdirSync(dir, { recursive: true });
  for (const f of ['live.db', 'live.db-wal', 'live.db-shm']) rmSync(join(dir, f), { force: true });
  const sb = await startSandbox({ propstreetPerMinute: 6000 });
  let log: DemoLog | undefined;
  let serve: RunningServe | undefined;
  try {
    heading('1. Three systems on loopback fakes');
    const sizes = demoSizes(options.contacts);
    seedDemo(sb, sizes);
    out(`Propstreet ${sb.propstreet.url}, HubSpot ${sb.hubspot?.url}, Salesforce ${sb.salesforce?.url}`);
    out(
      `${sizes.propstreet} Propstreet contacts, ${sizes.hubspot} in HubSpot, ${sizes.salesforce} in Salesforce`,
    );
    const file = sb.writeTenant(dir, {
      tenant: 'live',
      connection: { match: ['externalRef', 'key', 'email'], conflictPolicy: 'newest-wins' },
      // serve subscribes to the fake's Change Data Capture channel (CometD), as to a real org's.
      salesforceConnection: { changeEvents: true },
    });
    const stateKey = randomBytes(32);
    const appSecret = randomBytes(24).toString('base64url');
    options.redactor.register(appSecret);
    const env = {
      ...sb.env,
      PROPSYNC_STATE_KEY: stateKey.toString('hex'),
      PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET: appSecret,
    };
    const config = await loadTenantConfig(file, {
      env: { ...process.env, ...env },
      redactor: options.redactor,
    });
    log = openDemoLog(join(dir, 'live.log'), options.redactor);
    const logger = log.logger;

    heading('2. First sync: every contact linked on every side');
    const first = await syncTenant(config, { dryRun: false, logger, stateKey, redactor: options.redactor });
    for (const c of first.connections)
      out(
        `  ${c.result.connection}: ${c.result.status}, ${c.result.done.create.crm} created in the CRM, ${c.result.done.link} linked`,
      );

    heading('3. propsync serve, and the vendors sending to it');
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const propstreet = await openPropstreet(config, {
      clock: systemClock,
      logger,
      redactor: options.redactor,
    });
    let store: Promise<StateStore> | undefined;
    try {
      const setup = await setupPropstreetWebhook({
        config,
        publicUrl,
        webhooks: propstreet.webhooks,
        setup: true,
        env,
        stateKey,
        store: () => {
          store ??= openTenantStore(config);
          return store;
        },
      });
      for (const c of setup.checks) out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`);
    } finally {
      await propstreet.close();
      if (store) await (await store).close();
    }
    serve = await startServe({
      configs: [config],
      port,
      host: '127.0.0.1',
      publicUrl,
      env,
      debounceMs: 300,
      logger,
      redactor: options.redactor,
      loadConfig: (f) => loadTenantConfig(f, { env: { ...process.env, ...env }, redactor: options.redactor }),
    });
    const hubspot = sb.hubspot;
    hubspot?.webhooks.subscribe({ url: `${publicUrl}/webhooks/hubspot`, secrets: [appSecret] });
    out(`  serve ${serve.url}: ${[...serve.endpoints.map((e) => e.path), '/webhooks/hubspot'].join(', ')}`);
    out('  HubSpot: the app sends every portal to /webhooks/hubspot; serve routes by portalId');
    const sides = liveSides(sb);
    for (const s of sides.filter((x) => !x.hearsEvents))
      out(
        `  ${s.name}: receives edits; its own edits are not measured (serve hears no ${s.name} change events yet)`,
      );

    heading('4. Live edits, one at a time');
    const fakes = [sb.propstreet, ...(hubspot ? [hubspot] : [])];
    await waitQuiet(serve, fakes);
    const people = sb.propstreet
      .allContacts()
      .map((c) => c.id)
      .filter((id) => sides.every((s) => s.read(id) !== undefined));
    const arrivals: Arrival[] = [];
    let n = 0;
    for (const source of sides.filter((s) => s.hearsEvents))
      for (let i = 0; i < options.edits; i++) {
        const id = people[n++ % Math.max(1, people.length)];
        if (id === undefined) throw new Error('no contact is on every side after the first sync');
        const value = `Live${source.name.slice(0, 2)}${i + 1}`;
        const started = performance.now();
        source.edit(id, value);
        const targets = sides.filter((s) => s !== source);
        const times = await Promise.all(targets.map((t) => arrival(t, id, value, started, capMs)));
        const parts = targets.map((t, k) => {
          const ms = times[k];
          arrivals.push({ from: source.name, to: t.name, ms });
          return `${t.name} ${ms === undefined ? `NOT within ${seconds(capMs)}` : seconds(ms)}`;
        });
        out(`  ${source.name} edit ${i + 1} (lastName → ${value}): ${parts.join(', ')}`);
        await waitQuiet(serve, fakes);
      }

    heading('5. Summary');
    const pairs = [...new Set(arrivals.map((a) => `${a.from} → ${a.to}`))];
    for (const pair of pairs) {
      const ms = arrivals
        .filter((a) => `${a.from} → ${a.to}` === pair)
        .flatMap((a) => (a.ms === undefined ? [] : [a.ms]));
      out(
        `  ${pair}: ${ms.length} arrived, p50 ${seconds(percentile(ms, 50))}, p95 ${seconds(percentile(ms, 95))}`,
      );
    }
    const all = arrivals.flatMap((a) => (a.ms === undefined ? [] : [a.ms]));
    const lost = arrivals.length - all.length;
    out(
      `  all: ${all.length} of ${arrivals.length} arrived, p50 ${seconds(percentile(all, 50))}, p95 ${seconds(percentile(all, 95))}`,
    );
    out(lost === 0 ? '  every edit arrived' : `  ${lost} edits did not arrive within ${seconds(capMs)}`);
    out(`\nState, config and the log (live.log) are in ${dir}`);
    return lost === 0 && arrivals.length > 0 ? 0 : 1;
  } finally {
    await serve?.stop({ timeoutMs: 30_000 });
    await sb.close();
    log?.close();
  }
}
