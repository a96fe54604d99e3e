/**
 * One HubSpot public app for many tenants: `POST /webhooks/hubspot` verifies a batch once and
 * routes each event by its portalId to the connection whose state is bound to that portal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTenantStore } from '../../src/app/open-store.js';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { createPortalDirectory } from '../../src/serve/portal-directory.js';
import { type RunningServe, startServe } from '../../src/serve/start-serve.js';
import type { ConnectionScope } from '../../src/state/port.js';
import { counterSum } from './quiesce.js';
import { fixedClock, hubspotHeaders } from './support.js';

const redactor = new Redactor();

const APP_SECRET = 'public-app-client-secret';

function tenantFile(dir: string, tenant: string): string {
  const file = join(dir, `${tenant}.yaml`);
  writeFileSync(
    file,
    [
      `tenant: ${tenant}`,
      `propstreet: { baseUrl: "http://127.0.0.1:9", token: "\${PROPSYNC_${tenant.toUpperCase()}_PROPSTREET_TOKEN}" }`,
      'connections:',
      `  - { name: hubspot, type: hubspot, baseUrl: "http://127.0.0.1:9", accessToken: "\${PROPSYNC_${tenant.toUpperCase()}_HUBSPOT_TOKEN}" }`,
      `state: { sqlite: ${join(dir, `${tenant}.db`)} }`,
      '',
    ].join('\n'),
  );
  return file;
}

const tokens = (tenant: string) => ({
  [`PROPSYNC_${tenant.toUpperCase()}_PROPSTREET_TOKEN`]: 'unused-propstreet-token',
  [`PROPSYNC_${tenant.toUpperCase()}_HUBSPOT_TOKEN`]: 'unused-hubspot-token',
});

async function bind(config: TenantConfig, portal: number): Promise<void> {
  const store = await openTenantStore(config);
  try {
    await store.setMeta(
      { tenant: config.tenant, connection: 'hubspot', kind: 'contacts' },
      'account.crm',
      JSON.stringify({ id: `hubspot-portal:${portal}`, label: null }),
    );
  } finally {
    await store.close();
  }
}

/** Fixed per event id: a retry carries the same event again. */
const T0 = Date.now();
const event = (portalId: number, eventId: number) => ({
  eventId,
  subscriptionId: 7,
  portalId,
  appId: 99,
  occurredAt: T0 + eventId,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: 1000 + eventId,
  propertyName: 'firstname',
  propertyValue: 'Ada',
  changeSource: 'CRM_UI',
});

describe('POST /webhooks/hubspot: one public app, routed by portalId', () => {
  let dir: string;
  let serve: RunningServe;
  const ran: ConnectionScope[] = [];
  const post = async (body: unknown, secret = APP_SECRET, path = '/webhooks/hubspot') => {
    const text = JSON.stringify(body);
    const res = await fetch(`${serve.url}${path}`, {
      method: 'POST',
      headers: hubspotHeaders(secret, `${serve.url}${path}`, new Date(), text),
      body: text,
    });
    return res.status;
  };
  const metrics = () => serve.metrics.registry.render();
  const ranFor = (tenant: string) => ran.filter((s) => s.tenant === tenant).length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'propsync-hubspot-app-'));
    const env = {
      PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET: APP_SECRET,
      PROPSYNC_ACME_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: 'acme-own-app',
    };
    const configs = await Promise.all(
      ['acme', 'beta', 'gamma'].map((t) =>
        loadTenantConfig(tenantFile(dir, t), { env: tokens(t), redactor }),
      ),
    );
    await bind(configs[0] as TenantConfig, 111);
    await bind(configs[1] as TenantConfig, 222);
    // gamma has never run: not bound to any portal.
    serve = await startServe({
      redactor,
      configs,
      port: 0,
      host: '127.0.0.1',
      env,
      debounceMs: 20,
      logger: silentLogger,
      run: async (scope) => {
        ran.push(scope);
        return { kind: 'done', results: [] };
      },
    });
  });
  afterAll(async () => {
    await serve?.stop({ timeoutMs: 10_000 });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the per-connection endpoints beside the app-wide one', () => {
    expect(serve.endpoints.map((e) => e.path)).toEqual(['/webhooks/acme/hubspot/hubspot']);
  });

  it('a batch spanning two tenants runs each tenant’s connection once', async () => {
    expect(await post([event(111, 1), event(222, 2), event(111, 3)])).toBe(200);
    await vi.waitFor(() => expect(ran.length).toBe(2), { timeout: 15_000, interval: 20 });
    await serve.trigger.idle();
    expect(ran.map((s) => `${s.tenant}/${s.connection}`).sort()).toEqual(['acme/hubspot', 'beta/hubspot']);
    const text = await metrics();
    expect(counterSum(text, 'propsync_webhook_events_total', ['source="hubspot"', 'outcome="new"'])).toBe(3);
    expect(counterSum(text, 'propsync_serve_notifications_total', ['tenant="acme"'])).toBe(2);
    expect(counterSum(text, 'propsync_serve_notifications_total', ['tenant="beta"'])).toBe(1);
  });

  it('the same batch again (HubSpot’s retry) is a duplicate: no run', async () => {
    const before = ran.length;
    expect(await post([event(111, 1), event(222, 2), event(111, 3)])).toBe(200);
    await vi.waitFor(
      async () =>
        expect(
          counterSum(await metrics(), 'propsync_webhook_deliveries_total', ['outcome="duplicate"']),
        ).toBe(1),
      { timeout: 15_000, interval: 20 },
    );
    await serve.trigger.idle();
    expect(ran.length).toBe(before);
  });

  it('events of an unknown or unbound portal are acknowledged and counted, and run nothing', async () => {
    const before = ran.length;
    expect(await post([event(333, 10), event(333, 11), event(111, 12)])).toBe(200);
    await vi.waitFor(
      async () =>
        expect(
          counterSum(await metrics(), 'propsync_webhook_unrouted_events_total', ['reason="unknown-portal"']),
        ).toBe(2),
      { timeout: 15_000, interval: 20 },
    );
    await vi.waitFor(() => expect(ran.length).toBe(before + 1), { timeout: 15_000, interval: 20 });
    expect(ran.at(-1)?.tenant).toBe('acme');
  });

  it('a forged signature is refused (401) before anything is routed; without the secret the path is 404', async () => {
    const before = ran.length;
    expect(await post([event(111, 20)], 'not-the-app-secret')).toBe(401);
    // A per-connection app's secret does not open the app-wide endpoint either.
    expect(await post([event(111, 21)], 'acme-own-app')).toBe(401);
    const text = await metrics();
    expect(
      counterSum(text, 'propsync_webhook_rejected_total', ['source="hubspot"', 'reason="bad-signature"']),
    ).toBe(2);
    await serve.trigger.idle();
    expect(ranFor('acme') + ranFor('beta')).toBe(before);
  });
});

