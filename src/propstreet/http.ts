/**
 * One HTTP exchange with Propstreet, and the policy around it: pacing (rate-limiter.ts),
 * retries through core/retry.ts (only idempotent requests on 5xx/timeouts/network errors;
 * any request on 429, which the server did not apply), typed errors (problem.ts), and a count
 * of requests actually sent. One undici Pool per client: keep-alive, bounded connections.
 *
 * The bearer token lives in the request headers only; headers never reach a log line or an
 * error, and the token is registered with the client's redactor in case a server echoes it. It comes
 * from a TokenSource before each attempt, so a client-credentials token that expires mid-run
 * is replaced; a 401 renews it once and repeats the request once (a 401 was not applied, so
 * even a create may be repeated).
 */
import { Pool } from 'undici';
import type { TokenSource } from '../core/access-token.js';
import type { Clock } from '../core/clock.js';
import { PropsyncError, RateLimitedError, type RequestInfo, UnauthorizedError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { type RetryPolicy, withRetry } from '../core/retry.js';
import { errorFromResponse } from './problem.js';
import { type HeaderValue, headerOf, type RateLimiter } from './rate-limiter.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface SendOptions {
  readonly method: Method;
  /** API path below the base URL, already percent-encoded, e.g. `/api/v1/network/contacts/12`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Whether repeating the request cannot apply it twice. */
  readonly idempotent: boolean;
  readonly signal?: AbortSignal | undefined;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, HeaderValue>;
  readonly text: string;
  readonly request: RequestInfo;
}

export interface TransportOptions {
  readonly baseUrl: string;
  readonly tokens: TokenSource;
  readonly clock: Clock;
  readonly policy: RetryPolicy;
  readonly logger: Logger;
  /** Scrubs error messages (the token source registered the token with it). */
  readonly redactor: Redactor;
  readonly timeoutMs: number;
  readonly limiter: RateLimiter;
  readonly connections: number;
  readonly random?: () => number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const CLOSED_CODES = new Set(['UND_ERR_DESTROYED', 'UND_ERR_CLOSED']);

export class Transport {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly calls = { read: 0, write: 0 };
  private closing: Promise<void> | undefined;

  constructor(private readonly o: TransportOptions) {
    const base = new URL(o.baseUrl);
    this.prefix = base.pathname.replace(/\/+$/, '');
    this.pool = new Pool(base.origin, {
      connections: o.connections,
      pipelining: 1,
      connect: { timeout: Math.min(10_000, o.timeoutMs) },
    });
  }

  async send(req: SendOptions): Promise<Answer> {
    return withRetry((attempt) => this.once(req, attempt), {
      idempotent: req.idempotent,
      policy: this.o.policy,
      clock: this.o.clock,
      ...(this.o.random ? { random: this.o.random } : {}),
      onRetry: ({ attempt, decision, error }) =>
        this.o.logger.warn(
          {
            method: req.method,
            path: this.prefix + req.path,
            attempt,
            waitMs: decision.waitMs,
            reason: decision.reason,
            code: error instanceof PropsyncError ? error.code : undefined,
          },
          'propstreet request retried',
        ),
    });
  }

  usage(): { readonly calls: Readonly<Record<string, number>> } {
    return { calls: { ...this.calls } };
  }

  /** Idempotent: a second close waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.pool.close();
    return this.closing;
  }

  private async once(req: SendOptions, attempt: number): Promise<Answer> {
    const token = await this.o.tokens.current();
    try {
      return await this.exchange(req, attempt, token);
    } catch (error) {
      if (!(error instanceof UnauthorizedError) || !this.o.tokens.renewable) throw error;
      this.o.logger.info(
        { method: req.method, path: this.prefix + req.path },
        'propstreet answered 401; renewing the token and repeating the request once',
      );
      return this.exchange(req, attempt, await this.o.tokens.renew(token));
    }
  }

  private async exchange(req: SendOptions, attempt: number, token: string): Promise<Answer> {
    await this.o.limiter.acquire(req.signal);
    const path = this.prefix + req.path;
    const request: RequestInfo = { method: req.method, path };
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      'user-agent': 'propsync',
      ...(req.headers ?? {}),
      authorization: `Bearer ${token}`,
    };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    this.calls[req.method === 'GET' ? 'read' : 'write']++;
    const started = performance.now();
    // undici's own timeouts tick at about one second; an abort signal keeps the limit exact
    // and covers the whole exchange, body included.
    const deadline = AbortSignal.timeout(this.o.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
    let status: number;
    let resHeaders: Record<string, HeaderValue>;
    let text: string;
    try {
      const res = await this.pool.request({
        method: req.method,
        path: path + queryString(req.query),
        headers,
        body: req.body === undefined ? null : JSON.stringify(req.body),
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs,
        signal,
      });
      status = res.statusCode;
      resHeaders = res.headers;
      this.o.limiter.observe(resHeaders);
      text = await res.body.text();
    } catch (e) {
      throw this.transportError(e, request, req.signal, deadline.aborted);
    } finally {
      this.o.limiter.settle();
    }
    const ms = Math.round(performance.now() - started);
    this.o.logger.debug({ method: req.method, path, status, ms, attempt }, 'propstreet request');
    if (status >= 200 && status < 300)
      return { status, headers: resHeaders, text, request: { ...request, status } };
    const error = errorFromResponse(
      status,
      text,
      { ...request, status },
      headerOf(resHeaders, 'retry-after'),
      this.o.clock.now().getTime(),
      this.o.redactor,
    );
    if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
      this.o.limiter.pauseFor(Math.min(error.retryAfterMs, this.o.policy.maxServerWaitMs));
    }
    throw error;
  }

  private transportError(
    e: unknown,
    request: RequestInfo,
    signal: AbortSignal | undefined,
    timedOut: boolean,
  ): unknown {
    // The caller's own abort is not an API failure: hand back its reason untouched.
    if (signal?.aborted) return signal.reason ?? e;
    const code = (e as { code?: unknown }).code;
    const detail = this.o.redactor.redact(e instanceof Error ? e.message : String(e));
    const what = `Propstreet ${request.method} ${request.path}`;
    if (timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code)))
      return new PropsyncError('TIMEOUT', `${what} timed out after ${this.o.timeoutMs} ms (${detail})`, {
        request,
        retryable: true,
        cause: e,
      });
    if (typeof code === 'string' && CLOSED_CODES.has(code))
      return new PropsyncError('INTERNAL', `${what}: the client is closed`, { request, cause: e });
    return new PropsyncError('NETWORK', `${what} failed: ${detail}`, { request, retryable: true, cause: e });
  }
}

function queryString(query: SendOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}
