/**
 * A sync that takes hours (on a virtual clock shared by the clients and the fakes) crosses
 * several token expiries on all three APIs mid-run: Propstreet client-credentials tokens and
 * HubSpot OAuth tokens are replaced ahead of their `expires_in`, Salesforce sessions when they
 * are rejected (401 INVALID_SESSION_ID). Not one record may fail, and the token endpoints are
 * asked about once per lifetime, not once per request.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROPSTREET_FAKE_CLIENT } from '../../fakes/propstreet/server.js';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import type { RequestLogEntry } from '../../fakes/shared/http-fake.js';
import { VirtualClock } from '../../fakes/shared/virtual-clock.js';
import { SESSION_META_KEY } from '../../src/app/salesforce-session.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { EXIT, exitCodeForResults } from '../../src/cli/exit-codes.js';
import { loadTenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { openStateStore } from '../../src/state/index.js';
import { seedHubSpot, seedPropstreet, seedSalesforce } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * Virtual time each planned chunk of 10 records takes. The Propstreet ref lane may lag four
 * chunks behind, so a queued request may see four steps pass in no wall time: 4 × 6 min stays
 * under the shortest lifetime here (30 min).
 */
const CHUNK_MS = 6 * MINUTE;

let sb: Sandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sb = undefined;
  dir = undefined;
});

const tokenCalls = (requests: readonly RequestLogEntry[], path: string) =>
  requests.filter((r) => r.path === path);

