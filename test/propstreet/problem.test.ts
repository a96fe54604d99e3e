/** Status → typed error mapping and Retry-After parsing, without a server. */
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  PropsyncError,
  RateLimitedError,
  ValidationError,
} from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { errorFromResponse, parseRetryAfter } from '../../src/propstreet/problem.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const req = { method: 'PATCH', path: '/api/v1/network/contacts/1' };
const problem = (status: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'about:blank', title: 'T', status, detail: 'D', instance: req.path, ...extra });

describe('errorFromResponse', () => {
  it.each([
    [403, 'FORBIDDEN', false],
    [404, 'NOT_FOUND', false],
    [409, 'CONFLICT', false],
    [412, 'PRECONDITION_FAILED', false],
    [418, 'INTERNAL', false],
    [500, 'SERVER_ERROR', true],
    [504, 'SERVER_ERROR', true],
  ])('%i → %s (retryable %s)', (status, code, retryable) => {
    const e = errorFromResponse(status, problem(status), { ...req, status }, undefined, 0, redactor);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.request).toEqual({ ...req, status });
    expect(e.message).toBe(`Propstreet PATCH ${req.path} answered ${status} (T: D)`);
  });

  it('keeps the field errors of a 400 and copes with an empty or non-JSON body', () => {
    const v = errorFromResponse(
      400,
      problem(400, { errors: { email: ['bad'] } }),
      req,
      undefined,
      0,
      redactor,
    );
    expect(v).toBeInstanceOf(ValidationError);
    expect((v as ValidationError).fieldErrors).toEqual({ email: ['bad'] });
    expect(errorFromResponse(404, '', req, undefined, 0, redactor)).toBeInstanceOf(NotFoundError);
    expect(errorFromResponse(409, '<html>', req, undefined, 0, redactor)).toBeInstanceOf(ConflictError);
    expect(errorFromResponse(502, 'Bad gateway', req, undefined, 0, redactor)).toBeInstanceOf(PropsyncError);
  });

  it('turns Retry-After into milliseconds on a 429', () => {
    const e = errorFromResponse(429, problem(429), req, '12', 0, redactor);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBe(12_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
