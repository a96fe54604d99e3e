/**
 * What a finished sync job means for the queue, decided from its runs' results (one per object
 * kind of the connection; the worst decides) or the error:
 * done, skipped (another live run holds the tenant+connection), retry (transient, or a bridge's
 * other connection still holding the tenant lock: thrown so pg-boss retries with backoff, then
 * dead-letters), or dead-letter now (retrying cannot help:
 * the mass-delete guard, credentials, config; a later scheduled run tries again).
 */
import { isPropsyncError } from '../core/errors.js';
import type { ConnectionResult } from '../run/run-result.js';

/** `results`: one per object kind the job ran, in run order. */
export type JobOutcome =
  | { readonly kind: 'done'; readonly results: readonly ConnectionResult[] }
  | { readonly kind: 'skipped'; readonly reason: string }
  | {
      readonly kind: 'retry';
      readonly code: string;
      readonly message: string;
      readonly results?: readonly ConnectionResult[];
    }
  | {
      readonly kind: 'dead-letter';
      readonly code: string;
      readonly message: string;
      readonly results?: readonly ConnectionResult[];
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

/**
 * The job's outcome from its kinds' results: an abort that retrying cannot help dead-letters
 * it, else a transient one retries it (every kind runs again: a rerun of the others writes
 * nothing), else it is done.
 */
export function outcomeOfResults(results: readonly ConnectionResult[]): JobOutcome {
  const aborts = results.flatMap((r) =>
    r.status === 'aborted'
      ? [{ code: r.abort?.code ?? 'INTERNAL', message: r.abort?.message ?? `${r.kind} run ${r.status}` }]
      : [],
  );
  const final = aborts.find((a) => !TRANSIENT_CODES.has(a.code));
  if (final) return { kind: 'dead-letter', ...final, results };
  const [transient] = aborts;
  if (transient) return { kind: 'retry', ...transient, results };
  return { kind: 'done', results };
}

export function outcomeOfError(error: unknown): JobOutcome {
  if (isPropsyncError(error)) {
    // The same connection's run already reads after these events; a bridge's other connection
    // holding the tenant (retryable) does not run this one: it is retried.
    if (error.code === 'RUN_IN_PROGRESS' && !error.retryable)
      return { kind: 'skipped', reason: error.message };
    return TRANSIENT_CODES.has(error.code) || error.retryable
      ? { kind: 'retry', code: error.code, message: error.message }
      : { kind: 'dead-letter', code: error.code, message: error.message };
  }
  // Not ours: a state database outage, a socket reset. Retried; pg-boss dead-letters it after the limit.
  const message = error instanceof Error ? error.message || error.name : String(error);
  return { kind: 'retry', code: 'INTERNAL', message };
}
