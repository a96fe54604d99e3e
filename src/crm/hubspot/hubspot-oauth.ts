/**
 * HubSpot OAuth app credentials → access tokens. HubSpot's OAuth access tokens live 30 minutes
 * (`expires_in: 1800`); a new one comes from the refresh grant, a form-encoded `POST` of
 * `grant_type=refresh_token&client_id&client_secret&refresh_token`, answered with
 * `{access_token, refresh_token, expires_in, token_type, …}`.
 *
 * The endpoint is `/oauth/2026-03/token` by default: HubSpot deprecates `/oauth/v1/token` on
 * 16 February 2027 and its migration guide points refreshes there (`tokenEndpoint` picks
 * `v3` or `v1` instead). @hubspot/api-client 13.5.0 only knows v1 (its TokensApi), so this one
 * request is made with undici, on the same origin as the SDK's calls (`basePath`).
 *
 * A refresh HubSpot refuses is answered 400 with RFC 6749's `{error, error_description}` beside
 * its own `{status, message}` (`invalid_grant`/`BAD_REFRESH_TOKEN` when the app was uninstalled
 * or access revoked); that, and any 400 or 401, become UnauthorizedError, which the token
 * source latches (no second attempt) and the engine treats as a run stopper (exit code 3).
 * A 429, 5xx, timeout or dropped connection is retryable.
 */
import { z } from 'zod';
import { RefreshingToken } from '../../core/access-token.js';
import type { Clock } from '../../core/clock.js';
import { PropsyncError, type RequestInfo, UnauthorizedError } from '../../core/errors.js';
import { type FormAnswer, isTimeout, postForm } from '../../core/form-post.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import type { RetryPolicy } from '../../core/retry.js';
import { hubSpotErrorForStatus } from './hubspot-errors.js';

/** Which of HubSpot's token endpoints refreshes go to (the version in its path). */
export const HUBSPOT_TOKEN_ENDPOINTS = ['2026-03', 'v3', 'v1'] as const;
export type HubSpotTokenEndpoint = (typeof HUBSPOT_TOKEN_ENDPOINTS)[number];

export interface HubSpotOAuthCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  /** Default `2026-03`. */
  readonly tokenEndpoint?: HubSpotTokenEndpoint | undefined;
}

export interface HubSpotOAuthOptions {
  /** The API origin, as the SDK's `basePath`; default `https://api.hubapi.com`. */
  readonly origin?: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Registers the client secret, the refresh token and every token issued; scrubs refusals. */
  readonly redactor: Redactor;
  readonly requestTimeoutMs: number;
  readonly retry?: RetryPolicy | undefined;
}

/**
 * What a token answer must hold; HubSpot adds fields (`hub_id`, `scopes`, `token_use`) freely.
 * The wire format is snake_case (the 2026-03 spec's AccessTokenResponse, the migration guide's
 * `access_token`); HubSpot's generated reference pages print the SDK's camelCase
 * (`accessToken`, `expiresIn`), which is read too rather than failing every refresh on it.
 */
const tokenAnswer = z
  .looseObject({
    access_token: z.string().min(1).optional(),
    accessToken: z.string().min(1).optional(),
    expires_in: z.number().int().positive().optional(),
    expiresIn: z.number().int().positive().optional(),
    refresh_token: z.string().min(1).optional(),
    refreshToken: z.string().min(1).optional(),
  })
  .transform((t) => ({
    access_token: t.access_token ?? t.accessToken,
    expires_in: t.expires_in ?? t.expiresIn,
    refresh_token: t.refresh_token ?? t.refreshToken,
  }))
  .refine((t) => t.access_token !== undefined, { path: ['access_token'], message: 'missing' });

/** The parts of an error answer a refusal names (RFC 6749's and HubSpot's own). */
const errorAnswer = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
});

function hubSpotTokenPath(endpoint: HubSpotTokenEndpoint = '2026-03'): string {
  return `/oauth/${endpoint}/token`;
}

