import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { buildEndpoints, endpointTable } from '../../src/serve/endpoints.js';
import { createEventLedger } from '../../src/serve/event-ledger.js';
import { type AcceptedDelivery, createIntake } from '../../src/serve/intake.js';
import { createServeMetrics } from '../../src/serve/serve-metrics.js';
import { buildServeServer } from '../../src/serve/server.js';
import type { StateStore } from '../../src/state/port.js';
import {
  fixedClock,
  hubspotHeaders,
  newWhsec,
  propstreetHeaders,
  RecordedRuns,
  stateFile,
} from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const NOW = new Date('2026-03-01T12:00:00Z');
const PS_SECRET = newWhsec();
const TENANT_PS_SECRET = newWhsec();
const HS_SECRET = 'hubspot-client-secret';
const ENV = {
  PROPSYNC_ACME_HUBSPOT_PROPSTREET_WEBHOOK_SECRET: PS_SECRET,
  PROPSYNC_ACME_PROPSTREET_WEBHOOK_SECRET: TENANT_PS_SECRET,
  PROPSYNC_ACME_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: HS_SECRET,
  // The second HubSpot connection has its own app and secret.
  PROPSYNC_ACME_EU_HUB_HUBSPOT_WEBHOOK_SECRET: 'eu-app-secret',
};
const TENANTS = [
  {
    tenant: 'acme',
    connections: [
      { name: 'hubspot', type: 'hubspot' as const },
      { name: 'salesforce', type: 'salesforce' as const },
      { name: 'eu-hub', type: 'hubspot' as const },
    ],
  },
];

