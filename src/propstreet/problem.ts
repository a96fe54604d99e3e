/**
 * Turns a non-2xx Propstreet answer (RFC 7807 problem+json, or whatever a proxy sent) into a
 * typed error with a stable code. Messages carry the method, path, status and the server's
 * title/detail, never request headers; any registered secret is scrubbed as a last step.
 */
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  PropsyncError,
  RateLimitedError,
  type RequestInfo,
  UnauthorizedError,
  ValidationError,
} from '../core/errors.js';
import { redactText } from '../core/redact.js';
import { type Problem, problemSchema } from './schema.js';

export function parseProblem(text: string): Problem | undefined {
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

export function errorFromResponse(
  status: number,
  text: string,
  request: RequestInfo,
  retryAfter: string | undefined,
  nowMs: number,
): PropsyncError {
  const problem = parseProblem(text);
  const said = [problem?.title, problem?.detail].filter((s): s is string => !!s && s.length > 0).join(': ');
  const message = redactText(
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
    case 409:
      return new ConflictError(message, request);
    case 412:
    case 428:
      return new PreconditionFailedError(message, request);
    case 429:
      return new RateLimitedError(message, parseRetryAfter(retryAfter, nowMs), request);
  }
  if (status >= 500) return new PropsyncError('SERVER_ERROR', message, { request, retryable: true });
  return new PropsyncError('INTERNAL', message, { request });
}
