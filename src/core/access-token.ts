/**
 * Access tokens that expire, for the clients that send them (Propstreet, HubSpot).
 *
 * A client asks `current()` before every request: the token is fetched on first use and again
 * shortly before the lifetime the server announced (`expires_in`) runs out, measured on the
 * injected clock. When the server answers 401 anyway (clock skew, a token revoked early), the
 * client calls `renew(rejected)` once and repeats the request once. Concurrent callers share
 * one refresh; a caller whose rejected token was already replaced gets the new one without a
 * second refresh.
 *
 * A refresh the token endpoint refuses (revoked grant, wrong client secret) latches: every
 * later call fails at once with that same UnauthorizedError, so a run that is winding down
 * does not ask the endpoint again for each request still queued. Transient failures of the
 * endpoint (network, 5xx, 429) are retried under the retry policy; when that is exhausted, the
 * failure is answered from memory for a cool-down (30 s) instead of asking again, so the callers'
 * own request retries do not multiply the attempts at the token endpoint.
 */
import type { Clock } from './clock.js';
import { PropsyncError } from './errors.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redact.js';
import { defaultRetryPolicy, type RetryPolicy, withRetry } from './retry.js';

export interface IssuedAccessToken {
  readonly accessToken: string;
  /** Lifetime in seconds as the server announced it; undefined when it did not say. */
  readonly expiresInSeconds: number | undefined;
}

export interface TokenSource {
  /** Whether `renew` can produce a token other than the one rejected. */
  readonly renewable: boolean;
  /** A token believed valid now. */
  current(): Promise<string>;
  /** The server rejected `rejected` (401): a fresh token, fetched at most once per rejected token. */
  renew(rejected: string): Promise<string>;
}

/** A token that cannot be refreshed (private-app token, personal access token). */
export function fixedToken(token: string, redactor: Redactor): TokenSource {
  redactor.register(token);
  return { renewable: false, current: async () => token, renew: async () => token };
}

export interface RefreshingTokenOptions {
  /** Names the API in log lines, e.g. "HubSpot". */
  readonly api: string;
  /** One call to the token endpoint; errors as typed errors (refused grant = UNAUTHORIZED). */
  readonly issue: () => Promise<IssuedAccessToken>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Every token issued is registered here before anything can print it. */
  readonly redactor: Redactor;
  readonly policy?: RetryPolicy | undefined;
}

/** Refresh this long before the announced expiry, at most a tenth of the lifetime. */
const EARLY_MS = 60_000;

/** How long a token endpoint that failed transiently is left alone. */
const COOL_DOWN_MS = 30_000;

/** Error codes of a token request that retrying cannot fix. */
const FATAL = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION']);

export class RefreshingToken implements TokenSource {
  readonly renewable = true;
  private token: string | undefined;
  private refreshAt: number | undefined;
  private pending: Promise<string> | undefined;
  private fatal: PropsyncError | undefined;
  private failed: { readonly error: unknown; readonly until: number } | undefined;
  private issued = 0;

  constructor(private readonly o: RefreshingTokenOptions) {}

  /** Whether the token endpoint refused for good (every call now fails with that refusal). */
  get refused(): boolean {
    return this.fatal !== undefined;
  }

  /** Tokens fetched so far. */
  get refreshes(): number {
    return this.issued;
  }

  async current(): Promise<string> {
    this.throwIfRefused();
    if (this.pending) return this.pending;
    if (this.token !== undefined && !this.due()) return this.token;
    return this.refresh('expiry');
  }

  async renew(rejected: string): Promise<string> {
    this.throwIfRefused();
    if (this.pending) return this.pending;
    // Replaced since the caller took it: the replacement, unless it is itself due by now.
    if (this.token !== undefined && this.token !== rejected && !this.due()) return this.token;
    return this.refresh('401');
  }

  private throwIfRefused(): void {
    if (this.fatal) throw this.fatal;
    if (this.failed && this.o.clock.now().getTime() < this.failed.until) throw this.failed.error;
  }

  private due(): boolean {
    return this.refreshAt !== undefined && this.o.clock.now().getTime() >= this.refreshAt;
  }

  private refresh(reason: 'expiry' | '401'): Promise<string> {
    this.pending ??= this.fetch(reason).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(reason: 'expiry' | '401'): Promise<string> {
    const { api, clock, logger } = this.o;
    try {
      const issued = await withRetry(() => this.o.issue(), {
        idempotent: true,
        clock,
        policy: this.o.policy ?? defaultRetryPolicy,
        onRetry: ({ attempt, decision }) =>
          logger.warn(
            { api, attempt, waitMs: decision.waitMs, reason: decision.reason },
            'token request retried',
          ),
      });
      // Registered before anything else can print it.
      this.o.redactor.register(issued.accessToken);
      const lifetimeMs = issued.expiresInSeconds !== undefined ? issued.expiresInSeconds * 1000 : undefined;
      const issuedAt = clock.now().getTime();
      this.refreshAt =
        lifetimeMs !== undefined ? issuedAt + lifetimeMs - Math.min(EARLY_MS, lifetimeMs / 10) : undefined;
      this.token = issued.accessToken;
      this.failed = undefined;
      this.issued++;
      logger.info(
        { api, reason: this.issued === 1 ? 'first use' : reason, expiresInSeconds: issued.expiresInSeconds },
        'access token issued',
      );
      return issued.accessToken;
    } catch (error) {
      if (error instanceof PropsyncError && FATAL.has(error.code)) {
        this.fatal = error;
        logger.error(
          { api, code: error.code, err: error.message },
          'token refresh refused; not asking again',
        );
      } else {
        this.failed = { error, until: clock.now().getTime() + COOL_DOWN_MS };
      }
      throw error;
    }
  }
}
