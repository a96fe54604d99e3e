/**
 * What a finished sync job means for the queue, decided from the run result or the error:
 * done, skipped (another live run holds the tenant+connection), retry (transient: thrown so
 * pg-boss retries with backoff, then dead-letters), or dead-letter now (retrying cannot help:
 * the mass-delete guard, credentials, config; a later scheduled run tries again).
 */
import { isPropsyncError } from '../core/errors.js';
import type { ConnectionResult } from '../run/run-result.js';

export type JobOutcome =
  | { readonly kind: 'done'; readonly result: ConnectionResult }
  | { readonly kind: 'skipped'; readonly reason: string }
  | {
      readonly kind: 'retry';
      readonly code: string;
      readonly message: string;
      readonly result?: ConnectionResult;
    }
  | {
      readonly kind: 'dead-letter';
      readonly code: string;
      readonly message: string;
      readonly result?: ConnectionResult;
    };

/** Abort codes a later attempt may get past without anyone changing anything. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'RATE_LIMITED',
  'DAILY_LIMIT',
  'BUDGET_EXHAUSTED',
  'SERVER_ERROR',
  'NETWORK',
  'TIMEOUT',
  'LOCKED',
]);

export function outcomeOfResult(result: ConnectionResult): JobOutcome {
  if (result.status !== 'aborted') return { kind: 'done', result };
  const code = result.abort?.code ?? 'INTERNAL';
  const message = result.abort?.message ?? `run ${result.status}`;
  return TRANSIENT_CODES.has(code)
    ? { kind: 'retry', code, message, result }
    : { kind: 'dead-letter', code, message, result };
}

export function outcomeOfError(error: unknown): JobOutcome {
  if (isPropsyncError(error)) {
    if (error.code === 'RUN_IN_PROGRESS') return { kind: 'skipped', reason: error.message };
    return TRANSIENT_CODES.has(error.code) || error.retryable
      ? { kind: 'retry', code: error.code, message: error.message }
      : { kind: 'dead-letter', code: error.code, message: error.message };
  }
  // Not ours: a state database outage, a socket reset. Retried; pg-boss dead-letters it after the limit.
  const message = error instanceof Error ? error.message || error.name : String(error);
  return { kind: 'retry', code: 'INTERNAL', message };
}