interface Running {
  readonly url: string;
  readonly runs: RecordedRuns;
  readonly store: StateStore;
  /** Resolves once the work after `n` acknowledged deliveries is done. */
  processed(n: number): Promise<void>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(
  options: {
    file?: ReturnType<typeof stateFile>;
    bodyLimit?: number;
    hold?: Promise<void>;
    healthy?: () => Promise<boolean>;
    /** Replaces securing a delivery (intake.ts: association marks), e.g. with one that fails. */
    secure?: (d: AcceptedDelivery) => Promise<AcceptedDelivery>;
    secureWithinMs?: number;
  } = {},
): Promise<Running> {
  const file = options.file ?? stateFile();
  if (!options.file) cleanups.push(() => file.remove());
  const store = await file.open();
  const metrics = createServeMetrics();
  const runs = new RecordedRuns();
  const ledger = createEventLedger({ storeFor: async () => store, retentionMs: 72 * 3600_000 });
  const intake = createIntake({ ledger, runs, metrics, logger: silentLogger });
  let done = 0;
  let waiters: { n: number; resolve: () => void }[] = [];
  const app = buildServeServer({
    endpoints: endpointTable(buildEndpoints(TENANTS, ENV, redactor)),
    metrics,
    clock: fixedClock(NOW),
    logger: silentLogger,
    healthy: options.healthy ?? (async () => true),
    publicUrl: 'https://sync.example.com',
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.secureWithinMs === undefined ? {} : { secureWithinMs: options.secureWithinMs }),
    intake: {
      secure: options.secure ?? intake.secure,
      admit: async (d: AcceptedDelivery) => {
        await options.hold;
        await intake.admit(d);
        done++;
        for (const w of waiters.filter((x) => done >= x.n)) w.resolve();
        waiters = waiters.filter((w) => done < w.n);
      },
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const running: Running = {
    url,
    runs,
    store,
    processed: (n) =>
      done >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
  cleanups.push(() => running.close());
  return running;
}

const post = (url: string, headers: Record<string, string>, body: string) =>
  fetch(url, { method: 'POST', headers, body });

const PS_BODY = '{"type":"contact.updated","data":{"id":"c-1"}}';
const psPath = '/webhooks/acme/hubspot/propstreet';
const hsPath = '/webhooks/acme/hubspot/hubspot';
const hsBatch = (
  events: { eventId: number; objectId: number; occurredAt: number; attemptNumber?: number }[],
) =>
  JSON.stringify(
    events.map((e) => ({
      subscriptionId: 11,
      portalId: 62515,
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      ...e,
    })),
  );

describe('serve: webhook endpoints', () => {
  it('acknowledges a signed Propstreet delivery and asks for a run of that connection', async () => {
    const s = await start();
    const res = await post(`${s.url}${psPath}`, propstreetHeaders(PS_SECRET, 'msg_1', NOW, PS_BODY), PS_BODY);
    expect(res.status).toBe(200);
    await s.processed(1);
    expect(s.runs.requests).toEqual([
      {
        scope: { tenant: 'acme', connection: 'hubspot' },
        request: { events: 1, earliest: new Date(Math.floor(NOW.getTime() / 1000) * 1000), receivedAt: NOW },
      },
    ]);
    expect(await s.metrics()).toContain(
      'propsync_webhook_deliveries_total{source="propstreet",outcome="accepted"} 1',
    );
  });

  it('the tenant-wide Propstreet endpoint asks for a run of every connection', async () => {
    const s = await start();
    const path = '/webhooks/acme/propstreet';
    const res = await post(
      `${s.url}${path}`,
      propstreetHeaders(TENANT_PS_SECRET, 'msg_t', NOW, PS_BODY),
      PS_BODY,
    );
    expect(res.status).toBe(200);
    await s.processed(1);
    expect(s.runs.requests.map((r) => r.scope.connection)).toEqual(['hubspot', 'salesforce', 'eu-hub']);
  });

  it('a HubSpot batch is one run request; its retry is a duplicate; a batch with one new event asks again', async () => {
    const s = await start();
    const uri = `https://sync.example.com${hsPath}`;
    const t = NOW.getTime();
    const first = hsBatch([
      { eventId: 1, objectId: 100, occurredAt: t - 3000 },
      { eventId: 2, objectId: 101, occurredAt: t - 2000 },
      { eventId: 3, objectId: 102, occurredAt: t - 1000 },
    ]);
    expect((await post(`${s.url}${hsPath}`, hubspotHeaders(HS_SECRET, uri, NOW, first), first)).status).toBe(
      200,
    );
    await s.processed(1);
    expect(s.runs.requests).toHaveLength(1);
    expect(s.runs.requests[0]?.request).toMatchObject({ events: 3, earliest: new Date(t - 3000) });

    // HubSpot's retry: the same events with another attempt number, signed anew.
    const retry = hsBatch([
      { eventId: 1, objectId: 100, occurredAt: t - 3000, attemptNumber: 1 },
      { eventId: 2, objectId: 101, occurredAt: t - 2000, attemptNumber: 1 },
      { eventId: 3, objectId: 102, occurredAt: t - 1000, attemptNumber: 1 },
    ]);
    expect((await post(`${s.url}${hsPath}`, hubspotHeaders(HS_SECRET, uri, NOW, retry), retry)).status).toBe(
      200,
    );
    await s.processed(2);
    expect(s.runs.requests).toHaveLength(1);

    const mixed = hsBatch([
      { eventId: 3, objectId: 102, occurredAt: t - 1000 },
      { eventId: 4, objectId: 103, occurredAt: t - 500 },
    ]);
    await post(`${s.url}${hsPath}`, hubspotHeaders(HS_SECRET, uri, NOW, mixed), mixed);
    await s.processed(3);
    expect(s.runs.requests.map((r) => r.request.events)).toEqual([3, 1]);
    const text = await s.metrics();
    expect(text).toContain('propsync_webhook_deliveries_total{source="hubspot",outcome="duplicate"} 1');
    expect(text).toContain('propsync_webhook_events_total{source="hubspot",outcome="new"} 4');
    expect(text).toContain('propsync_webhook_events_total{source="hubspot",outcome="duplicate"} 4');
  });

  it('a replayed Propstreet message (same webhook-id, validly signed again) runs nothing more', async () => {
    const s = await start();
    const later = new Date(NOW.getTime() + 60_000);
    await post(`${s.url}${psPath}`, propstreetHeaders(PS_SECRET, 'msg_r', NOW, PS_BODY), PS_BODY);
    const res = await post(
      `${s.url}${psPath}`,
      propstreetHeaders(PS_SECRET, 'msg_r', later, PS_BODY),
      PS_BODY,
    );
    expect(res.status).toBe(200);
    await s.processed(2);
    expect(s.runs.requests).toHaveLength(1);
  });

  it('two copies of one delivery at the same moment ask for one run', async () => {
    const s = await start();
    const headers = propstreetHeaders(PS_SECRET, 'msg_twin', NOW, PS_BODY);
    const answers = await Promise.all([
      post(`${s.url}${psPath}`, headers, PS_BODY),
      post(`${s.url}${psPath}`, headers, PS_BODY),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await s.processed(2);
    expect(s.runs.requests).toHaveLength(1);
  });

  it('a retry after a restart is still a duplicate: seen ids are in the state store', async () => {
    const file = stateFile();
    cleanups.push(() => file.remove());
    const first = await start({ file });
    await post(`${first.url}${psPath}`, propstreetHeaders(PS_SECRET, 'msg_restart', NOW, PS_BODY), PS_BODY);
    await first.processed(1);
    expect(first.runs.requests).toHaveLength(1);
    await first.close();

    const second = await start({ file });
    const res = await post(
      `${second.url}${psPath}`,
      propstreetHeaders(PS_SECRET, 'msg_restart', NOW, PS_BODY),
      PS_BODY,
    );
    expect(res.status).toBe(200);
    await second.processed(1);
    expect(second.runs.requests).toHaveLength(0);
    expect(await second.metrics()).toContain(
      'propsync_webhook_deliveries_total{source="propstreet",outcome="duplicate"} 1',
    );
  });

  it('rejects forged, stale, future and headerless deliveries, counting each reason', async () => {
    const s = await start();
    const forged = propstreetHeaders(newWhsec(), 'msg_f', NOW, PS_BODY);
    const stale = propstreetHeaders(PS_SECRET, 'msg_s', new Date(NOW.getTime() - 6 * 60_000), PS_BODY);
    const future = propstreetHeaders(PS_SECRET, 'msg_u', new Date(NOW.getTime() + 6 * 60_000), PS_BODY);
    const tampered = propstreetHeaders(PS_SECRET, 'msg_t', NOW, PS_BODY);
    const answers = [
      await post(`${s.url}${psPath}`, forged, PS_BODY),
      await post(`${s.url}${psPath}`, stale, PS_BODY),
      await post(`${s.url}${psPath}`, future, PS_BODY),
      await post(`${s.url}${psPath}`, tampered, PS_BODY.replace('c-1', 'c-9')),
      await post(`${s.url}${psPath}`, { 'content-type': 'application/json' }, PS_BODY),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 400]);
    expect(await answers[1]?.json()).toEqual({ error: 'stale' });
    const text = await s.metrics();
    for (const [reason, n] of [
      ['bad-signature', 2],
      ['stale', 1],
      ['future', 1],
      ['missing-headers', 1],
    ] as const)
      expect(text).toContain(`propsync_webhook_rejected_total{source="propstreet",reason="${reason}"} ${n}`);
    expect(s.runs.requests).toHaveLength(0);
  });

  it('rejects a HubSpot delivery signed for another URI (another connection or host)', async () => {
    const s = await start();
    const body = hsBatch([{ eventId: 9, objectId: 1, occurredAt: NOW.getTime() }]);
    // Signed for eu-hub's URL with its own secret, replayed at the hubspot connection's URL.
    const euUri = 'https://sync.example.com/webhooks/acme/eu-hub/hubspot';
    const moved = await post(`${s.url}${hsPath}`, hubspotHeaders('eu-app-secret', euUri, NOW, body), body);
    expect(moved.status).toBe(401);
    // The right secret, but signed for another host than the public URL.
    const otherHost = `https://other.example.com${hsPath}`;
    const wrongHost = await post(`${s.url}${hsPath}`, hubspotHeaders(HS_SECRET, otherHost, NOW, body), body);
    expect(wrongHost.status).toBe(401);
    // And the one that is right, for contrast.
    const right = `https://sync.example.com${hsPath}`;
    expect((await post(`${s.url}${hsPath}`, hubspotHeaders(HS_SECRET, right, NOW, body), body)).status).toBe(
      200,
    );
    expect(await s.metrics()).toContain(
      'propsync_webhook_rejected_total{source="hubspot",reason="bad-signature"} 2',
    );
  });

  it('refuses an oversized body with 413 before verifying it', async () => {
    const s = await start({ bodyLimit: 1024 });
    const big = JSON.stringify({ type: 'contact.updated', pad: 'x'.repeat(2000) });
    const res = await post(`${s.url}${psPath}`, propstreetHeaders(PS_SECRET, 'msg_big', NOW, big), big);
    expect(res.status).toBe(413);
    expect(await s.metrics()).toContain(
      'propsync_webhook_rejected_total{source="propstreet",reason="oversized"} 1',
    );
    // Just under the limit passes.
    const small = JSON.stringify({ type: 'contact.updated', pad: 'x'.repeat(900) });
    expect(
      (await post(`${s.url}${psPath}`, propstreetHeaders(PS_SECRET, 'msg_ok', NOW, small), small)).status,
    ).toBe(200);
  });

  it('unknown endpoints answer 404, never 410 (Propstreet would disable the subscription)', async () => {
    const s = await start();
    const headers = propstreetHeaders(PS_SECRET, 'msg_x', NOW, PS_BODY);
    for (const path of [
      '/webhooks/acme/salesforce/hubspot', // no HubSpot endpoint on a Salesforce connection
      '/webhooks/acme/salesforce/propstreet', // no secret configured for it
      '/webhooks/other/hubspot/propstreet',
      '/webhooks/acme/hubspot/salesforce',
      '/webhooks/acme',
    ]) {
      const res = await post(`${s.url}${path}`, headers, PS_BODY);
      expect(res.status, path).toBe(404);
    }
    expect((await fetch(`${s.url}${psPath}`)).status).toBe(404);
    expect(s.runs.requests).toHaveLength(0);
  });

  it('answers before the work after it is done', async () => {
    let release: () => void = () => undefined;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const s = await start({ hold });
    const res = await post(`${s.url}${psPath}`, propstreetHeaders(PS_SECRET, 'msg_a', NOW, PS_BODY), PS_BODY);
    // The intake is still held, and the vendor already has its 200.
    expect(res.status).toBe(200);
    expect(s.runs.requests).toHaveLength(0);
    release();
    await s.processed(1);
    expect(s.runs.requests).toHaveLength(1);
  });

  it('answers 503 (the vendor retries) when what must be stored first fails or takes too long, and asks for no run', async () => {
    const uri = `https://sync.example.com${hsPath}`;
    const batch = hsBatch([{ eventId: 1, objectId: 100, occurredAt: NOW.getTime() - 1000 }]);
    const failing = await start({ secure: () => Promise.reject(new Error('database is down')) });
    expect(
      (await post(`${failing.url}${hsPath}`, hubspotHeaders(HS_SECRET, uri, NOW, batch), batch)).status,
    ).toBe(503);
    // Never settles: answered once the deadline passes, well inside HubSpot's 5 s.
    const hanging = await start({ secure: () => new Promise(() => undefined), secureWithinMs: 50 });
    expect(
      (await post(`${hanging.url}${hsPath}`, hubspotHeaders(HS_SECRET, uri, NOW, batch), batch)).status,
    ).toBe(503);
    for (const s of [failing, hanging]) {
      expect(s.runs.requests).toEqual([]);
      expect(await s.metrics()).toContain(
        'propsync_webhook_deliveries_total{source="hubspot",outcome="unsecured"} 1',
      );
    }
  });

  it('serves /healthz from the health probe and /metrics as Prometheus text', async () => {
    let ok = true;
    const s = await start({ healthy: async () => ok });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    ok = false;
    expect((await fetch(`${s.url}/healthz`)).status).toBe(503);
    const metrics = await fetch(`${s.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await metrics.text()).toContain('# TYPE propsync_event_to_run_seconds histogram');
  });
});
