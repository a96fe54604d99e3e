/**
 * The fakes' webhook sender, checked against the connector's verifiers (written separately,
 * from the same documents) and a scripted receiver: signatures, batches, retries on the
 * vendor's schedule, Propstreet's disabling rules, and the duplicate and reorder knobs.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookSender } from '../../fakes/shared/webhook-sender.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { buildEndpoints, endpointTable } from '../../src/serve/endpoints.js';
import { createEventLedger } from '../../src/serve/event-ledger.js';
import { createIntake } from '../../src/serve/intake.js';
import { createServeMetrics } from '../../src/serve/serve-metrics.js';
import { buildServeServer } from '../../src/serve/server.js';
import { createHubspotVerifier } from '../../src/serve/verify-hubspot.js';
import { createPropstreetVerifier } from '../../src/serve/verify-propstreet.js';
import { ManualTimers } from './manual-timers.js';
import { newWhsec, RecordedRuns, stateFile } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Answers each request with the next scripted status (200 once the script is spent). */
async function receiver(script: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(script.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url, received };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('fake webhook sender', () => {
  it('Propstreet: one signed message per event, several signatures while rotating', async () => {
    const r = await receiver();
    const timers = new ManualTimers();
    const [old, fresh] = [newWhsec(), newWhsec()];
    const sender = new WebhookSender({
      vendor: 'propstreet',
      url: r.url,
      secrets: [fresh, old],
      now: () => timers.clock.now().getTime(),
      timers,
      test: true,
    });
    sender.send([
      { type: 'contact.updated', data: { id: 'c-1' } },
      { type: 'contact.deleted', data: { id: 'c-2' } },
    ]);
    await sender.idle();
    expect(r.received).toHaveLength(2);
    const now = timers.clock.now();
    for (const secrets of [[fresh], [old]]) {
      const verify = createPropstreetVerifier({ secrets });
      for (const d of r.received) expect(verify({ headers: d.headers, body: d.body }, now).ok).toBe(true);
    }
    expect(r.received[0]?.headers['webhook-signature']?.toString().split(' ')).toHaveLength(2);
    expect(r.received[0]?.headers['x-propstreet-test']).toBe('true');
    expect(JSON.parse(r.received[1]?.body.toString() ?? '')).toMatchObject({ type: 'contact.deleted' });
  });

  it('HubSpot: batches of at most 100 events, signed over the target URL', async () => {
    const r = await receiver();
    const timers = new ManualTimers();
    const sender = new WebhookSender({
      vendor: 'hubspot',
      url: r.url,
      secrets: ['client-secret'],
      now: () => timers.clock.now().getTime(),
      timers,
    });
    sender.send(
      Array.from({ length: 150 }, (_, i) => ({
        subscriptionType: 'contact.propertyChange',
        objectId: i + 1,
      })),
    );
    await sender.idle();
    const batches = r.received.map((d) => JSON.parse(d.body.toString()) as { eventId: number }[]);
    expect(batches.map((b) => b.length)).toEqual([100, 50]);
    expect(new Set(batches.flat().map((e) => e.eventId)).size).toBe(150);
    const verify = createHubspotVerifier({ secrets: ['client-secret'] });
    for (const d of r.received)
      expect(
        verify({ method: 'POST', uri: r.url, headers: d.headers, body: d.body }, timers.clock.now()).ok,
      ).toBe(true);
  });

  it('retries a failed delivery on the schedule, same message, signed anew each time', async () => {
    const r = await receiver([500, 503]);
    const timers = new ManualTimers();
    const sender = new WebhookSender({
      vendor: 'propstreet',
      url: r.url,
      secrets: [newWhsec()],
      now: () => timers.clock.now().getTime(),
      timers,
      retryDelaysMs: [5000, 60_000],
    });
    sender.send([{ type: 'contact.updated', data: { id: 'c-1' } }]);
    const waitForAttempts = async (n: number) => {
      while (sender.attempts.length < n) await new Promise<void>((resolve) => setImmediate(resolve));
    };
    await waitForAttempts(1);
    timers.advance(4999);
    expect(r.received).toHaveLength(1);
    timers.advance(1);
    await waitForAttempts(2);
    timers.advance(60_000);
    await sender.idle();
    expect(sender.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    const ids = r.received.map((d) => d.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(r.received.map((d) => d.headers['webhook-timestamp'])).size).toBe(3);
  });

  it('HubSpot retries carry the attempt number, so each is a new body and signature', async () => {
    const r = await receiver([500]);
    const timers = new ManualTimers();
    const sender = new WebhookSender({
      vendor: 'hubspot',
      url: r.url,
      secrets: ['s'],
      now: () => timers.clock.now().getTime(),
      timers,
      retryDelaysMs: [1000],
    });
    sender.send([{ subscriptionType: 'contact.creation', objectId: 7 }]);
    while (sender.attempts.length < 1) await new Promise<void>((resolve) => setImmediate(resolve));
    timers.advance(1000);
    await sender.idle();
    const bodies = r.received.map(
      (d) => JSON.parse(d.body.toString()) as { attemptNumber: number; eventId: number }[],
    );
    expect(bodies.map((b) => [b[0]?.eventId, b[0]?.attemptNumber])).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it('Propstreet: a 410 disables the subscription at once; retries stop when spent', async () => {
    const gone = await receiver([410]);
    const sender = new WebhookSender({ vendor: 'propstreet', url: gone.url, secrets: [newWhsec()] });
    sender.send([{ type: 'contact.updated', data: { id: 'c-1' } }]);
    await sender.idle();
    expect(sender.disabled).toBe(true);
    sender.send([{ type: 'contact.updated', data: { id: 'c-2' } }]);
    await sender.idle();
    expect(gone.received).toHaveLength(1);

    const failing = await receiver(Array(20).fill(500));
    const timers = new ManualTimers();
    const waits: number[] = [];
    const giving = new WebhookSender({
      vendor: 'propstreet',
      url: failing.url,
      secrets: [newWhsec()],
      timers: {
        set: (fn, ms) => {
          waits.push(ms);
          return timers.set(fn, ms);
        },
        clear: (h) => timers.clear(h),
      },
      now: () => timers.clock.now().getTime(),
    });
    giving.send([{ type: 'contact.updated', data: { id: 'c-3' } }]);
    for (let attempt = 1; attempt <= 9; attempt++) {
      while (giving.attempts.length < attempt) await new Promise<void>((resolve) => setImmediate(resolve));
      timers.advance(11 * 3600_000);
    }
    await giving.idle();
    // 9 attempts over ~35 h, then Propstreet gives up on this message (the subscription stays).
    expect(giving.attempts).toHaveLength(9);
    expect(waits).toHaveLength(8);
    const hours = waits.reduce((a, b) => a + b, 0) / 3600_000;
    expect(hours).toBeGreaterThan(34);
    expect(hours).toBeLessThan(37);
    expect(giving.disabled).toBe(false);
  });

  it('duplicate and reorder knobs, against the real serve endpoint: all accepted, each event runs once', async () => {
    const secret = newWhsec();
    const file = stateFile();
    cleanups.push(() => file.remove());
    const store = await file.open();
    cleanups.push(() => store.close());
    const runs = new RecordedRuns();
    const metrics = createServeMetrics();
    const intake = createIntake({
      ledger: createEventLedger({ storeFor: async () => store, retentionMs: 3600_000 }),
      runs,
      metrics,
      logger: silentLogger,
    });
    let processed = 0;
    const app = buildServeServer({
      endpoints: endpointTable(
        buildEndpoints(
          [{ tenant: 'acme', connections: [{ name: 'hubspot', type: 'hubspot' }] }],
          {
            PROPSYNC_ACME_PROPSTREET_WEBHOOK_SECRET: secret,
          },
          redactor,
        ),
      ),
      metrics,
      clock: { now: () => new Date(), sleep: async () => undefined },
      logger: silentLogger,
      healthy: async () => true,
      intake: {
        secure: intake.secure,
        admit: async (d) => {
          await intake.admit(d);
          processed++;
        },
      },
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const sender = new WebhookSender({
      vendor: 'propstreet',
      url: `${base}/webhooks/acme/propstreet`,
      secrets: [secret],
      faults: { duplicateRate: 1, reorder: true },
      seed: 7,
    });
    const ids = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'];
    sender.send(ids.map((id) => ({ type: 'contact.updated', data: { id } })));
    await sender.idle();
    expect(sender.attempts).toHaveLength(10);
    expect(sender.attempts.filter((a) => a.duplicate)).toHaveLength(5);
    expect(sender.attempts.every((a) => a.status === 200)).toBe(true);
    while (processed < 10) await new Promise<void>((resolve) => setImmediate(resolve));
    // Five new events, five duplicates: five run requests, never ten.
    expect(runs.requests.reduce((n, r) => n + r.request.events, 0)).toBe(5);
    expect(await metrics.registry.render()).toContain(
      'propsync_webhook_deliveries_total{source="propstreet",outcome="duplicate"} 5',
    );
  });

  it('reorder shuffles the messages of one send (seeded)', async () => {
    const r = await receiver();
    const sender = new WebhookSender({
      vendor: 'propstreet',
      url: r.url,
      secrets: [newWhsec()],
      faults: { reorder: true },
      seed: 3,
    });
    const ids = Array.from({ length: 8 }, (_, i) => `c-${i}`);
    sender.send(ids.map((id) => ({ type: 'contact.updated', data: { id } })));
    await sender.idle();
    const order = r.received.map((d) => (JSON.parse(d.body.toString()) as { data: { id: string } }).data.id);
    expect([...order].sort()).toEqual([...ids].sort());
    expect(order).not.toEqual(ids);
  });
});