describe('tokens expire during a long sync', () => {
  it('a 4-hour sync crosses several expiries on Propstreet, HubSpot and Salesforce without a failed record', async () => {
    const clock = new VirtualClock();
    sb = await startSandbox({
      refreshingAuth: true,
      now: clock.source,
      tokenLifetimes: { propstreetSeconds: 3600, hubspotSeconds: 1800, salesforceMs: 30 * MINUTE },
    });
    // The fakes' HubSpot rate windows run on the wall clock; the client paces on virtual time.
    sb.hubspot?.control.setRateLimit({ max: 1_000_000, searchPerSecond: 1_000_000 });
    dir = mkdtempSync(join(tmpdir(), 'propsync-tokens-'));
    const config = await loadTenantConfig(sb.writeTenant(dir, { connection: { chunkSize: 10 } }), {
      redactor,
      env: sb.env,
      cwd: dir,
    });
    seedPropstreet(sb, 0, 150);
    seedHubSpot(sb, 1000, 60);
    seedSalesforce(sb, 2000, 60);

    const started = clock.ms;
    const run = await syncTenant(config, {
      redactor,
      dryRun: false,
      logger: silentLogger,
      clock,
      stateKey: randomBytes(32),
      onPlanChunk: () => clock.advance(CHUNK_MS),
    });
    const elapsed = clock.ms - started;
    expect(elapsed).toBeGreaterThanOrEqual(4 * HOUR);

    for (const { result } of run.connections) {
      expect(result.abort).toBeUndefined();
      expect(result.failures).toEqual([]);
      expect(result.invalid).toEqual([]);
      expect(result.status).toBe('ok');
    }
    expect(sb.propstreet.allContacts()).toHaveLength(270);
    expect(sb.hubspot?.control.dump()).toHaveLength(210);
    expect(sb.salesforce?.control.count()).toBe(270);

    // Propstreet: a token per connection opened, then one ahead of each expiry. A request that
    // took its token just before a chunk moved the clock on meets a 401 and is repeated once:
    // at most the requests in flight (4 writes and the ref lane's) per refresh.
    const ps = tokenCalls(sb.propstreet.http.requests, '/openid/token');
    expect(ps.every((r) => r.status === 200)).toBe(true);
    expect(ps.length).toBeGreaterThanOrEqual(4);
    expect(ps.length).toBeLessThanOrEqual(Math.ceil(elapsed / HOUR) + 2);
    expect(sb.propstreet.apiRequests().filter((r) => r.status === 401).length).toBeLessThanOrEqual(
      8 * ps.length,
    );

    // HubSpot: 30-minute OAuth tokens replaced ahead of expiry, the same bound on 401s.
    const hs = sb.hubspot?.control.apiRequests() ?? [];
    const hsTokens = tokenCalls(hs, '/oauth/2026-03/token');
    expect(hsTokens.every((r) => r.status === 200)).toBe(true);
    expect(hsTokens.length).toBeGreaterThanOrEqual(4);
    expect(hsTokens.length).toBeLessThanOrEqual(Math.ceil(elapsed / (30 * MINUTE)) + 1);
    expect(hs.filter((r) => r.status === 401).length).toBeLessThanOrEqual(8 * hsTokens.length);

    // Salesforce: no lifetime is announced, so each expiry shows as a 401 and one refresh.
    const sf = sb.salesforce?.http.requests ?? [];
    const sfTokens = tokenCalls(sf, '/services/oauth2/token');
    const sf401 = sf.filter((r) => r.status === 401);
    expect(sfTokens.every((r) => r.status === 200)).toBe(true);
    expect(sfTokens.length).toBeGreaterThanOrEqual(4);
    expect(sfTokens.length).toBeLessThanOrEqual(Math.ceil(elapsed / (30 * MINUTE)) + 1);
    // Calls rejected together share one refresh (jsforce's delegate), so 401s ≥ refreshes.
    expect(sf401.length).toBeGreaterThanOrEqual(sfTokens.length);
    expect(sf401.length).toBeLessThanOrEqual(8 * sfTokens.length);

    // The last Salesforce session is kept for the next run, sealed: no token in the clear.
    const store = openStateStore({ sqlite: config.state.kind === 'sqlite' ? config.state.path : '' });
    try {
      const kept = await store.getMeta(
        { tenant: config.tenant, connection: 'salesforce', kind: 'contacts' },
        SESSION_META_KEY,
      );
      expect(kept).toMatch(/^v1\./);
      expect(kept).not.toContain('fake-access-token');
      expect(kept).not.toContain(sb.salesforce?.refreshToken ?? 'unused');
    } finally {
      await store.close();
    }
  }, 120_000);

  const REVOKE = {
    propstreet: (s: Sandbox) => {
      s.propstreet.revokeClient(PROPSTREET_FAKE_CLIENT.clientId);
      s.propstreet.expireIssuedTokens();
    },
    hubspot: (s: Sandbox) => {
      s.hubspot?.oauth.revokeRefreshToken();
      s.hubspot?.oauth.expireAccessTokens();
    },
    salesforce: (s: Sandbox) => {
      s.salesforce?.control.revokeRefreshToken();
      s.salesforce?.control.expireToken();
    },
  };
  const TOKEN_ENDPOINT = {
    propstreet: (s: Sandbox) => tokenCalls(s.propstreet.http.requests, '/openid/token'),
    hubspot: (s: Sandbox) => tokenCalls(s.hubspot?.http.requests ?? [], '/oauth/2026-03/token'),
    salesforce: (s: Sandbox) => tokenCalls(s.salesforce?.http.requests ?? [], '/services/oauth2/token'),
  };

  it.each([
    ['propstreet', 'hubspot', /Propstreet token request answered 401 \(invalid_client/],
    [
      'hubspot',
      'hubspot',
      /HubSpot refused to refresh the OAuth access token \(POST \/oauth\/2026-03\/token → 400 invalid_grant BAD_REFRESH_TOKEN/,
    ],
    [
      'salesforce',
      'salesforce',
      /Unable to refresh session due to: expired access\/refresh token.*a refused refresh token means/,
    ],
  ] as const)(
    'a %s grant revoked mid-run stops the run: UNAUTHORIZED, exit code 3, one refused token request',
    async (api, crm, message) => {
      sb = await startSandbox({
        refreshingAuth: true,
        hubspot: crm === 'hubspot',
        salesforce: crm === 'salesforce',
      });
      sb.hubspot?.control.setRateLimit({ max: 1_000_000, searchPerSecond: 1_000_000 });
      dir = mkdtempSync(join(tmpdir(), 'propsync-revoked-'));
      const config = await loadTenantConfig(sb.writeTenant(dir, { connection: { chunkSize: 10 } }), {
        redactor,
        env: sb.env,
        cwd: dir,
      });
      seedPropstreet(sb, 0, 60);
      const box = sb;
      let chunks = 0;
      const run = await syncTenant(config, {
        redactor,
        dryRun: false,
        logger: silentLogger,
        stateKey: null,
        onPlanChunk: () => {
          if (++chunks === 3) REVOKE[api](box);
        },
      });
      const result = run.connections[0]?.result;
      expect(result?.status).toBe('aborted');
      expect(result?.abort?.code).toBe('UNAUTHORIZED');
      expect(result?.abort?.message).toMatch(message);
      expect(exitCodeForResults(run.connections.map((c) => c.result))).toBe(EXIT.authOrSetup);
      // The records written before the revocation stay written; nothing was asked twice.
      expect(result?.done.create.crm).toBeGreaterThanOrEqual(10);
      const refused = TOKEN_ENDPOINT[api](sb).filter((r) => r.status !== 200);
      expect(refused).toHaveLength(1);
    },
    60_000,
  );
});
