/**
 * `serve` with a Salesforce connection on Change Data Capture, end to end on the fakes: the
 * Salesforce fake streams its change events over CometD, jsforce's client takes them, the run
 * trigger runs the connection, the edit reaches Propstreet. No event is sent by the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { Redactor } from '../../src/core/redact.js';
import type { TriggerEvent } from '../../src/serve/run-trigger.js';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { startTestServe } from './support.js';

const redactor = new Redactor();

const WAIT = { timeout: 30_000, interval: 25 };

describe('serve: Salesforce change events (CDC) run the connection', () => {
  let sb: Sandbox;
  let dir: string;
  let config: TenantConfig;
  let loadConfig: (f: string) => Promise<TenantConfig>;
  let env: Record<string, string | undefined>;
  let serve: RunningServe | undefined;
  let settled: TriggerEvent[] = [];

  const start = async () => {
    settled = [];
    serve = await startTestServe({
      redactor,
      configs: [config],
      env,
      loadConfig,
      changeEventBackoff: { initialMs: 50, maxMs: 500 },
      observe: (e) => {
        if (e.type === 'settled') settled.push(e);
      },
    });
    await serve.changeEvents.ready();
    return serve;
  };
  const metrics = async () => (await (await fetch(`${serve?.url}/metrics`)).text()) as string;

  beforeAll(async () => {
    sb = await startSandbox({ hubspot: false, salesforceOptions: { cometd: { connectTimeoutMs: 3000 } } });
    sb.propstreet.setRateLimit(6000);
    sb.propstreet.generate(3);
    dir = mkdtempSync(join(tmpdir(), 'propsync-serve-cdc-'));
    const file = sb.writeTenant(dir, {
      tenant: 'acme',
      connections: ['salesforce'],
      connection: { changeEvents: true },
    });
    // No webhook secret at all: the change events alone make serve worth starting.
    env = { ...sb.env };
    loadConfig = (f: string) => loadTenantConfig(f, { env, cwd: dir, redactor });
    config = await loadConfig(file);
  });
  afterAll(async () => {
    await serve?.stop({ timeoutMs: 60_000 });
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('subscribes without a kept replay id and runs once to catch up; its own writes run nothing', async () => {
    const s = await start();
    expect(s.changeEvents.scopes).toEqual([{ tenant: 'acme', connection: 'salesforce' }]);
    await vi.waitFor(
      () => expect(settled.map((e) => e.type === 'settled' && e.outcome)).toEqual(['ran']),
      WAIT,
    );
    expect(sb.salesforce?.control.dump()).toHaveLength(3);
    // The run's creates come back as change events naming client=propsync: no second run.
    await vi.waitFor(
      async () =>
        expect(await metrics()).toContain(
          'propsync_cdc_events_total{tenant="acme",connection="salesforce",outcome="own-write"} 3',
        ),
      WAIT,
    );
    expect(await metrics()).toContain(
      'propsync_cdc_replay_resets_total{tenant="acme",connection="salesforce",reason="no-position"} 1',
    );
    expect(settled).toHaveLength(1);
  });

  it("a user's edit in Salesforce reaches Propstreet through one run", async () => {
    const record = sb.salesforce?.control.dump()[0];
    if (!record) throw new Error('no record');
    sb.salesforce?.control.edit(String(record.Id), { FirstName: 'Streamed' });
    await vi.waitFor(() => expect(settled).toHaveLength(2), WAIT);
    expect(sb.propstreet.contact(String(record.Propstreet_Id__c))?.firstName).toBe('Streamed');
    expect(await metrics()).toContain(
      'propsync_cdc_events_total{tenant="acme",connection="salesforce",outcome="accepted"} 1',
    );
  });

  it('after a restart, an edit made while serve was down is replayed from the kept id and synced', async () => {
    await serve?.stop({ timeoutMs: 60_000 });
    serve = undefined;
    const record = sb.salesforce?.control.dump()[1];
    if (!record) throw new Error('no record');
    sb.salesforce?.control.edit(String(record.Id), { LastName: 'Whiledown' });
    await start();
    await vi.waitFor(
      () => expect(sb.propstreet.contact(String(record.Propstreet_Id__c))?.lastName).toBe('Whiledown'),
      WAIT,
    );
    // Resumed, not reset: no catch-up run was needed.
    expect(await metrics()).not.toContain('propsync_cdc_replay_resets_total{');
    expect(await metrics()).toContain(
      'propsync_cdc_events_total{tenant="acme",connection="salesforce",outcome="accepted"} 1',
    );
  });
});
