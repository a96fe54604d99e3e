/**
 * Opens the jsforce Connection: explicit API version (jsforce defaults to 50.0; collection upsert
 * needs 46.0+), the proxy-aware transport on both the REST and the OAuth side, and a refresh
 * function when a refresh token is configured. jsforce calls it on a 401 INVALID_SESSION_ID
 * (concurrent 401s share one refresh) and repeats the request with the new token.
 *
 * Salesforce announces no lifetime for a session (its refresh answer has `issued_at`, no
 * `expires_in`; the org's session timeout decides), so a session is only refreshed when it is
 * rejected. Around jsforce's delegate this refresh function adds: a refusal (invalid_grant for a
 * revoked refresh token, invalid_client) latches, so later 401s fail at once without asking the
 * token endpoint again; a session rejected again and again right after being issued stops after
 * three refreshes a minute (jsforce itself would refresh and repeat without end); and a rotated
 * refresh token (connected apps may rotate them) replaces the old one for the next refresh.
 */
import type jsforce from 'jsforce';
import type { Connection } from 'jsforce';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import { requireOnDemand } from '../../core/require-on-demand.js';
import { salesforceTransport } from './salesforce-transport.js';
import { type RefreshedSession, type SharedSession, sharedSession } from './shared-session.js';

export interface ConnectionSettings {
  readonly instanceUrl: string;
  readonly accessToken: string;
  readonly version: string;
  readonly loginUrl: string;
  readonly refreshToken?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  readonly logger: Logger;
  /** Registers the configured secrets and every session issued. */
  readonly redactor: Redactor;
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
  readonly onTokenRefreshed?: ((session: RefreshedSession) => void) | undefined;
  /**
   * The session this client shares with the connection's other clients (shared-session.ts);
   * it then reports refreshes itself, and `accessToken`/`refreshToken` only start this client.
   * Without it the client has a session of its own.
   */
  readonly session?: SharedSession | undefined;
}

/** Refreshes allowed within a minute before a session that keeps being rejected stops the run. */
const MAX_REFRESHES_PER_MINUTE = 3;

/** OAuth error names (and 4xx without a JSON body) that no retry can fix. */
const REFUSED = /^(invalid_|unauthorized_client|unsupported_|inactive_|ERROR_HTTP_4)/;

export function openConnection(s: ConnectionSettings): Connection {
  if (s.refreshToken && !s.clientId) {
    throw new Error(
      'Salesforce refreshToken needs clientId (the connected app consumer key) to refresh the session',
    );
  }
  for (const secret of [s.accessToken, s.refreshToken, s.clientSecret]) s.redactor.register(secret);
  const refreshToken = s.refreshToken;
  const session =
    s.session ??
    sharedSession({ accessToken: s.accessToken, refreshToken }, { onRefreshed: s.onTokenRefreshed });
  let refused: Error | undefined;
  const recent: number[] = [];
  // jsforce loads when a Salesforce connection opens: a HubSpot-only process never holds it.
  const conn = new (requireOnDemand('jsforce') as typeof jsforce).Connection({
    instanceUrl: s.instanceUrl.replace(/\/+$/, ''),
    accessToken: s.accessToken,
    version: s.version,
    loginUrl: s.loginUrl,
    // Names the integration in the org's API usage reports (Sforce-Call-Options: client=propsync).
    callOptions: { client: 'propsync' },
    ...(refreshToken && s.clientId
      ? {
          oauth2: {
            loginUrl: s.loginUrl,
            clientId: s.clientId,
            ...(s.clientSecret ? { clientSecret: s.clientSecret } : {}),
          },
        }
      : {}),
    ...(refreshToken
      ? {
          refreshFn: (c, callback) => {
            if (refused) return callback(refused);
            const now = s.clock.now().getTime();
            while (recent.length > 0 && (recent[0] ?? 0) <= now - 60_000) recent.shift();
            if (recent.length >= MAX_REFRESHES_PER_MINUTE) {
              refused = new Error(
                `Salesforce rejected ${recent.length} fresh sessions within a minute; not refreshing again`,
              );
              return callback(refused);
            }
            recent.push(now);
            const refresh = async (used: string) => {
              s.logger.info({ crm: 'salesforce' }, 'access token rejected; refreshing the session');
              const res = await c.oauth2.refreshToken(used);
              s.redactor.register(res.access_token);
              if (res.refresh_token && res.refresh_token !== used) {
                s.redactor.register(res.refresh_token);
                s.logger.info({ crm: 'salesforce' }, 'Salesforce rotated the refresh token');
              }
              return { accessToken: res.access_token, refreshToken: res.refresh_token || used };
            };
            session.renew(c.accessToken ?? '', refresh).then(
              (accessToken) => callback(undefined, accessToken),
              (err: Error) => {
                if (REFUSED.test(err.name)) {
                  refused = err;
                  s.logger.error(
                    { crm: 'salesforce', error: err.name },
                    'Salesforce refused the refresh token; not asking again',
                  );
                }
                callback(err);
              },
            );
          },
        }
      : {}),
  });
  const transport = salesforceTransport(s.requestTimeoutMs);
  conn._transport = transport;
  conn.oauth2._transport = transport;
  return conn;
}
