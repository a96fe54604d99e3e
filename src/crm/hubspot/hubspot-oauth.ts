/**
 * HubSpot OAuth app credentials → access tokens. HubSpot's OAuth access tokens live 30 minutes
 * (`expires_in: 1800`); a new one comes from `POST /oauth/v1/token`, form-encoded
 * `grant_type=refresh_token&client_id&client_secret&refresh_token`, answered with
 * `{access_token, refresh_token, expires_in, token_type}`. The call goes through the SDK's own
 * TokensApi so that `basePath` (and a test's fake) applies to it as to every other call.
 *
 * A refresh token HubSpot no longer accepts (app uninstalled, access revoked) is answered
 * with 400 `{"status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token"}`;
 * that, and a 401 for a wrong client secret, become UnauthorizedError, which the token source
 * latches (no second attempt) and the engine treats as a run stopper (exit code 3).
 */
import type { Client } from '@hubspot/api-client';
import { RefreshingToken } from '../../core/access-token.js';
import type { Clock } from '../../core/clock.js';
import { PropsyncError, UnauthorizedError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import type { RetryPolicy } from '../../core/retry.js';
import { asBody, isApiException } from './hubspot-error-body.js';
import { toPropsyncError } from './hubspot-errors.js';

export interface HubSpotOAuthCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

export interface HubSpotOAuthOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Registers the client secret, the refresh token and every token issued; scrubs refusals. */
  readonly redactor: Redactor;
  readonly requestTimeoutMs: number;
  readonly retry?: RetryPolicy | undefined;
}

const TOKEN_REQUEST = { method: 'POST', path: '/oauth/v1/token' } as const;

export function hubSpotOAuthTokens(
  client: Client,
  credentials: HubSpotOAuthCredentials,
  options: HubSpotOAuthOptions,
): RefreshingToken {
  const { redactor } = options;
  redactor.register(credentials.clientSecret);
  redactor.register(credentials.refreshToken);
  let refreshToken = credentials.refreshToken;
  const tokens = client.oauth.tokensApi;
  return new RefreshingToken({
    api: 'HubSpot',
    clock: options.clock,
    logger: options.logger,
    redactor,
    policy: options.retry,
    issue: async () => {
      let answer: Awaited<ReturnType<typeof tokens.createWithHttpInfo>>;
      try {
        answer = await withTimeout(
          tokens.createWithHttpInfo(
            'refresh_token',
            undefined,
            undefined,
            credentials.clientId,
            credentials.clientSecret,
            refreshToken,
          ),
          options.requestTimeoutMs,
        );
      } catch (e) {
        throw refusal(e, redactor) ?? toPropsyncError(e, TOKEN_REQUEST, redactor);
      }
      const body = answer.data;
      if (typeof body?.accessToken !== 'string' || body.accessToken === '')
        throw new PropsyncError(
          'SERVER_ERROR',
          'HubSpot POST /oauth/v1/token answered without an access_token',
          {
            request: { ...TOKEN_REQUEST, status: answer.httpStatusCode },
            retryable: true,
          },
        );
      redactor.register(body.accessToken);
      // HubSpot keeps the refresh token; should it ever hand out another, the new one is
      // used for the rest of this process (it cannot be written back to the config).
      if (
        typeof body.refreshToken === 'string' &&
        body.refreshToken !== '' &&
        body.refreshToken !== refreshToken
      ) {
        redactor.register(body.refreshToken);
        refreshToken = body.refreshToken;
        options.logger.warn(
          { api: 'HubSpot' },
          'HubSpot issued a new refresh token; using it for this process',
        );
      }
      return {
        accessToken: body.accessToken,
        expiresInSeconds: typeof body.expiresIn === 'number' ? body.expiresIn : undefined,
      };
    },
  });
}

/** A refused grant (400 BAD_REFRESH_TOKEN, 401 bad client) as a clear, non-retryable error. */
function refusal(e: unknown, redactor: Redactor): UnauthorizedError | undefined {
  if (!isApiException(e) || (e.code !== 400 && e.code !== 401)) return undefined;
  const body = asBody(e.body) as { status?: unknown; message?: unknown } | undefined;
  const said = [body?.status, body?.message].filter((s) => typeof s === 'string' && s !== 'error').join(': ');
  return new UnauthorizedError(
    redactor.redact(
      `HubSpot refused to refresh the OAuth access token (${e.code}${said ? ` ${said}` : ''}): the app was uninstalled, its refresh token revoked, or clientId/clientSecret are wrong; reinstall the app and put its new refresh token in the connection's refreshToken variable`,
    ),
    { ...TOKEN_REQUEST, status: e.code },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PropsyncError('TIMEOUT', `HubSpot POST /oauth/v1/token: no answer within ${ms} ms`, {
            request: TOKEN_REQUEST,
            retryable: true,
          }),
        ),
      ms,
    );
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
