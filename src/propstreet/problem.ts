/**
 * Turns a non-2xx Propstreet answer (RFC 7807 problem+json, or whatever a proxy sent) into a
 * typed error with a stable code. Messages carry the method, path, status and the server's
 * title/detail, never request headers; any registered secret is scrubbed as a last step.
 */
import {
  ConflictError,
  type ConflictKind,
  NotFoundError,
  PreconditionFailedError,
  PropsyncError,
  RateLimitedError,
  type RequestInfo,
  UnauthorizedError,
  ValidationError,
} from '../core/errors.js';
import type { Redactor } from '../core/redact.js';
import { type Problem, problemSchema } from './schema.js';

function parseProblem(text: string): Problem | undefined {
  if (text.trim().length === 0) return undefined;
  try {
    const parsed = problemSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const DUPLICATE = /\b(already|exists?|duplicate|unique|in use|taken)\b/i;

/** What a 409's problem body says it is about: a taken email, a taken external ref, or else. */
function conflictKind(problem: Problem | undefined): ConflictKind {
  const text = [problem?.title, problem?.detail].filter(Boolean).join(' ');
  const keys = Object.keys(problem?.errors ?? {}).map((k) => k.toLowerCase());
  if (keys.includes('email') || (/e-?mail/i.test(text) && DUPLICATE.test(text))) return 'duplicate-email';
  if (keys.some((k) => k.startsWith('externalref')) || /external ?ref/i.test(text)) return 'duplicate-ref';
  return 'other';
}

/**
 * A 409 that says the etag is stale. The errors guide lists "409 Conflict: ETag
 * mismatch—refetch and retry" (docs.propstreet.com/documentation/errors-retries), the
 * idempotency guide shows its body ("The entity has been modified. Please refetch and retry."),
 * and the changelog names /help/concurrency-conflict for a lost optimistic-concurrency race. A
 * 409 about a taken email or ref is checked first and is never one.
 */
function isStaleEtagProblem(problem: Problem | undefined): boolean {
  if (!problem) return false;
  if (/\/(concurrency-conflict|precondition-failed)$/i.test(problem.type ?? '')) return true;
  const text = [problem.title, problem.detail].filter(Boolean).join(' ');
  return /\b(e-?tag|been modified|modified since|re-?fetch|concurren\w*)\b/i.test(text);
}

/**
 * Whether a write failed on Propstreet's unique email: a 409 that says so, or a validation
 * answer (400/422) whose `errors.email` says the address is taken.
 */
export function isDuplicateEmail(error: unknown): boolean {
  if (error instanceof ConflictError) return error.kind === 'duplicate-email';
  if (error instanceof ValidationError)
    return Object.entries(error.fieldErrors).some(
      ([field, messages]) => field.toLowerCase() === 'email' && messages.some((m) => DUPLICATE.test(m)),
    );
  return false;
}

export function errorFromResponse(
  status: number,
  text: string,
  request: RequestInfo,
  retryAfter: string | undefined,
  nowMs: number,
  redactor: Redactor,
): PropsyncError {
  const problem = parseProblem(text);
  const said = [problem?.title, problem?.detail].filter((s): s is string => !!s && s.length > 0).join(': ');
  const message = redactor.redact(
    `Propstreet ${request.method} ${request.path} answered ${status}${said ? ` (${said.slice(0, 500)})` : ''}`,
  );
  switch (status) {
    case 400:
    case 422:
      return new ValidationError(message, problem?.errors ?? {}, { request });
    case 401:
      return new UnauthorizedError(message, request);
    case 403:
      return new PropsyncError('FORBIDDEN', message, { request });
    case 404:
      return new NotFoundError(message, request);
    case 409: {
      const kind = conflictKind(problem);
      // Re-read, re-plan, retry — exactly as for 412.
      if (kind === 'other' && isStaleEtagProblem(problem))
        return new PreconditionFailedError(message, request);
      return new ConflictError(message, request, kind);
    }
    case 412:
    case 428:
      return new PreconditionFailedError(message, request);
    case 429:
      return new RateLimitedError(message, parseRetryAfter(retryAfter, nowMs), request);
  }
  if (status >= 500) return new PropsyncError('SERVER_ERROR', message, { request, retryable: true });
  return new PropsyncError('INTERNAL', message, { request });
}
