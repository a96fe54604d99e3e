/**
 * Bot-user tokens by the OAuth 2.0 client-credentials grant, as the Propstreet docs show it:
 * `POST /openid/token`, form-encoded `grant_type=client_credentials&client_id&client_secret
 * &scope=api:public`. The secret and the token are registered with the given redactor first thing.
 * The grant has no refresh token: a new token is simply issued again, ahead of `expires_in`
 * and once on a 401 (core/access-token.ts).
 */
import { RefreshingToken } from '../core/access-token.js';
import type { Clock } from '../core/clock.js';
import { PropsyncError, UnauthorizedError } from '../core/errors.js';
import { type FormAnswer, postForm } from '../core/form-post.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';

export interface ClientCredentials {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Default `api:public`. */
  readonly scope?: string;
  readonly timeoutMs?: number;
}

export interface IssuedToken {
  readonly accessToken: string;
  /** Seconds, when the server said. */
  readonly expiresIn: number | undefined;
}

async function issueClientCredentialsToken(c: ClientCredentials, redactor: Redactor): Promise<IssuedToken> {
  redactor.register(c.clientSecret);
  const path = new URL(c.tokenUrl).pathname;
  const info = { method: 'POST', path };
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: c.clientId,
    client_secret: c.clientSecret,
    scope: c.scope ?? 'api:public',
  });
  let answer: FormAnswer;
  try {
    answer = await postForm(c.tokenUrl, form, { eachMs: c.timeoutMs ?? 30_000 });
  } catch (e) {
    throw new PropsyncError(
      'NETWORK',
      redactor.redact(`Propstreet token request failed: ${(e as Error).message}`),
      {
        request: info,
        retryable: true,
        cause: e,
      },
    );
  }
  const status = answer.status;
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as {
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (status >= 200 && status < 300 && typeof body.access_token === 'string') {
    redactor.register(body.access_token);
    return {
      accessToken: body.access_token,
      expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
    };
  }
  const why = [body.error, body.error_description].filter((s) => typeof s === 'string').join(': ');
  const message = redactor.redact(`Propstreet token request answered ${status}${why ? ` (${why})` : ''}`);
  if (status === 400 || status === 401) throw new UnauthorizedError(message, { ...info, status });
  throw new PropsyncError(status >= 500 ? 'SERVER_ERROR' : 'INTERNAL', message, {
    request: { ...info, status },
    retryable: status >= 500,
  });
}

/** Just the access token. */
export async function fetchClientCredentialsToken(c: ClientCredentials, redactor: Redactor): Promise<string> {
  return (await issueClientCredentialsToken(c, redactor)).accessToken;
}

/** A token source that issues a new client-credentials token before each one expires. */
export function clientCredentialsTokenSource(
  c: ClientCredentials,
  options: { clock: Clock; logger: Logger; redactor: Redactor },
): RefreshingToken {
  options.redactor.register(c.clientSecret);
  return new RefreshingToken({
    api: 'Propstreet',
    clock: options.clock,
    logger: options.logger,
    redactor: options.redactor,
    issue: async () => {
      const t = await issueClientCredentialsToken(c, options.redactor);
      return { accessToken: t.accessToken, expiresInSeconds: t.expiresIn };
    },
  });
}
