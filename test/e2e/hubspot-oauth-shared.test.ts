/**
 * A HubSpot OAuth connection's clients share one token source: a tenant run of companies,
 * contacts and links (three clients: the two kinds' adapters, the links phase's associations)
 * asks the token endpoint once, where each client used to ask for its own token; and its kinds
 * ask which portal the credentials reach once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startHubSpotLinksTenant } from './support.js';

describe('HubSpot OAuth: one token a run for all of a connection’s clients', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startHubSpotLinksTenant({ contacts: 12, companies: 3 }, { refreshingAuth: true });
  }, 120_000);
  afterAll(async () => e?.close());

  const tokenRequests = () =>
    (e.sb.hubspot?.http.requests ?? []).filter((r) => r.path === '/oauth/2026-03/token').length;

  it('a run asks for one token; runs on the same loaded config keep it; a reloaded config asks again', async () => {
    const run = await e.run();
    expect(run.connections.map((c) => `${c.kind} ${c.result.status}`)).toEqual([
      'companies ok',
      'contacts ok',
    ]);
    expect(run.links?.[0]?.result.failed).toEqual([]);
    expect(tokenRequests()).toBe(1);
    // The same config object again (as `propsync schedule` keeps its configs): the live token.
    await e.run();
    expect(tokenRequests()).toBe(1);
    // A config loaded anew (a CLI run, a worker's job): its own first token, shared again.
    await e.reconfigure({});
    await e.run();
    expect(tokenRequests()).toBe(2);
  });

  it('the portal is asked once a run for both kinds (one account-info call, not one per kind)', async () => {
    const accountInfo = () =>
      (e.sb.hubspot?.control.apiRequests() ?? []).filter((r) => r.path === '/account-info/v3/details').length;
    const before = accountInfo();
    await e.run();
    expect(accountInfo() - before).toBe(1);
  });

  it('a source refused for good is not handed on: the next client asks the token endpoint again', async () => {
    e.sb.hubspot?.oauth.revokeRefreshToken();
    e.sb.hubspot?.oauth.expireAccessTokens();
    await expect(e.run()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const before = tokenRequests();
    e.sb.hubspot?.oauth.reset();
    const again = await e.run();
    expect(tokenRequests()).toBe(before + 1);
    expect(again.connections.map((c) => `${c.kind} ${c.result.status}`)).toEqual([
      'companies ok',
      'contacts ok',
    ]);
  });
});
