/**
 * A refreshed Salesforce session is kept between runs, sealed with PROPSYNC_STATE_KEY, so a
 * scheduled run does not refresh every time; without the key nothing is kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { openSalesforceSession, SESSION_META_KEY } from '../../src/app/salesforce-session.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import {
  loadTenantConfig,
  type SalesforceConnectionConfig,
  type TenantConfig,
} from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { openStateStore } from '../../src/state/index.js';
import { seedPropstreet } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

let sb: Sandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sb = undefined;
  dir = undefined;
});

async function setUp(rotateRefreshTokens = false): Promise<{ sb: Sandbox; config: TenantConfig }> {
  sb = await startSandbox({
    hubspot: false,
    refreshingAuth: true,
    salesforceOptions: { rotateRefreshTokens },
  });
  dir = mkdtempSync(join(tmpdir(), 'propsync-sf-session-'));
  const config = await loadTenantConfig(sb.writeTenant(dir), { redactor, env: sb.env, cwd: dir });
  seedPropstreet(sb, 0, 5);
  // The configured session has timed out since it was put in the environment.
  sb.salesforce?.control.expireToken();
  return { sb, config };
}

const run = (config: TenantConfig, stateKey: Buffer | null) =>
  syncTenant(config, { redactor, dryRun: false, logger: silentLogger, stateKey });

function sfCalls(s: Sandbox) {
  const requests = s.salesforce?.http.requests ?? [];
  return {
    refreshes: requests.filter((r) => r.path === '/services/oauth2/token').length,
    rejected: requests.filter((r) => r.status === 401).length,
  };
}

async function kept(config: TenantConfig): Promise<string | null> {
  const store = openStateStore({ sqlite: config.state.kind === 'sqlite' ? config.state.path : '' });
  try {
    return await store.getMeta(
      { tenant: config.tenant, connection: 'salesforce', kind: 'contacts' },
      SESSION_META_KEY,
    );
  } finally {
    await store.close();
  }
}

describe('the refreshed Salesforce session between runs', () => {
  it('with PROPSYNC_STATE_KEY the next run starts with the kept session: no 401, no refresh', async () => {
    const { sb, config } = await setUp();
    const key = randomBytes(32);
    expect((await run(config, key)).connections[0]?.result.status).toBe('ok');
    expect(sfCalls(sb)).toEqual({ refreshes: 1, rejected: 1 });
    const sealed = await kept(config);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(sb.salesforce?.accessToken ?? 'unused');

    sb.salesforce?.http.requests.splice(0);
    expect((await run(config, key)).connections[0]?.result.status).toBe('ok');
    expect(sfCalls(sb)).toEqual({ refreshes: 0, rejected: 0 });
  });

  it("finds the key in the tenant folder's .env, where validate --setup and serve find it", async () => {
    const { sb, config } = await setUp();
    writeFileSync(
      join(dirname(config.file), '.env'),
      `PROPSYNC_STATE_KEY=${randomBytes(32).toString('hex')}\n`,
    );
    const byDefault = () => syncTenant(config, { redactor, dryRun: false, logger: silentLogger });
    expect((await byDefault()).connections[0]?.result.status).toBe('ok');
    expect(await kept(config)).toMatch(/^v1\./);
    sb.salesforce?.http.requests.splice(0);
    await byDefault();
    expect(sfCalls(sb)).toEqual({ refreshes: 0, rejected: 0 });
  });

  it('a dry run keeps no refreshed session, only a refresh token Salesforce rotated (the next run needs it)', async () => {
    const key = randomBytes(32);
    const plain = await setUp();
    await syncTenant(plain.config, { redactor, dryRun: true, logger: silentLogger, stateKey: key });
    expect(sfCalls(plain.sb).refreshes).toBe(1);
    expect(await kept(plain.config)).toBeNull();
    await plain.sb.close();
    rmSync(dir ?? '', { recursive: true, force: true });

    const rotating = await setUp(true);
    await syncTenant(rotating.config, { redactor, dryRun: true, logger: silentLogger, stateKey: key });
    expect(await kept(rotating.config)).not.toBeNull();
    // The configured refresh token is spent: the real run signs in with the kept one.
    const real = await syncTenant(rotating.config, {
      redactor,
      dryRun: false,
      logger: silentLogger,
      stateKey: key,
    });
    expect(real.connections.map((c) => c.result.status)).toEqual(['ok']);
  });

  it('without the key nothing is stored, and every run refreshes the configured session again', async () => {
    const { sb, config } = await setUp();
    await run(config, null);
    await run(config, null);
    expect(sfCalls(sb)).toEqual({ refreshes: 2, rejected: 2 });
    expect(await kept(config)).toBeNull();
  });

  it('a session sealed under another key is ignored (and replaced), not an error', async () => {
    const { sb, config } = await setUp();
    await run(config, randomBytes(32));
    const newKey = randomBytes(32);
    expect((await run(config, newKey)).connections[0]?.result.status).toBe('ok');
    expect(sfCalls(sb)).toEqual({ refreshes: 2, rejected: 2 });
    sb.salesforce?.http.requests.splice(0);
    await run(config, newKey);
    expect(sfCalls(sb)).toEqual({ refreshes: 0, rejected: 0 });
  });

  it('a kept session is not used for another refresh token (a new grant) or another org URL', async () => {
    const { config } = await setUp();
    const key = randomBytes(32);
    await run(config, key);
    const connection = config.connections[0] as SalesforceConnectionConfig;
    const store = openStateStore({ sqlite: config.state.kind === 'sqlite' ? config.state.path : '' });
    const scope = { tenant: config.tenant, connection: connection.name, kind: 'contacts' };
    try {
      const same = await openSalesforceSession(store, scope, connection, key, silentLogger, redactor);
      expect(same.fromStore).toBe(true);
      const regranted = { ...connection, refreshToken: '5Aep861-another-grant' };
      expect(
        (await openSalesforceSession(store, scope, regranted, key, silentLogger, redactor)).fromStore,
      ).toBe(false);
      const moved = { ...connection, instanceUrl: 'https://other.my.salesforce.com' };
      expect((await openSalesforceSession(store, scope, moved, key, silentLogger, redactor)).fromStore).toBe(
        false,
      );
      const otherScope = { ...scope, connection: 'sales-eu' };
      expect(
        (await openSalesforceSession(store, otherScope, connection, key, silentLogger, redactor)).fromStore,
      ).toBe(false);
    } finally {
      await store.close();
    }
  });
});