export function hubSpotOAuthTokens(
  credentials: HubSpotOAuthCredentials,
  options: HubSpotOAuthOptions,
): RefreshingToken {
  const { redactor } = options;
  redactor.register(credentials.clientSecret);
  redactor.register(credentials.refreshToken);
  const info: RequestInfo = { method: 'POST', path: hubSpotTokenPath(credentials.tokenEndpoint) };
  const url = `${(options.origin ?? 'https://api.hubapi.com').replace(/\/+$/, '')}${info.path}`;
  let refreshToken = credentials.refreshToken;
  return new RefreshingToken({
    api: 'HubSpot',
    clock: options.clock,
    logger: options.logger,
    redactor,
    policy: options.retry,
    issue: async () => {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: refreshToken,
      });
      const { status, headers, body } = await post(url, form, info, options.requestTimeoutMs, redactor);
      if (status < 200 || status >= 300)
        throw (
          refusal(status, body, info, redactor) ??
          wrongEndpoint(status, info, redactor) ??
          hubSpotErrorForStatus(status, body, headers, info, redactor)
        );
      const answer = tokenAnswer.safeParse(body);
      if (!answer.success)
        throw new PropsyncError(
          'SERVER_ERROR',
          `HubSpot ${info.method} ${info.path} answered ${status} without a usable token (${answer.error.issues
            .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
            .join('; ')})`,
          { request: { ...info, status }, retryable: true },
        );
      const token = answer.data;
      const accessToken = token.access_token as string;
      redactor.register(accessToken);
      // HubSpot keeps the refresh token; should it ever hand out another, the new one is
      // used for the rest of this process (it cannot be written back to the config).
      if (token.refresh_token !== undefined && token.refresh_token !== refreshToken) {
        redactor.register(token.refresh_token);
        refreshToken = token.refresh_token;
        options.logger.warn(
          { api: 'HubSpot' },
          'HubSpot issued a new refresh token; using it for this process',
        );
      }
      return { accessToken, expiresInSeconds: token.expires_in };
    },
  });
}

async function post(
  url: string,
  form: URLSearchParams,
  info: RequestInfo,
  timeoutMs: number,
  redactor: Redactor,
): Promise<FormAnswer> {
  try {
    return await postForm(url, form, { totalMs: timeoutMs });
  } catch (e) {
    const timedOut = isTimeout(e);
    const text = e instanceof Error ? e.message : String(e);
    throw new PropsyncError(
      timedOut ? 'TIMEOUT' : 'NETWORK',
      redactor.redact(
        timedOut
          ? `HubSpot ${info.method} ${info.path}: no answer within ${timeoutMs} ms`
          : `HubSpot ${info.method} ${info.path}: ${text}`,
      ),
      { request: info, retryable: true, cause: e },
    );
  }
}

/**
 * Any other 4xx but 408 and 429 from the token endpoint (404: no such endpoint, 405, a proxy's
 * 403…): retrying cannot fix it, and it must not pass for an answer of the API call that
 * needed the token (a 404 there means "no such record", a 403 a missing scope). No token
 * means no authentication: UNAUTHORIZED, which stops the token source and the run (exit 3).
 */
function wrongEndpoint(status: number, info: RequestInfo, redactor: Redactor): UnauthorizedError | undefined {
  if (status < 400 || status >= 500 || status === 408 || status === 429) return undefined;
  return new UnauthorizedError(
    redactor.redact(
      `HubSpot ${info.method} ${info.path} answered ${status}: not a token endpoint this connection can use; check baseUrl and oauthTokenEndpoint (2026-03, v3 or v1)`,
    ),
    { ...info, status },
  );
}

/** A refused grant (any 400 or 401) as a clear, non-retryable error naming what HubSpot said. */
function refusal(
  status: number,
  body: unknown,
  info: RequestInfo,
  redactor: Redactor,
): UnauthorizedError | undefined {
  if (status !== 400 && status !== 401) return undefined;
  const parsed = errorAnswer.safeParse(body);
  const b = parsed.success ? parsed.data : {};
  const codes = [b.error, b.status].filter((s) => s !== undefined && s !== '' && s !== 'error');
  const text = b.error_description ?? b.message;
  const said = [codes.join(' '), text].filter((s) => s !== undefined && s !== '').join(': ');
  return new UnauthorizedError(
    redactor.redact(
      `HubSpot refused to refresh the OAuth access token (${info.method} ${info.path} → ${status}${said ? ` ${said}` : ''}): the app was uninstalled, its refresh token revoked, or clientId/clientSecret are wrong; reinstall the app and put its new refresh token in the connection's refreshToken variable`,
    ),
    { ...info, status },
  );
}
