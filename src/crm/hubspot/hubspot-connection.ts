/**
 * What every HubSpot port of one tenant is built from: credentials, base path, clock, logger
 * and limits, turned into one transport (SDK client, rate limiter, retry policy, call counts).
 * The adapter (one object) and the associations port each make theirs from these options.
 */
import { createHash } from 'node:crypto';
import { type Clock, systemClock } from '../../core/clock.js';
import { type Logger, silentLogger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import type { RetryPolicy } from '../../core/retry.js';
import type { HubSpotOAuthCredentials } from './hubspot-oauth.js';
import { HubSpotRateLimiter } from './hubspot-rate-limiter.js';
import { type HubSpotAuth, HubSpotTransport } from './hubspot-transport.js';

export interface HubSpotLimits {
  /** Calls per interval before the first response tells (default 190, HubSpot Professional). */
  readonly requestsPerInterval?: number;
  readonly intervalMs?: number;
  /** Search requests per second (HubSpot: 5 per account). */
  readonly searchPerSecond?: number;
  /** Write batches in flight at once (default 5: a 500-record chunk in one round; a 423 Locked is retried after ≥ 2 s). */
  readonly maxConcurrency?: number;
  /** Inputs per batch write, at most 100. */
  readonly writeBatchSize?: number;
  /** Results per search page, at most 200. */
  readonly searchPageSize?: number;
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
}

export interface HubSpotConnectionOptions {
  /** A private app's access token (it does not expire). Exactly one of this and `oauth`. */
  readonly accessToken?: string | undefined;
  /** An OAuth app's credentials: access tokens are refreshed every 30 minutes and on a 401. */
  readonly oauth?: HubSpotOAuthCredentials | undefined;
  /** Replaces https://api.hubapi.com (tests point it at the fake). */
  readonly basePath?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * The entry point's redactor: the tokens are registered with it, errors scrubbed by it.
   * Required: a token registered elsewhere would be printed as it is.
   */
  readonly redactor: Redactor;
  readonly limits?: HubSpotLimits;
}

export function hubSpotTransport(options: HubSpotConnectionOptions): HubSpotTransport {
  const limits = options.limits ?? {};
  const clock = options.clock ?? systemClock;
  const settings = {
    requestsPerInterval: limits.requestsPerInterval ?? 190,
    intervalMs: limits.intervalMs ?? 10_000,
    searchPerSecond: limits.searchPerSecond ?? 5,
  };
  const limiter = sharedLimiter(
    clock,
    accountKey(options, settings),
    () => new HubSpotRateLimiter(clock, settings),
  );
  return new HubSpotTransport({
    auth: hubSpotAuth(options),
    basePath: options.basePath,
    clock,
    logger: options.logger ?? silentLogger,
    redactor: options.redactor,
    limiter,
    retry: limits.retry,
    requestTimeoutMs: limits.requestTimeoutMs ?? 60_000,
  });
}

function hubSpotAuth(options: HubSpotConnectionOptions): HubSpotAuth {
  if (options.oauth && options.accessToken === undefined) return { oauth: options.oauth };
  if (options.accessToken !== undefined && !options.oauth) return { accessToken: options.accessToken };
  throw new Error('HubSpot adapter: give exactly one of accessToken (private app) and oauth (OAuth app)');
}

/**
 * One limiter per account (origin and credentials), clock and limits: HubSpot's budgets — the
 * ten-second bucket, search's 5 a second — are the account's, and a connection's clients (each
 * kind's adapter, the links phase's associations and contacts clients) call one after another;
 * each pacing itself alone drew secondly 429s at the hand-over. Per clock, so that tests with
 * their own virtual clocks never share one; the process keeps a limiter per account it served.
 */
const limitersByClock = new WeakMap<Clock, Map<string, HubSpotRateLimiter>>();

function sharedLimiter(clock: Clock, key: string, create: () => HubSpotRateLimiter): HubSpotRateLimiter {
  let byKey = limitersByClock.get(clock);
  if (!byKey) {
    byKey = new Map();
    limitersByClock.set(clock, byKey);
  }
  let limiter = byKey.get(key);
  if (!limiter) {
    limiter = create();
    byKey.set(key, limiter);
  }
  return limiter;
}

/** Which account the calls draw from; a digest, so no credential is kept as a map key. */
function accountKey(options: HubSpotConnectionOptions, settings: object): string {
  const who = options.accessToken ?? `${options.oauth?.clientId}:${options.oauth?.refreshToken}`;
  return createHash('sha256')
    .update(`${options.basePath ?? ''}\u0000${who}\u0000${JSON.stringify(settings)}`)
    .digest('hex');
}
