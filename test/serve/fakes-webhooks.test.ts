/**
 * `serve` driven by the fakes' own webhooks, end to end and in process: a tenant on the
 * Propstreet and HubSpot fakes, both fakes subscribed to `serve`, no schedule and no event sent
 * by the test. Every run here is one a fake's webhook asked for; the edits are a user's, made
 * through the fakes' control API. The connector's own writes come back as webhooks too (the
 * fakes send them like any change): they must end in one run that writes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../fakes/sandbox/people.js';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { loadTenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { runHere } from '../../src/serve/run-here.js';
import { type RunningServe, startServe } from '../../src/serve/start-serve.js';
import { createTenantStores, type TenantStores } from '../../src/worker/tenant-stores.js';
import { counterSum, quiesce } from './quiesce.js';
import { newWhsec } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

interface RunLog {
  readonly status: string;
  /** API writes the run made, from the fakes' request logs (one run at a time here). */
  readonly writes: number;
}

describe('serve on webhooks the fakes send', () => {
  let sb: Sandbox;
  let dir: string;
  let serve: RunningServe;
  let stores: TenantStores;
  const runs: RunLog[] = [];
  const psSecret = newWhsec();
  const hsSecret = 'hubspot-app-client-secret';

  const apiWrites = () =>
    sb.propstreet.apiWriteCount() +
    (sb.hubspot?.http.requests.filter((r) => r.write && !r.path.startsWith('/__control')).length ?? 0);
  const hubspot = () => {
    if (!sb.hubspot) throw new Error('no HubSpot fake');
    return sb.hubspot;
  };
  const fakes = () => [sb.propstreet, hubspot()];
  /** The runs since `mark`, once everything is at rest. */
  const runsAfter = async (mark: number) => {
    await quiesce(serve, fakes());
    return runs.slice(mark);
  };

  beforeAll(async () => {
    sb = await startSandbox({ salesforce: false });
    sb.propstreet.setRateLimit(6000);
    dir = mkdtempSync(join(tmpdir(), 'propsync-serve-fakes-'));
    const file = sb.writeTenant(dir, { tenant: 'acme', connections: ['hubspot'] });
    const env = {
      ...sb.env,
      PROPSYNC_ACME_PROPSTREET_WEBHOOK_SECRET: psSecret,
      PROPSYNC_ACME_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: hsSecret,
    };
    const loadConfig = (f: string) => loadTenantConfig(f, { redactor, env, cwd: dir });
    stores = createTenantStores({ poolSize: 2 });
    // The real run (the worker's job body), wrapped to log what each run wrote.
    const real = runHere({
      redactor,
      tenantFile: () => file,
      stores,
      logger: silentLogger,
      lockTtlMs: 60_000,
      loadConfig,
    });
    serve = await startServe({
      redactor,
      configs: [await loadConfig(file)],
      port: 0,
      host: '127.0.0.1',
      env,
      // Longer than a webhook takes to arrive after the write that caused it, so a run's
      // echoes all land in the one window that follows it.
      debounceMs: 1000,
      logger: silentLogger,
      loadConfig,
      run: async (scope) => {
        const before = apiWrites();
        const outcome = await real(scope);
        runs.push({
          status: outcome.kind === 'done' ? (outcome.results[0]?.status ?? 'none') : outcome.kind,
          writes: apiWrites() - before,
        });
        return outcome;
      },
    });
    sb.propstreet.webhooks.subscribe({ url: `${serve.url}/webhooks/acme/propstreet`, secrets: [psSecret] });
    hubspot().webhooks.subscribe({ url: `${serve.url}/webhooks/acme/hubspot/hubspot`, secrets: [hsSecret] });
  });
  afterAll(async () => {
    await serve?.stop({ timeoutMs: 60_000 });
    await stores?.close();
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('new Propstreet contacts reach HubSpot; the echoes of those writes end in one quiet run', async () => {
    sb.propstreet.seed(
      [0, 1, 2].map((i) => {
        const p = person(i);
        return { firstName: p.firstName, lastName: p.lastName, email: p.email };
      }),
    );
    const ran = await runsAfter(0);
    expect(ran.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(ran[0]?.writes).toBeGreaterThan(0);
    expect(ran[1]?.writes).toBe(0);
    const emails = hubspot()
      .control.dump()
      .map((c) => c.properties.email)
      .sort();
    expect(emails).toEqual([0, 1, 2].map((i) => person(i).email).sort());
    // The echoes came from both sides: HubSpot's creations by the integration (our app's own
    // writes: they ask for no run), Propstreet's ref write-backs (the quiet run).
    const text = await serve.metrics.registry.render();
    expect(counterSum(text, 'propsync_webhook_events_total', ['source="hubspot"', 'outcome="new"'])).toBe(3);
    expect(counterSum(text, 'propsync_serve_echoes_total', ['tenant="acme"'])).toBe(3);
    expect(
      counterSum(text, 'propsync_webhook_events_total', ['source="propstreet"', 'outcome="new"']),
    ).toBeGreaterThanOrEqual(6);
  });

  it('a Propstreet edit reaches HubSpot through its webhook in one run; HubSpot’s echo of our write asks for none', async () => {
    const mark = runs.length;
    const echoes = counterSum(await serve.metrics.registry.render(), 'propsync_serve_echoes_total', [
      'tenant="acme"',
    ]);
    const [contact] = sb.propstreet.allContacts();
    if (!contact) throw new Error('no contact');
    sb.propstreet.editAsUser(contact.id, { firstName: 'Webhooked' });
    const ran = await runsAfter(mark);
    // Was [true, false]: the run for HubSpot's echo of our write wrote nothing.
    expect(ran.map((r) => r.writes > 0)).toEqual([true]);
    const record = hubspot()
      .control.dump()
      .find((c) => c.properties.propstreet_id === contact.id);
    expect(record?.properties.firstname).toBe('Webhooked');
    // HubSpot's propertyChange for our write came back as an echo and asked for no run.
    await hubspot().webhooks.idle();
    const after = counterSum(await serve.metrics.registry.render(), 'propsync_serve_echoes_total', [
      'tenant="acme"',
    ]);
    expect(after - echoes).toBe(1);
  });

  it('a HubSpot edit reaches Propstreet through its webhook; the echo run writes nothing', async () => {
    const mark = runs.length;
    const record = hubspot().control.dump()[1];
    if (!record) throw new Error('no record');
    hubspot().control.editAsUser(record.id, { lastname: 'Fromhubspot' });
    const ran = await runsAfter(mark);
    expect(ran.map((r) => r.writes > 0)).toEqual([true, false]);
    expect(sb.propstreet.contact(record.properties.propstreet_id ?? '')?.lastName).toBe('Fromhubspot');
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(counterSum(metrics, 'propsync_serve_dispatches_total', ['tenant="acme"', 'outcome="ran"'])).toBe(
      runs.length,
    );
  });

  it('deliveries signed with a wrong secret are rejected and run nothing', async () => {
    const mark = runs.length;
    sb.propstreet.webhooks.unsubscribe();
    hubspot().webhooks.unsubscribe();
    sb.propstreet.webhooks.subscribe({
      url: `${serve.url}/webhooks/acme/propstreet`,
      secrets: [newWhsec()],
      retryDelaysMs: [],
    });
    hubspot().webhooks.subscribe({
      url: `${serve.url}/webhooks/acme/hubspot/hubspot`,
      secrets: ['not-the-client-secret'],
      retryDelaysMs: [],
    });
    const [contact] = sb.propstreet.allContacts();
    sb.propstreet.editAsUser(contact?.id ?? '', { firstName: 'Forged' });
    hubspot().control.editAsUser(hubspot().control.dump()[0]?.id ?? '', { lastname: 'Forged' });
    await Promise.all(fakes().map((f) => f.webhooks.idle()));
    const attempts = fakes().flatMap((f) => f.webhooks.attempts());
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((a) => a.status === 401)).toBe(true);
    await serve.trigger.idle();
    expect(runs.length).toBe(mark);
    const text = await serve.metrics.registry.render();
    expect(counterSum(text, 'propsync_webhook_rejected_total', ['reason="bad-signature"'])).toBe(
      attempts.length,
    );
  });
});
