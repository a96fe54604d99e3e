/**
 * Opens the jsforce Connection: explicit API version (jsforce defaults to 50.0; collection upsert
 * needs 46.0+), the proxy-aware transport on both the REST and the OAuth side, and a refresh
 * function when a refresh token is configured. jsforce calls it once on a 401 INVALID_SESSION_ID
 * and repeats the request with the new token.
 */
import jsforce, { type Connection } from 'jsforce';
import type { Logger } from '../../core/logger.js';
import { registerSecret } from '../../core/redact.js';
import { SalesforceTransport } from './salesforce-transport.js';

export interface ConnectionSettings {
  readonly instanceUrl: string;
  readonly accessToken: string;
  readonly version: string;
  readonly loginUrl: string;
  readonly refreshToken?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  readonly onTokenRefreshed?: ((accessToken: string) => void) | undefined;
}

export function openConnection(s: ConnectionSettings): Connection {
  if (s.refreshToken && !s.clientId) {
    throw new Error(
      'Salesforce refreshToken needs clientId (the connected app consumer key) to refresh the session',
    );
  }
  for (const secret of [s.accessToken, s.refreshToken, s.clientSecret]) registerSecret(secret);
  const refreshToken = s.refreshToken;
  const conn = new jsforce.Connection({
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
            s.logger.info({ crm: 'salesforce' }, 'access token rejected; refreshing the session');
            c.oauth2.refreshToken(refreshToken).then(
              (res) => {
                registerSecret(res.access_token);
                s.onTokenRefreshed?.(res.access_token);
                callback(undefined, res.access_token, res);
              },
              (err: Error) => callback(err),
            );
          },
        }
      : {}),
  });
  const transport = new SalesforceTransport(s.requestTimeoutMs);
  conn._transport = transport;
  conn.oauth2._transport = transport;
  return conn;
}
