/**
 * A delivery answered 200 just before SIGTERM: `stop()` dispatches the open windows and waits
 * for the runs in flight, and (since 12-04) first for the work after the answer — the dedup and
 * the run request — which it did not wait for: with a PostgreSQL state the stores closed under
 * it and the run was never asked for, though HubSpot had its 200 and sends nothing again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { associationMarks } from '../../src/links/association-marks.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import { startServe } from '../../src/serve/start-serve.js';
import { createPostgresStateStore, createSqliteStateStore } from '../../src/state/index.js';
import type { StateStore } from '../../src/state/port.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../state/pg-test-db.js';
import { hubspotHeaders, writeAcmeTenant } from './support.js';

const redactor = new Redactor();
const hsSecret = 'hs-client-secret-xyz';
const env = {
  PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token',
  PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN: 'hs-token',
  PROPSYNC_ACME_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: hsSecret,
};
let dir: string;
let config: TenantConfig;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'propsync-wh-stop-'));
  const file = writeAcmeTenant(dir, { objects: '[companies, contacts, links]' });
  config = await loadTenantConfig(file, { redactor, env, cwd: dir });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type MetaReader = Pick<StateStore, 'listMeta' | 'close'>;

async function scenario(config: TenantConfig, openStore: () => Promise<MetaReader>) {
  const runs: string[] = [];
  const serve = await startServe({
    redactor,
    configs: [config],
    env,
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    debounceMs: 1500,
    run: async (scope) => {
      runs.push(`${scope.tenant}/${scope.connection}`);
      return { kind: 'done', results: [{ status: 'ok', done: {} } as unknown as ConnectionResult] };
    },
  });
  const uri = `${serve.url}/webhooks/acme/hubspot/hubspot`;
  const now = Date.now();
  const body = JSON.stringify([
    {
      eventId: 1,
      subscriptionId: 9,
      portalId: 62515,
      appId: 99,
      occurredAt: now - 1000,
      subscriptionType: 'contact.associationChange',
      objectId: 501,
      changeSource: 'CRM_UI',
      associationType: 'CONTACT_TO_COMPANY',
      fromObjectId: 501,
      toObjectId: 900,
      associationRemoved: false,
    },
  ]);
  const res = await fetch(uri, {
    method: 'POST',
    headers: hubspotHeaders(hsSecret, uri, new Date(now), body),
    body,
  });
  expect(res.status).toBe(200); // HubSpot will never send it again
  const { drained } = await serve.stop({ timeoutMs: 10_000 });
  expect(drained).toBe(true);
  // What a graceful stop must not lose: the run asked for and the association mark stored.
  const store = await openStore();
  try {
    const marks = associationMarks(
      await store.listMeta({ tenant: 'acme', connection: 'hubspot', kind: 'links' }),
    );
    expect({ runs, marks: marks.map((m) => m.crmId) }).toEqual({ runs: ['acme/hubspot'], marks: ['501'] });
  } finally {
    await store.close();
  }
}

describe('serve stop (SIGTERM) right after a delivery was answered', () => {
  it('SQLite state: the acknowledged association change is marked and its run dispatched before stop() resolves', async () => {
    await scenario(config, async () => {
      const store = createSqliteStateStore({ path: join(dir, 'acme.db') });
      await store.migrate();
      return store;
    });
  });
  it('PostgreSQL state: the acknowledged association change is marked and its run dispatched before stop() resolves', async () => {
    const schema = testSchemaName('whstop');
    const file = writeAcmeTenant(dir, {
      file: 'acme-pg.yaml',
      objects: '[companies, contacts, links]',
      state: [`  postgres: ${TEST_DATABASE_URL}`, `  schema: ${schema}`],
    });
    const pgConfig = await loadTenantConfig(file, { redactor, env, cwd: dir });
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    try {
      await scenario(pgConfig, async () => {
        const store = createPostgresStateStore({ pool, schema });
        await store.migrate();
        return { listMeta: (s) => store.listMeta(s), close: async () => undefined };
      });
    } finally {
      await pool.end();
      await dropSchema(schema);
    }
  });
});
