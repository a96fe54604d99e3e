/**
 * `startServe` put together, with the run replaced or queued: a burst of 1,000 webhook
 * deliveries over HTTP is one run, their retries none; with `queue`, a delivery becomes one
 * pg-boss job for the workers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import type { TriggerEvent } from '../../src/serve/run-trigger.js';
import { type RunningServe, startServe } from '../../src/serve/start-serve.js';
import { SYNC_QUEUE } from '../../src/worker/queue.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../state/pg-test-db.js';
import { jobRows, waitFor } from '../worker/support.js';
import { ManualTimers } from './manual-timers.js';
import { newWhsec, propstreetHeaders, writeAcmeTenant } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const secret = newWhsec();
const env = {
  PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token',
  PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN: 'hs-token',
  PROPSYNC_ACME_HUBSPOT_PROPSTREET_WEBHOOK_SECRET: secret,
};
/** A `${VAR}` reference in a tenant file. */
const _ref = (name: string) => `\${${name}}`;
let dir: string;
let config: TenantConfig;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'propsync-start-serve-'));
  const file = writeAcmeTenant(dir);
  config = await loadTenantConfig(file, { redactor, env, cwd: dir });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let serve: RunningServe | undefined;
afterEach(async () => {
  await serve?.stop({ timeoutMs: 30_000 });
  serve = undefined;
});

const deliver = (url: string, id: string, at: Date) => {
  const body = JSON.stringify({ type: 'contact.updated', data: { id } });
  return fetch(`${url}/webhooks/acme/hubspot/propstreet`, {
    method: 'POST',
    headers: propstreetHeaders(secret, id, at, body),
    body,
  });
};

describe('startServe', () => {
  it('1,000 deliveries in a burst are one run; their 1,000 retries are none', async () => {
    const timers = new ManualTimers();
    const runs: string[] = [];
    const events: TriggerEvent[] = [];
    serve = await startServe({
      redactor,
      configs: [config],
      env,
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      clock: timers.clock,
      timers,
      debounceMs: 1500,
      observe: (e) => events.push(e),
      run: async (scope) => {
        runs.push(`${scope.tenant}/${scope.connection}`);
        return { kind: 'done', results: [{ status: 'ok', done: {} } as unknown as ConnectionResult] };
      },
    });
    const url = serve.url;
    const ids = Array.from({ length: 1000 }, (_, i) => `msg_${i}`);
    const sendAll = async () => {
      for (let i = 0; i < ids.length; i += 50)
        for (const res of await Promise.all(
          ids.slice(i, i + 50).map((id) => deliver(url, id, timers.clock.now())),
        ))
          expect(res.status).toBe(200);
    };
    const counted = (outcome: 'new' | 'duplicate', n: number) =>
      waitFor(`${n} ${outcome} events counted`, async () =>
        (await (await fetch(`${url}/metrics`)).text()).includes(
          `propsync_webhook_events_total{source="propstreet",outcome="${outcome}"} ${n}`,
        ),
      );
    await sendAll();
    await counted('new', 1000);
    timers.advance(1500);
    await serve.trigger.idle();
    expect(runs).toEqual(['acme/hubspot']);
    expect(events.find((e) => e.type === 'dispatch')).toMatchObject({ window: { events: 1000 } });

    await sendAll(); // the vendor retries every one of them
    await counted('duplicate', 1000);
    timers.advance(60_000);
    await serve.trigger.idle();
    expect(runs).toHaveLength(1);
  });

  it('with a queue, a delivery becomes one pg-boss job for the workers', async () => {
    const queueSchema = testSchemaName('servejobs');
    try {
      serve = await startServe({
        redactor,
        configs: [config],
        env,
        port: 0,
        host: '127.0.0.1',
        logger: silentLogger,
        debounceMs: 0,
        queue: { databaseUrl: TEST_DATABASE_URL, queueSchema },
      });
      expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
      expect((await deliver(serve.url, 'msg_q1', new Date())).status).toBe(200);
      const jobs = await waitFor('a queued job', async () => {
        const rows = await jobRows(queueSchema, SYNC_QUEUE).catch(() => []);
        return rows.length > 0 && rows;
      });
      expect(jobs.map((j) => `${j.singletonKey} ${j.state}`)).toEqual(['acme/hubspot created']);
      // A second event while that job waits is covered by it: still one job.
      expect((await deliver(serve.url, 'msg_q2', new Date())).status).toBe(200);
      await waitFor('the second dispatch', async () =>
        (await (await fetch(`${serve?.url}/metrics`)).text()).includes('outcome="covered"} 1'),
      );
      expect(await jobRows(queueSchema, SYNC_QUEUE)).toHaveLength(1);
    } finally {
      await serve?.stop({ timeoutMs: 30_000 });
      serve = undefined;
      await dropSchema(queueSchema);
    }
  });
});
