/**
 * `serve`, end to end on the fakes: a connection syncing companies whose Account channel has no
 * kept replay id yet (no Account changed since `serve` first subscribed). Salesforce forgets the
 * CometD client (`403::Unknown client`, advice `reconnect: handshake`, docs/VENDOR-BEHAVIOUR.md
 * C5) and a user creates an Account before faye's own re-handshake subscribes again, from -1.
 * Before 12-04 no run was asked for (the catch-up run of a channel without a position was asked
 * only when propsync opened a client, not when faye subscribed again by itself), so the Account
 * waited for an unrelated event or the schedule. Found by a review probe.
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

describe('serve: Salesforce forgets the CometD client while the Account channel has no position', () => {
  let sb: Sandbox;
  let dir: string;
  let config: TenantConfig;
  let env: Record<string, string | undefined>;
  let serve: RunningServe | undefined;
  const settled: TriggerEvent[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ hubspot: false, salesforceOptions: { cometd: { connectTimeoutMs: 3000 } } });
    sb.propstreet.setRateLimit(6000);
    dir = mkdtempSync(join(tmpdir(), 'propsync-cdc-forgotten-'));
    const file = sb.writeTenant(dir, {
      tenant: 'acme',
      connections: ['salesforce'],
      connection: { changeEvents: true, objects: ['companies'] },
    });
    env = { ...sb.env };
    const loadConfig = (f: string) => loadTenantConfig(f, { env, cwd: dir, redactor });
    config = await loadConfig(file);
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
  });
  afterAll(async () => {
    await serve?.stop({ timeoutMs: 60_000 });
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a user's Account created while Salesforce had forgotten the client is asked a run for", async () => {
    // The catch-up run of the first subscription (no position kept).
    await vi.waitFor(() => expect(settled).toHaveLength(1), WAIT);
    const sf = sb.salesforce;
    if (!sf) throw new Error('no salesforce');

    sf.cdc.dropClients();
    sf.control.accounts.create({ Name: 'Lost While Forgotten Inc' });
    // Salesforce still holds the event (a resume from a kept id would replay it).
    await vi.waitFor(
      () => expect(sf.cdc.events().at(-1)?.payload.ChangeEventHeader.entityName).toBe('Account'),
      WAIT,
    );
    // faye subscribes again by itself, from -1: the catch-up run asked for then carries it.
    await vi.waitFor(
      () => expect(sb.propstreet.allCompanies().map((c) => c.name)).toContain('Lost While Forgotten Inc'),
      WAIT,
    );
    await serve?.trigger.idle();
    expect(settled, "the first subscription's run and the catch-up run").toHaveLength(2);
  });

  it('the stream stays live after: a later Account edit runs too', async () => {
    const sf = sb.salesforce;
    if (!sf) throw new Error('no salesforce');
    const before = settled.length;
    sf.control.accounts.create({ Name: 'Later Inc' });
    await vi.waitFor(() => expect(settled.length).toBeGreaterThan(before), WAIT);
    await vi.waitFor(
      () =>
        expect(sb.propstreet.allCompanies().map((c) => c.name)).toEqual(
          expect.arrayContaining(['Lost While Forgotten Inc', 'Later Inc']),
        ),
      WAIT,
    );
  });
});
