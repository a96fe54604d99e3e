/**
 * HubSpot OAuth apps: 30-minute access tokens refreshed ahead of expiry and once on a 401
 * (EXPIRED_AUTHENTICATION), through the real SDK against the fake; a revoked refresh token
 * stops with a clear UNAUTHORIZED and no further token requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../../fakes/hubspot/hubspot-fake.js';
import { VirtualClock } from '../../../fakes/shared/virtual-clock.js';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter } from '../../../src/crm/hubspot/hubspot-adapter.js';
import type { CrmAdapter } from '../../../src/crm/port.js';
import { FAST, FAST_LIMITS, KEY, MAPPED } from './hubspot-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

let fake: HubSpotFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(): Promise<{ fake: HubSpotFake; adapter: CrmAdapter; clock: VirtualClock }> {
  const clock = new VirtualClock();
  fake = await startHubSpotFake({
    ...FAST,
    customProperties: [{ name: KEY, hasUniqueValue: true }],
    oauth: { now: clock.source },
  });
  const adapter = createHubSpotAdapter({
    redactor,
    oauth: fake.oauth.app,
    basePath: fake.url,
    properties: MAPPED,
    limits: FAST_LIMITS,
    clock,
  });
  return { fake, adapter, clock };
}

const log = (f: HubSpotFake) =>
  f.control
    .apiRequests()
    .map((r) => `${r.method} ${r.path.replace('/crm/v3/objects/contacts', '')} ${r.status}`);
const tokenRequests = (f: HubSpotFake) => f.control.apiRequests().filter((r) => r.path === '/oauth/v1/token');

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
      'POST /oauth/v1/token 200',
      'POST /batch/read 200',
      'POST /batch/read 200',
      'POST /oauth/v1/token 200',
      'POST /batch/read 200',
      'POST /oauth/v1/token 200',
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
      'POST /oauth/v1/token 200',
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
    expect((first as Error).message).toMatch(/BAD_REFRESH_TOKEN: missing or invalid refresh token/);
    expect((first as Error).message).not.toContain(fake.oauth.app.refreshToken);
    const requests = fake.control.apiRequests().length;
    for (let i = 0; i < 5; i++) await expect(adapter.readByIds(['1'])).rejects.toBe(first);
    await expect(adapter.upsertByKey([{ key: 'ps-x', properties: {} }])).rejects.toBe(first);
    expect(fake.control.apiRequests().length).toBe(requests);
    expect(tokenRequests(fake).map((r) => r.status)).toEqual([200, 400]);
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
    expect(tokenRequests(fake)).toHaveLength(0);
  });
});

/** A token straight from the token endpoint, then expired by the fake. */
async function issuedThenExpired(f: HubSpotFake): Promise<string> {
  const { clientId, clientSecret, refreshToken } = f.oauth.app;
  const res = await fetch(`${f.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: refreshToken,
    }).toString(),
  });
  const body = (await res.json()) as { access_token: string; expires_in: number; token_type: string };
  expect(body).toMatchObject({ expires_in: 1800, token_type: 'bearer', refresh_token: refreshToken });
  f.oauth.expireAccessTokens();
  return body.access_token;
}
