/**
 * The session a connection's Salesforce clients share (src/crm/salesforce/shared-session.ts): one
 * refresh for every client rejected at once, none for a client whose token is merely older than
 * the session's, and a session kept elsewhere (another process) taken before refreshing, unless
 * it is one this session already held.
 */
import { describe, expect, it } from 'vitest';
import { type RefreshedSession, sharedSession } from '../../../src/crm/salesforce/shared-session.js';

/** A refresh Salesforce answers with rotation: each refresh token works once. */
function rotatingOrg() {
  let n = 0;
  const spent = new Set<string>();
  const calls: string[] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  return {
    calls,
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
    refresh: async (refreshToken: string): Promise<RefreshedSession> => {
      calls.push(refreshToken);
      await gate;
      if (spent.has(refreshToken))
        throw Object.assign(new Error('expired access/refresh token'), { name: 'invalid_grant' });
      spent.add(refreshToken);
      n++;
      return { accessToken: `access-${n}`, refreshToken: `refresh-${n}` };
    },
  };
}

describe('a Salesforce session shared by a connection’s clients', () => {
  it('refreshes once for clients rejected at once, and hands a client with an older token the newer one', async () => {
    const org = rotatingOrg();
    const refreshed: RefreshedSession[] = [];
    const session = sharedSession(
      { accessToken: 'access-0', refreshToken: 'refresh-0' },
      { onRefreshed: (s) => void refreshed.push(s) },
    );
    org.hold();
    const three = [1, 2, 3].map(() => session.renew('access-0', org.refresh));
    org.release();
    expect(await Promise.all(three)).toEqual(['access-1', 'access-1', 'access-1']);
    // A client opened before the refresh meets its 401 later: no second refresh (its token was spent).
    expect(await session.renew('access-0', org.refresh)).toBe('access-1');
    expect(org.calls).toEqual(['refresh-0']);
    expect(refreshed).toEqual([{ accessToken: 'access-1', refreshToken: 'refresh-1' }]);
    // The new session rejected in its turn: refreshed with the rotated token.
    expect(await session.renew('access-1', org.refresh)).toBe('access-2');
    expect(org.calls).toEqual(['refresh-0', 'refresh-1']);
    expect(session.current()).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  it('a failed refresh fails every waiting client, and the next renewal asks again', async () => {
    const session = sharedSession({ accessToken: 'a', refreshToken: 'r' });
    let fail = true;
    const refresh = async () => {
      if (fail) throw new Error('unreachable');
      return { accessToken: 'b', refreshToken: 'r' };
    };
    const both = await Promise.allSettled([session.renew('a', refresh), session.renew('a', refresh)]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await session.renew('a', refresh)).toBe('b');
  });

  it('takes a session another process kept since instead of refreshing with a spent token, but never one it held before', async () => {
    const org = rotatingOrg();
    // Another process renewed first: the store holds its session, and our refresh token is spent.
    await org.refresh('refresh-0');
    let store: { accessToken: string; refreshToken: string } | undefined = {
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
    };
    const session = sharedSession(
      { accessToken: 'access-0', refreshToken: 'refresh-0' },
      { kept: async () => store },
    );
    expect(await session.renew('access-0', org.refresh)).toBe('access-1');
    expect(org.calls).toEqual(['refresh-0']);
    // That session expires too; the store still holds it (this session held it): refreshed with its token.
    expect(await session.renew('access-1', org.refresh)).toBe('access-2');
    expect(org.calls).toEqual(['refresh-0', 'refresh-1']);
    // An unreadable store is no reason not to refresh.
    store = undefined;
    expect(await session.renew('access-2', org.refresh)).toBe('access-3');
  });
});
