/**
 * Every HubSpot call goes through here: the per-instance rate limiter, a request timeout,
 * error mapping, retry (`withRetry`, honouring the waits HubSpot asks for) and call counting.
 * The SDK's own retry and limiter stay off: they are process-wide, and this process may
 * serve many tenants.
 */
import { Client } from '@hubspot/api-client';
import type { Clock } from '../../core/clock.js';
import { PropsyncError, RateLimitedError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { type RetryPolicy, withRetry } from '../../core/retry.js';
import type { CrmUsage } from '../port.js';
import { toPropsyncError } from './hubspot-errors.js';
import type { Bucket, HubSpotRateLimiter } from './hubspot-rate-limiter.js';

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

export interface CallSpec<T> {
  readonly kind: CallKind;
  readonly method: string;
  readonly path: string;
  /** Whether repeating the call cannot apply it twice (upserts by key, updates, archives are). */
  readonly idempotent: boolean;
  readonly send: (options: CallOptions) => Promise<ObservedResponse & { data: T }>;
}

export interface TransportOptions {
  readonly accessToken: string;
  readonly basePath?: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limiter: HubSpotRateLimiter;
  readonly retry?: RetryPolicy | undefined;
  readonly requestTimeoutMs: number;
}

export class HubSpotTransport {
  readonly client: Client;
  private readonly calls: Record<string, number> = {};

  constructor(private readonly options: TransportOptions) {
    this.client = new Client({
      accessToken: options.accessToken,
      numberOfApiCallRetries: 0,
      ...(options.basePath ? { basePath: options.basePath } : {}),
    });
    // The SDK decorates its API objects when they are first touched, with the retry/limiter
    // settings of whichever Client was constructed last in the process: touch ours now.
    const { contacts, properties } = this.client.crm;
    if (!contacts.batchApi || !properties.coreApi)
      throw new Error('@hubspot/api-client without contacts/properties APIs');
  }

  async call<T>(spec: CallSpec<T>): Promise<{ status: number; data: T }> {
    const { clock, limiter, logger } = this.options;
    const bucket: Bucket = spec.kind === 'search' ? 'search' : 'general';
    const request = { method: spec.method, path: spec.path };
    return withRetry(
      async () => {
        await limiter.acquire(bucket);
        this.calls[spec.kind] = (this.calls[spec.kind] ?? 0) + 1;
        const observed: { status?: number; headers?: Record<string, string> } = {};
        const options: CallOptions = {
          middlewareMergeStrategy: 'append',
          middleware: [
            {
              pre: async (context) => context,
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
          const error = toPropsyncError(e, request, observed);
          if (error instanceof RateLimitedError && error.code === 'RATE_LIMITED')
            limiter.pause(bucket, error.retryAfterMs ?? 1_000);
          throw error;
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
