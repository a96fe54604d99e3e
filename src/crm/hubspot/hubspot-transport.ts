/**
 * Every HubSpot call goes through here: the per-instance rate limiter, a request timeout,
 * error mapping, retry (`withRetry`, honouring the waits HubSpot asks for) and call counting.
 * The SDK's own retry and limiter stay off: they are process-wide, and this process may
 * serve many tenants.
 *
 * The bearer token is set per call by a `pre` middleware from a TokenSource, not with
 * `client.setAccessToken` (which rebuilds every API object and re-applies the process-wide
 * decorators): an OAuth token is replaced ahead of its 30-minute expiry, and a 401 renews it
 * once and repeats the call once (a rejected call was not applied).
 */
import type { Client } from '@hubspot/api-client';
import { fixedToken, type RefreshingToken, type TokenSource } from '../../core/access-token.js';
import type { Clock } from '../../core/clock.js';
import { PropsyncError, RateLimitedError, UnauthorizedError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import { type RetryPolicy, withRetry } from '../../core/retry.js';
import type { CrmUsage } from '../port.js';
import { toPropsyncError } from './hubspot-errors.js';
import { type HubSpotOAuthCredentials, hubSpotOAuthTokens } from './hubspot-oauth.js';
import type { Bucket, HubSpotRateLimiter } from './hubspot-rate-limiter.js';
import { sdkClient } from './hubspot-sdk.js';

export type CallKind = 'search' | 'read' | 'list' | 'write' | 'archive' | 'schema' | 'account';

interface ObservedResponse {
  httpStatusCode: number;
  headers: Record<string, string>;
}

/**
 * Call-time SDK options with one middleware that records status and headers. Generic
 * methods, so it fits every codegen module's own (nominally distinct) context classes.
 */
export interface CallOptions {
  middleware: {
    pre<C>(context: C): Promise<C>;
    post<R extends ObservedResponse>(context: R): Promise<R>;
  }[];
  middlewareMergeStrategy: 'append';
}

/** The SDK's RequestContext, as far as the auth middleware needs it. */
interface AuthorizableContext {
  setHeaderParam(key: string, value: string): void;
}

export interface CallSpec<T> {
  readonly kind: CallKind;
  readonly method: string;
  readonly path: string;
  /** Whether repeating the call cannot apply it twice (upserts by key, updates, archives are). */
  readonly idempotent: boolean;
  readonly send: (options: CallOptions) => Promise<ObservedResponse & { data: T }>;
}

/** A private app's token (it does not expire), or an OAuth app's credentials. */
export type HubSpotAuth = { readonly accessToken: string } | { readonly oauth: HubSpotOAuthCredentials };

export interface TransportOptions {
  readonly auth: HubSpotAuth;
  readonly basePath?: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Registers the tokens; scrubs error messages. */
  readonly redactor: Redactor;
  readonly limiter: HubSpotRateLimiter;
  readonly retry?: RetryPolicy | undefined;
  readonly requestTimeoutMs: number;
}

/**
 * One token source per credentials object: a connection's clients (each kind's adapter, the
 * links phase's associations client) get the same credentials object from its loaded config, so
 * they share one access token and one refresh (and a refresh token HubSpot might hand out
 * instead of the old one) where each used to ask for its own. A CLI run, a worker's job and a
 * `serve` run load the config anew (their own first token); `propsync schedule` keeps its
 * configs, so its runs keep a live token. A source that was refused for good is not handed to
 * new clients: they ask again (the refusal may have been fixed since). The map holds nothing
 * past its credentials.
 */
const tokensByCredentials = new WeakMap<HubSpotOAuthCredentials, RefreshingToken>();

function sharedOAuthTokens(
  credentials: HubSpotOAuthCredentials,
  create: () => RefreshingToken,
): RefreshingToken {
  let tokens = tokensByCredentials.get(credentials);
  if (!tokens || tokens.refused) {
    tokens = create();
    tokensByCredentials.set(credentials, tokens);
  }
  return tokens;
}

export class HubSpotTransport {
  readonly client: Client;
  private readonly calls: Record<string, number> = {};
  private readonly tokens: TokenSource;
  /** The OAuth token source, when the app is an OAuth app. */
  readonly oauthTokens: RefreshingToken | undefined;

  constructor(private readonly options: TransportOptions) {
    const auth = options.auth;
    this.client = new (sdkClient().Client)({
      // A private app's token also goes into the SDK's own auth; the middleware sets it anyway.
      ...('accessToken' in auth ? { accessToken: auth.accessToken } : {}),
      numberOfApiCallRetries: 0,
      ...(options.basePath ? { basePath: options.basePath } : {}),
    });
    // The SDK decorates its API objects when they are first touched, with the retry/limiter
    // settings of whichever Client was constructed last in the process: touch ours now.
    const { contacts, companies, properties, associations } = this.client.crm;
    if (!contacts.batchApi || !companies.batchApi || !properties.coreApi || !associations.v4.batchApi)
      throw new Error('@hubspot/api-client without contacts/companies/properties/associations APIs');
    if ('oauth' in auth) {
      this.oauthTokens = sharedOAuthTokens(auth.oauth, () =>
        hubSpotOAuthTokens(auth.oauth, {
          origin: options.basePath,
          clock: options.clock,
          logger: options.logger,
          redactor: options.redactor,
          requestTimeoutMs: options.requestTimeoutMs,
          retry: options.retry,
        }),
      );
      this.tokens = this.oauthTokens;
    } else {
      this.oauthTokens = undefined;
      this.tokens = fixedToken(auth.accessToken, options.redactor);
    }
  }

  async call<T>(spec: CallSpec<T>): Promise<{ status: number; data: T }> {
    const { clock, logger } = this.options;
    const tokens = this.tokens;
    return withRetry(
      async () => {
        const token = await tokens.current();
        try {
          return await this.attempt(spec, token);
        } catch (error) {
          if (!(error instanceof UnauthorizedError) || !tokens.renewable) throw error;
          logger.info(
            { method: spec.method, path: spec.path },
            'HubSpot answered 401; renewing the access token and repeating the call once',
          );
          return this.attempt(spec, await tokens.renew(token));
        }
      },
      {
        idempotent: spec.idempotent,
        clock,
        ...(this.options.retry ? { policy: this.options.retry } : {}),
        onRetry: ({ attempt, decision, error }) =>
          logger.warn(
            {
              attempt,
              waitMs: decision.waitMs,
              reason: decision.reason,
              code: (error as PropsyncError).code,
            },
            `HubSpot ${spec.method} ${spec.path} failed; retrying`,
          ),
      },
    );
  }

  private async attempt<T>(spec: CallSpec<T>, token: string): Promise<{ status: number; data: T }> {
    const { limiter } = this.options;
    const bucket: Bucket = spec.kind === 'search' ? 'search' : 'general';
    const request = { method: spec.method, path: spec.path };
    await limiter.acquire(bucket);
    this.calls[spec.kind] = (this.calls[spec.kind] ?? 0) + 1;
    const observed: { status?: number; headers?: Record<string, string> } = {};
    const options: CallOptions = {
      middlewareMergeStrategy: 'append',
      middleware: [
        {
          // Overrides whatever the SDK's own auth put there: this call's token.
          pre: async (context) => {
            (context as unknown as AuthorizableContext).setHeaderParam('Authorization', `Bearer ${token}`);
            return context;
          },
          post: async (context) => {
            observed.status = context.httpStatusCode;
            observed.headers = context.headers;
            return context;
          },
        },
      ],
    };
    try {
      const info = await this.withTimeout(spec.send(options), request);
      limiter.observe(info.headers);
      return { status: info.httpStatusCode, data: info.data };
    } catch (e) {
      limiter.observe(observed.headers);
      const error = toPropsyncError(e, request, this.options.redactor, observed);
      if (error instanceof RateLimitedError && error.code === 'RATE_LIMITED')
        limiter.pause(bucket, error.retryAfterMs ?? 1_000);
      throw error;
    } finally {
      limiter.settle(bucket);
    }
  }

  usage(): CrmUsage {
    const daily = this.options.limiter.daily;
    return {
      calls: { ...this.calls },
      ...(daily ? { apiUsage: { used: daily.limit - daily.remaining, limit: daily.limit } } : {}),
    };
  }

  /** The SDK cannot abort a request; a stuck one is abandoned and reported as a timeout. */
  private withTimeout<T>(promise: Promise<T>, request: { method: string; path: string }): Promise<T> {
    const ms = this.options.requestTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PropsyncError(
              'TIMEOUT',
              `HubSpot ${request.method} ${request.path}: no answer within ${ms} ms`,
              {
                request,
                retryable: true,
              },
            ),
          ),
        ms,
      );
      timer.unref();
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
