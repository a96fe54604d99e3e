/**
 * Retry decisions as a pure function, and one small loop that applies them.
 *
 * Hand-written rather than p-retry because every API here tells us how long to wait
 * (Retry-After, X-HubSpot-RateLimit-Interval-Milliseconds, 423 "wait 2 s") and a retry must
 * honour that exact wait, be bounded in total time, and know whether the request is safe to
 * repeat; p-retry's fixed backoff schedule cannot take a per-error wait.
 */
import { type Clock, systemClock } from './clock.js';
import { PropsyncError, RateLimitedError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A server-requested wait longer than this is not waited for: the error is raised. */
  readonly maxServerWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxServerWaitMs: 60_000,
};

export interface RetryDecision {
  readonly retry: boolean;
  readonly waitMs: number;
  readonly reason: string;
}

/**
 * @param attempt 1-based number of the attempt that just failed.
 * @param idempotent whether repeating the request cannot apply it twice.
 * @param random a number in [0, 1) for the jitter (injected so tests are deterministic).
 */
function decideRetry(
  error: unknown,
  attempt: number,
  idempotent: boolean,
  policy: RetryPolicy = defaultRetryPolicy,
  random: number = Math.random(),
): RetryDecision {
  if (attempt >= policy.maxAttempts) return { retry: false, waitMs: 0, reason: 'attempts exhausted' };
  if (!(error instanceof PropsyncError)) return { retry: false, waitMs: 0, reason: 'not an API error' };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter keeps many tenants' retries from synchronising.
  const jittered = Math.round(backoff / 2 + (backoff / 2) * random);
  switch (error.code) {
    case 'RATE_LIMITED': {
      const server = error instanceof RateLimitedError ? error.retryAfterMs : undefined;
      if (server !== undefined && server > policy.maxServerWaitMs)
        return { retry: false, waitMs: 0, reason: `server asks to wait ${server} ms, over the limit` };
      // A 429 was not applied by the server, so even a non-idempotent request may be repeated.
      return { retry: true, waitMs: server ?? jittered, reason: 'rate limited' };
    }
    case 'LOCKED':
      return { retry: true, waitMs: Math.max(2_000, jittered), reason: 'locked' };
    case 'SERVER_ERROR':
    case 'TIMEOUT':
    case 'NETWORK':
      if (!idempotent)
        return { retry: false, waitMs: 0, reason: `${error.code} on a request that is not safe to repeat` };
      return { retry: true, waitMs: jittered, reason: error.code.toLowerCase() };
    default:
      return { retry: false, waitMs: 0, reason: error.code };
  }
}

export interface RetryOptions {
  readonly idempotent: boolean;
  readonly policy?: RetryPolicy;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly onRetry?: (info: { attempt: number; decision: RetryDecision; error: unknown }) => void;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const decision = decideRetry(error, attempt, options.idempotent, options.policy, random());
      if (!decision.retry) throw error;
      options.onRetry?.({ attempt, decision, error });
      await clock.sleep(decision.waitMs);
    }
  }
}
