/**
 * Tokens that arrive mid-run (refreshed Propstreet, HubSpot and Salesforce tokens, a rotated
 * Salesforce refresh token) are as secret as the configured ones: none of them appears in the
 * trace-level log, in the run result, or in the raw bytes of the state file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { VirtualClock } from '../../fakes/shared/virtual-clock.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { loadTenantConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { seedHubSpot, seedPropstreet, seedSalesforce } from '../e2e/support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

let sb: Sandbox | undefined;
let dir: string | undefined;
afterAll(async () => {
  await sb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('refreshed tokens never leave the process', () => {
  it('not in the trace log, the run result or the state file', async () => {
    const clock = new VirtualClock();
    sb = await startSandbox({
      refreshingAuth: true,
      now: clock.source,
      tokenLifetimes: { propstreetSeconds: 600, hubspotSeconds: 180, salesforceMs: 10 * 60_000 },
    });
    sb.hubspot?.control.setRateLimit({ max: 1_000_000, searchPerSecond: 1_000_000 });
    dir = mkdtempSync(join(tmpdir(), 'propsync-token-leak-'));
    const config = await loadTenantConfig(sb.writeTenant(dir, { connection: { chunkSize: 10 } }), {
      redactor,
      env: sb.env,
      cwd: dir,
    });
    seedPropstreet(sb, 0, 40);
    seedHubSpot(sb, 500, 10);
    seedSalesforce(sb, 900, 10);
    let log = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString('utf8');
        done();
      },
    });
    const run = await syncTenant(config, {
      redactor,
      dryRun: false,
      logger: createLogger({ redactor, level: 'trace', pretty: false, destination }),
      clock,
      stateKey: randomBytes(32),
      // Short steps: the Propstreet ref lane may lag four chunks behind, and a request must
      // not wait (in zero wall time) longer than a token lives.
      onPlanChunk: () => clock.advance(2 * 60_000),
    });
    expect(run.connections.map((c) => c.result.abort)).toEqual([undefined, undefined]);

    const issued = [
      ...sb.propstreet.issuedTokens(),
      ...(sb.hubspot?.oauth.issuedTokens() ?? []),
      ...(sb.salesforce?.control.issuedTokens() ?? []),
    ];
    // Several of each, or the scan proves little.
    expect(sb.propstreet.issuedTokens().length).toBeGreaterThanOrEqual(3);
    expect(sb.hubspot?.oauth.issuedTokens().length).toBeGreaterThanOrEqual(3);
    expect(sb.salesforce?.control.issuedTokens().length).toBeGreaterThanOrEqual(2);
    const configured = Object.entries(sb.env)
      .filter(([name]) => /SECRET|REFRESH|TOKEN/.test(name))
      .map(([, value]) => value);
    const secrets = [...issued, ...configured].filter((s) => s.length >= 8);
    expect(log.length).toBeGreaterThan(1000);
    const state = readFileSync(config.state.kind === 'sqlite' ? config.state.path : '').toString('latin1');
    const places = { log, result: JSON.stringify(run), state };
    for (const [where, text] of Object.entries(places))
      for (const secret of secrets) expect(text.includes(secret), `${where} holds a token`).toBe(false);
  }, 120_000);
});
