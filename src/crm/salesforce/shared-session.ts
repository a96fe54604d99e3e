/**
 * One Salesforce session shared by every client of a connection in a run (its object kinds, its
 * links phase: each a jsforce Connection of its own). A client whose access token Salesforce
 * rejects asks the session to renew it: when another client already renewed it, the newer token
 * is handed back without asking Salesforce; otherwise one refresh is made, and every client that
 * asks meanwhile waits for it. With refresh-token rotation (S28: a refresh may issue a new refresh
 * token and invalidate the old one), clients that each held their own copy of the refresh token
 * refreshed with the one another client had just spent, met `invalid_grant`, and stopped the run
 * as if the grant had been revoked.
 */

/** A session's tokens. */
export interface SessionTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
}

/** What a refresh produced, for the caller to keep (app/salesforce-session.ts). */
export interface RefreshedSession {
  readonly accessToken: string;
  /** The refresh token to use next: the one used, or the one Salesforce rotated to. */
  readonly refreshToken: string;
}

export interface SharedSession {
  current(): SessionTokens;
  /**
   * A fresh access token for a client whose `rejected` token Salesforce refused: the session's
   * own when it is already another one, else the result of one refresh with the session's
   * refresh token (shared by every caller meanwhile). A failed refresh rejects every waiter.
   */
  renew(rejected: string, refresh: (refreshToken: string) => Promise<RefreshedSession>): Promise<string>;
}

export interface SharedSessionOptions {
  /** Called with each session a refresh produced, e.g. to keep it (app/salesforce-session.ts). */
  readonly onRefreshed?: ((session: RefreshedSession) => void) | undefined;
  /**
   * The session another process (or another client group of this one, e.g. `serve`'s change
   * stream beside its runs) kept since, if any: asked before refreshing, so a session renewed
   * elsewhere is taken instead of refreshing with a refresh token rotation has spent.
   */
  readonly kept?: (() => Promise<SessionTokens | undefined>) | undefined;
}

export function sharedSession(start: SessionTokens, options: SharedSessionOptions = {}): SharedSession {
  let tokens = start;
  let pending: Promise<string> | undefined;
  // Sessions this one held: a kept session among them is older than the one rejected (its
  // refresh token may be spent), never newer.
  const held = new Set([start.accessToken]);
  const renewOnce = async (refresh: (refreshToken: string) => Promise<RefreshedSession>): Promise<string> => {
    const kept = await options.kept?.().catch(() => undefined);
    if (kept && !held.has(kept.accessToken)) {
      tokens = kept;
      held.add(kept.accessToken);
      return kept.accessToken;
    }
    const { refreshToken } = tokens;
    if (refreshToken === undefined) throw new Error('no refresh token to renew the session with');
    const session = await refresh(refreshToken);
    tokens = session;
    held.add(session.accessToken);
    options.onRefreshed?.(session);
    return session.accessToken;
  };
  return {
    current: () => tokens,
    renew(rejected, refresh) {
      if (tokens.accessToken !== rejected) return Promise.resolve(tokens.accessToken);
      pending ??= renewOnce(refresh).finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
