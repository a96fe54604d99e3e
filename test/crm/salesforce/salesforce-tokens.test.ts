/**
 * Salesforce sessions end when the org's session timeout says (the fake: `sessionLifetimeMs` on a
 * virtual clock). jsforce refreshes on 401 INVALID_SESSION_ID; around it the adapter latches a
 * refused refresh, stops a session that is rejected again and again, and follows a rotated
 * refresh token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../fakes/shared/virtual-clock.js';
import type { RefreshedSession } from '../../../src/crm/salesforce/shared-session.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MINUTE = 60_000;
const log = (x: Harness) =>
  x.fake.http.requests.map((r) => `${r.status} ${r.path.replace(/\/services\/data\/v62\.0/, '')}`);

describe('Salesforce session expiry', () => {
  it('a session past its lifetime is refreshed once on the 401 and the call repeated', async () => {
    const clock = new VirtualClock();
    h = await startHarness({ sessionLifetimeMs: 30 * MINUTE, tokenNow: clock.source });
    const refreshed: RefreshedSession[] = [];
    const adapter = h.makeAdapter({ clock, onTokenRefreshed: (s) => refreshed.push(s) });
    h.fake.control.generate(2);
    await adapter.readByKeys(['ps-000001']);
    clock.advance(29 * MINUTE);
    await adapter.readByKeys(['ps-000001']);
    clock.advance(2 * MINUTE);
    expect(await adapter.readByKeys(['ps-000002'])).toHaveLength(1);
    expect(log(h)).toEqual([
      '200 /query',
      '200 /query',
      '401 /query',
      '200 /services/oauth2/token',
      '200 /query',
    ]);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]?.refreshToken).toBe(h.fake.refreshToken);
    expect(h.redactor.redact(`Bearer ${refreshed[0]?.accessToken}`)).toBe('Bearer [REDACTED]');
  });

  it('a revoked refresh token: one invalid_grant, a clear UNAUTHORIZED, and later 401s do not ask again', async () => {
    h = await startHarness();
    const adapter = h.makeAdapter();
    h.fake.control.revokeRefreshToken();
    h.fake.control.expireToken();
    const first = await adapter.readByKeys(['ps-000001']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(first).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((first as Error).message).toMatch(
      /Unable to refresh session due to: expired access\/refresh token.*a refused refresh token means/,
    );
    for (let i = 0; i < 5; i++)
      await expect(adapter.readByKeys(['ps-000001'])).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const tokenCalls = h.fake.http.requests.filter((r) => r.path === '/services/oauth2/token');
    expect(tokenCalls.map((r) => r.status)).toEqual([400]);
  });

  it('sessions rejected right after each refresh stop after three refreshes a minute, not an endless loop', async () => {
    const clock = new VirtualClock();
    h = await startHarness({ tokenNow: clock.source });
    const adapter = h.makeAdapter({ clock });
    h.fake.control.setSessionLifetime(0); // every session is dead on arrival
    await expect(adapter.readByKeys(['ps-000001'])).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const tokenCalls = h.fake.http.requests.filter((r) => r.path === '/services/oauth2/token');
    expect(tokenCalls).toHaveLength(3);
    expect(h.fake.http.requests.filter((r) => r.status === 401)).toHaveLength(4);
  });

  it('follows a rotated refresh token: the next refresh uses the new one', async () => {
    const clock = new VirtualClock();
    h = await startHarness({
      rotateRefreshTokens: true,
      sessionLifetimeMs: 30 * MINUTE,
      tokenNow: clock.source,
    });
    const refreshed: RefreshedSession[] = [];
    const adapter = h.makeAdapter({ clock, onTokenRefreshed: (s) => refreshed.push(s) });
    h.fake.control.generate(1);
    for (let i = 0; i < 3; i++) {
      clock.advance(31 * MINUTE);
      expect(await adapter.readByKeys(['ps-000001'])).toHaveLength(1);
    }
    expect(refreshed.map((s) => s.refreshToken)).toEqual([
      '5Aep861-fake-refresh-token-r1',
      '5Aep861-fake-refresh-token-r2',
      '5Aep861-fake-refresh-token-r3',
    ]);
    const tokenCalls = h.fake.http.requests.filter((r) => r.path === '/services/oauth2/token');
    expect(tokenCalls.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});
