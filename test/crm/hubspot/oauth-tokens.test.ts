/**
 * HubSpot OAuth apps: 30-minute access tokens refreshed ahead of expiry and once on a 401
 * (EXPIRED_AUTHENTICATION), through the real SDK against the fake; a revoked refresh token
 * stops with a clear UNAUTHORIZED and no further token requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../../fakes/hubspot/hubspot-fake.js';
import { VirtualClock } from '../../../fakes/shared/virtual-clock.js';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter, type HubSpotLimits } from '../../../src/crm/hubspot/hubspot-adapter.js';
import type { HubSpotTokenEndpoint } from '../../../src/crm/hubspot/hubspot-oauth.js';
import type { CrmAdapter } from '../../../src/crm/port.js';
import { requestToken } from '../../support/hubspot-token.js';
import { FAST, FAST_LIMITS, KEY, MAPPED } from './hubspot-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

let fake: HubSpotFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(
  tokenEndpoint?: HubSpotTokenEndpoint,
  limits: HubSpotLimits = FAST_LIMITS,
): Promise<{ fake: HubSpotFake; adapter: CrmAdapter; clock: VirtualClock }> {
  const clock = new VirtualClock();
  fake = await startHubSpotFake({
    ...FAST,
    customProperties: [{ name: KEY, hasUniqueValue: true }],
    oauth: { now: clock.source },
  });
  const adapter = createHubSpotAdapter({
    redactor,
    oauth: { ...fake.oauth.app, tokenEndpoint },
    basePath: fake.url,
    properties: MAPPED,
    limits,
    clock,
  });
  return { fake, adapter, clock };
}

const log = (f: HubSpotFake) =>
  f.control
    .apiRequests()
    .map((r) => `${r.method} ${r.path.replace('/crm/v3/objects/contacts', '')} ${r.status}`);
const tokenRequests = (f: HubSpotFake, path = '/oauth/2026-03/token') =>
  f.control.apiRequests().filter((r) => r.path === path);

describe('HubSpot OAuth access tokens', () => {
  it('refreshes a 30-minute token shortly before it expires, so no call is rejected', async () => {
    const { fake, adapter, clock } = await start();
    const [id = ''] = fake.control.seed([{ properties: { email: 'a@example.com' } }]);
    await adapter.readByIds([id]);
    clock.advance(28 * 60_000); // two minutes left: still used
    await adapter.readByIds([id]);
    clock.advance(90_000); // inside the last minute: replaced first
    await adapter.readByIds([id]);
    clock.advance(3 * 60 * 60_000); // hours later: replaced first
    await adapter.readByIds([id]);
    expect(log(fake)).toEqual([
      'POST /oauth/2026-03/token 200',
      'POST /batch/read 200',
      'POST /batch/read 200',
      'POST /oauth/2026-03/token 200',
      'POST /batch/read 200',
      'POST /oauth/2026-03/token 200',
      'POST /batch/read 200',
    ]);
  });

  it('a token HubSpot rejects as expired (401) is renewed once and the write repeated once', async () => {
    const { fake, adapter } = await start();
    await adapter.readByIds(['1']);
    fake.oauth.expireAccessTokens();
    const results = await adapter.upsertByKey([{ key: 'ps-1', properties: { email: 'one@example.com' } }]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(log(fake).slice(2)).toEqual([
      'POST /batch/upsert 401',
      'POST /oauth/2026-03/token 200',
      'POST /batch/upsert 200',
    ]);
    expect(fake.control.dump().filter((c) => c.properties[KEY] === 'ps-1')).toHaveLength(1);
  });

  it('concurrent calls rejected together share one refresh', async () => {
    const { fake, adapter } = await start();
    const ids = fake.control.seed(
      Array.from({ length: 6 }, (_, i) => ({ properties: { email: `c${i}@example.com` } })),
    );
    await adapter.readByIds(ids.slice(0, 1));
    fake.oauth.expireAccessTokens();
    await Promise.all(ids.map((id) => adapter.readByIds([id])));
    expect(tokenRequests(fake)).toHaveLength(2);
  });

  it('answers an expired token with HubSpot’s EXPIRED_AUTHENTICATION body', async () => {
    const { fake } = await start();
    const res = await fetch(`${fake.url}/crm/v3/objects/contacts/1`, {
      headers: { authorization: `Bearer ${await issuedThenExpired(fake)}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      status: 'error',
      category: 'EXPIRED_AUTHENTICATION',
      message: expect.stringMatching(
        /^The OAuth token used to make this call expired \d+ minute\(s\) ago\.$/,
      ),
      correlationId: expect.any(String),
    });
  });

  it('a revoked refresh token: one refused refresh, UNAUTHORIZED naming BAD_REFRESH_TOKEN, then no more requests', async () => {
    const { fake, adapter } = await start();
    await adapter.readByIds(['1']);
    fake.oauth.revokeRefreshToken();
    fake.oauth.expireAccessTokens();
    const first = await adapter.readByIds(['1']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(first).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((first as Error).message).toMatch(
      /→ 400 invalid_grant BAD_REFRESH_TOKEN: refresh token is invalid, expired or revoked\)/,
    );
    expect((first as Error).message).not.toContain(fake.oauth.app.refreshToken);
    const requests = fake.control.apiRequests().length;
    for (let i = 0; i < 5; i++) await expect(adapter.readByIds(['1'])).rejects.toBe(first);
    await expect(adapter.upsertByKey([{ key: 'ps-x', properties: {} }])).rejects.toBe(first);
    expect(fake.control.apiRequests().length).toBe(requests);
    expect(tokenRequests(fake).map((r) => r.status)).toEqual([200, 400]);
  });

  it.each([
    ['2026-03', '/oauth/2026-03/token'],
    ['v3', '/oauth/v3/token'],
    ['v1', '/oauth/v1/token'],
  ] as const)('tokenEndpoint %s refreshes at %s, and only there', async (endpoint, path) => {
    const { fake, adapter } = await start(endpoint);
    await adapter.readByIds(['1']);
    fake.oauth.expireAccessTokens();
    await adapter.readByIds(['1']);
    const tokenCalls = fake.control.apiRequests().filter((r) => r.path.startsWith('/oauth/'));
    expect(tokenCalls.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST ${path} 200`,
      `POST ${path} 200`,
    ]);
  });

  it('without tokenEndpoint, refreshes go to /oauth/2026-03/token, not the deprecated v1', async () => {
    const { fake, adapter } = await start();
    await adapter.readByIds(['1']);
    expect(tokenRequests(fake)).toHaveLength(1);
    expect(tokenRequests(fake, '/oauth/v1/token')).toHaveLength(0);
  });

  it('a token endpoint answering 503, then dropping the connection, is retried until it issues', async () => {
    const { fake, adapter } = await start();
    fake.http.faults.add({ kind: 'status', status: 503, path: '/oauth/2026-03/token', times: 1 });
    fake.http.faults.add({ kind: 'drop', path: '/oauth/2026-03/token', times: 1 });
    const [id = ''] = fake.control.seed([{ properties: { email: 'retry@example.com' } }]);
    expect((await adapter.readByIds([id])).map((r) => r.id)).toEqual([id]);
    expect(tokenRequests(fake).map((r) => r.status)).toEqual([503, 200]);
  });

  it('a token endpoint that never answers times out and is asked again', async () => {
    // Long enough that the answered retry never times out too on a busy machine.
    const { fake, adapter } = await start(undefined, { ...FAST_LIMITS, requestTimeoutMs: 1_000 });
    fake.http.faults.add({ kind: 'timeout', path: '/oauth/2026-03/token', times: 1 });
    const [id = ''] = fake.control.seed([{ properties: { email: 'slow@example.com' } }]);
    expect((await adapter.readByIds([id])).map((r) => r.id)).toEqual([id]);
    expect(tokenRequests(fake).filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('a token answer without access_token is a retryable SERVER_ERROR naming the field, never used', async () => {
    const { fake, adapter } = await start(undefined, {
      ...FAST_LIMITS,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxServerWaitMs: 1 },
    });
    fake.http.faults.add({
      kind: 'status',
      status: 200,
      path: '/oauth/2026-03/token',
      body: { token_type: 'bearer', expires_in: 1800 },
    });
    await expect(adapter.readByIds(['1'])).rejects.toMatchObject({
      code: 'SERVER_ERROR',
      message: expect.stringMatching(/without a usable token \(access_token: /),
    });
    expect(tokenRequests(fake).map((r) => r.status)).toEqual([200, 200]);
    expect(fake.control.apiRequests().filter((r) => !r.path.startsWith('/oauth/'))).toHaveLength(0);
  });

  it('a token endpoint answering 404 stops at once with UNAUTHORIZED naming oauthTokenEndpoint, never as a missing record', async () => {
    const { fake, adapter } = await start();
    fake.http.faults.add({
      kind: 'status',
      status: 404,
      path: '/oauth/2026-03/token',
      body: { message: 'Not Found' },
    });
    const error = await adapter.readByIds(['1']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((error as Error).message).toMatch(/answered 404: .*oauthTokenEndpoint/);
    await expect(adapter.upsertByKey([{ key: 'ps-x', properties: {} }])).rejects.toBe(error);
    expect(tokenRequests(fake).map((r) => r.status)).toEqual([404]);
  });

  it('a camelCase token answer (as HubSpot’s generated reference prints it) is read too', async () => {
    const { fake, adapter } = await start();
    fake.http.faults.add({
      kind: 'status',
      status: 200,
      path: '/oauth/2026-03/token',
      times: 1,
      body: { tokenType: 'bearer', accessToken: 'CN-camel-token-0001', expiresIn: 1800 },
    });
    // Only that token opens the portal: the read works only if the camelCase answer was used.
    fake.control.acceptTokens(['CN-camel-token-0001']);
    const [id = ''] = fake.control.seed([{ properties: { email: 'camel@example.com' } }]);
    expect((await adapter.readByIds([id])).map((r) => r.id)).toEqual([id]);
    expect(tokenRequests(fake).map((r) => r.status)).toEqual([200]);
  });

  it.each(['/oauth/2026-03/token', '/oauth/v3/token', '/oauth/v1/token'])(
    'the fake refuses a revoked grant at %s with the standardized body (RFC 6749 and HubSpot fields)',
    async (path) => {
      const { fake } = await start();
      fake.oauth.revokeRefreshToken();
      const res = await requestToken(fake, path);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: 'invalid_grant',
        error_description: 'refresh token is invalid, expired or revoked',
        status: 'BAD_REFRESH_TOKEN',
        message: 'refresh token is invalid, expired or revoked',
        correlationId: expect.any(String),
      });
    },
  );

  it('the new token paths answer token_use, hub_id and scopes; v1 keeps its four fields', async () => {
    const { fake } = await start();
    const latest = await (await requestToken(fake, '/oauth/2026-03/token')).json();
    expect(latest).toMatchObject({
      token_type: 'bearer',
      token_use: 'access_token',
      hub_id: fake.portalId,
      scopes: expect.arrayContaining(['oauth']),
      expires_in: 1800,
    });
    const v1 = (await (await requestToken(fake, '/oauth/v1/token')).json()) as Record<string, unknown>;
    expect(Object.keys(v1).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
  });

  it('a private-app token is never refreshed: a 401 is UNAUTHORIZED without a token request', async () => {
    fake = await startHubSpotFake(FAST);
    fake.control.acceptTokens(['pat-na1-other']);
    const adapter = createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-revoked-0001',
      basePath: fake.url,
      properties: MAPPED,
      limits: FAST_LIMITS,
    });
    await expect(adapter.readByIds(['1'])).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(fake.control.apiRequests().filter((r) => r.path.startsWith('/oauth/'))).toHaveLength(0);
  });
});

/** A token straight from the token endpoint, then expired by the fake. */
async function issuedThenExpired(f: HubSpotFake): Promise<string> {
  const res = await requestToken(f, '/oauth/2026-03/token');
  const body = (await res.json()) as { access_token: string; expires_in: number; token_type: string };
  expect(body).toMatchObject({
    expires_in: 1800,
    token_type: 'bearer',
    refresh_token: f.oauth.app.refreshToken,
  });
  f.oauth.expireAccessTokens();
  return body.access_token;
}