describe('the portal directory', () => {
  it('finds a connection bound after it first looked, once its refresh interval has passed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propsync-portals-'));
    try {
      const config = await loadTenantConfig(tenantFile(dir, 'delta'), { env: tokens('delta'), redactor });
      const store = await openTenantStore(config);
      const clock = fixedClock(new Date('2026-01-01T00:00:00Z'));
      const directory = createPortalDirectory({
        configs: [config],
        storeFor: async () => store,
        clock,
        refreshMs: 10_000,
        warn: () => undefined,
      });
      expect(await directory.scopesFor('444')).toEqual([]);
      await store.setMeta(
        { tenant: 'delta', connection: 'hubspot', kind: 'contacts' },
        'account.crm',
        '{"id":"hubspot-portal:444"}',
      );
      // Within the interval the state is not read again (a flood of unknown portals costs nothing).
      clock.set(new Date('2026-01-01T00:00:05Z'));
      expect(await directory.scopesFor('444')).toEqual([]);
      clock.set(new Date('2026-01-01T00:00:11Z'));
      expect(await directory.scopesFor('444')).toEqual([{ tenant: 'delta', connection: 'hubspot' }]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds a second tenant bound later to a portal it already routes, and a connection's rebinding", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propsync-portals-'));
    try {
      const delta = await loadTenantConfig(tenantFile(dir, 'delta'), { env: tokens('delta'), redactor });
      const echo = await loadTenantConfig(tenantFile(dir, 'echo'), { env: tokens('echo'), redactor });
      const stores = { delta: await openTenantStore(delta), echo: await openTenantStore(echo) };
      const bind = (tenant: 'delta' | 'echo', portal: string) =>
        stores[tenant].setMeta(
          { tenant, connection: 'hubspot', kind: 'contacts' },
          'account.crm',
          JSON.stringify({ id: `hubspot-portal:${portal}` }),
        );
      const clock = fixedClock(new Date('2026-01-01T00:00:00Z'));
      const directory = createPortalDirectory({
        configs: [delta, echo],
        storeFor: async (scope) => stores[scope.tenant as 'delta' | 'echo'],
        clock,
        refreshMs: 10_000,
        warn: () => undefined,
      });
      await bind('delta', '444');
      expect(await directory.scopesFor('444')).toEqual([{ tenant: 'delta', connection: 'hubspot' }]);
      // echo's first run binds it to the same portal: its events are routed to it too.
      await bind('echo', '444');
      clock.set(new Date('2026-01-01T00:00:05Z'));
      expect(await directory.scopesFor('444'), 'not read again within the interval').toHaveLength(1);
      clock.set(new Date('2026-01-01T00:00:11Z'));
      expect(await directory.scopesFor('444')).toEqual([
        { tenant: 'delta', connection: 'hubspot' },
        { tenant: 'echo', connection: 'hubspot' },
      ]);
      // delta rebound to another portal (`run --rebind`): 444's events are no longer delta's.
      await bind('delta', '555');
      clock.set(new Date('2026-01-01T00:00:22Z'));
      expect(await directory.scopesFor('444')).toEqual([{ tenant: 'echo', connection: 'hubspot' }]);
      expect(await directory.scopesFor('555')).toEqual([{ tenant: 'delta', connection: 'hubspot' }]);
      await stores.delta.close();
      await stores.echo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps routing a known connection whose state cannot be read at a refresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propsync-portals-'));
    try {
      const config = await loadTenantConfig(tenantFile(dir, 'delta'), { env: tokens('delta'), redactor });
      const store = await openTenantStore(config);
      await store.setMeta(
        { tenant: 'delta', connection: 'hubspot', kind: 'contacts' },
        'account.crm',
        '{"id":"hubspot-portal:444"}',
      );
      const clock = fixedClock(new Date('2026-01-01T00:00:00Z'));
      let down = false;
      const warned: string[] = [];
      const directory = createPortalDirectory({
        configs: [config],
        storeFor: async () => {
          if (down) throw new Error('database unreachable');
          return store;
        },
        clock,
        refreshMs: 10_000,
        warn: (_scope, err) => warned.push(err),
      });
      expect(await directory.scopesFor('444')).toEqual([{ tenant: 'delta', connection: 'hubspot' }]);
      down = true;
      clock.set(new Date('2026-01-01T00:00:11Z'));
      expect(await directory.scopesFor('444')).toEqual([{ tenant: 'delta', connection: 'hubspot' }]);
      expect(warned).toEqual(['database unreachable']);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
