/**
 * HubSpot failures → propsync's typed errors (batch errors per record: hubspot-write-errors).
 * The SDK throws `ApiException {code, body, headers}` for any status it does not expect
 * (even 200 where it expects 201); each codegen module has its own ApiException class, so
 * it is recognised by shape, not `instanceof`.
 */

import { clipText, MESSAGE_MAX } from '../../core/clip-text.js';
import {
  ConflictError,
  NotFoundError,
  PropsyncError,
  RateLimitedError,
  type RequestInfo,
  UnauthorizedError,
  ValidationError,
} from '../../core/errors.js';
import type { Redactor } from '../../core/redact.js';
import {
  asBody,
  type HubSpotErrorBody,
  HubSpotResponseInfo,
  isApiException,
  propertyIssues,
} from './hubspot-error-body.js';

/** Wait before retrying a 429: what the server says, else its interval, else HubSpot's own. */
function retryWait(headers: Readonly<Record<string, string>>, policy: string | undefined): number {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
  if (Number.isFinite(interval) && interval > 0) return interval;
  return policy === 'SECONDLY' ? 1_000 : 10_000;
}

function describe(
  request: RequestInfo,
  status: number,
  body: HubSpotErrorBody | undefined,
  redactor: Redactor,
): string {
  const what = body?.message ?? 'no message';
  // Redacted, then clipped (a text body, e.g. a proxy's error page, comes whole).
  return clipText(
    redactor.redact(
      `HubSpot ${request.method} ${request.path} → ${status}${body?.category ? ` ${body.category}` : ''}: ${what}`,
    ),
    MESSAGE_MAX,
  );
}

/** The typed error for an HTTP status and body HubSpot answered (calls made without the SDK too). */
export function hubSpotErrorForStatus(
  status: number,
  rawBody: unknown,
  headers: Record<string, string>,
  request: RequestInfo,
  redactor: Redactor,
) {
  const body = asBody(rawBody);
  const req = { ...request, status };
  const message = describe(request, status, body, redactor);
  const info = new HubSpotResponseInfo(status, body, headers);
  let error: PropsyncError;
  if (status >= 200 && status < 300) {
    error = new PropsyncError('INTERNAL', `${message} (a success code the SDK does not accept here)`, {
      request: req,
    });
  } else if (status === 400) {
    const fieldErrors: Record<string, string[]> = {};
    for (const i of propertyIssues(body))
      fieldErrors[i.name] = [...(fieldErrors[i.name] ?? []), `${i.error}: ${i.message}`];
    error = new ValidationError(message, fieldErrors, { request: req });
  } else if (status === 401) error = new UnauthorizedError(message, req);
  else if (status === 403) {
    const scopes = body?.errors?.flatMap((e) => e.context?.requiredGranularScopes ?? []) ?? [];
    const extra = scopes.length > 0 ? ` (missing scope: ${scopes.join(', ')})` : '';
    error = new PropsyncError('FORBIDDEN', `${message}${extra}`, { request: req });
  } else if (status === 404) error = new NotFoundError(message, req);
  else if (status === 409) error = new ConflictError(message, req);
  else if (status === 423) error = new PropsyncError('LOCKED', message, { request: req, retryable: true });
  else if (status === 429) {
    error =
      body?.policyName === 'DAILY'
        ? new RateLimitedError(
            `HubSpot daily API limit reached (${headers['x-hubspot-ratelimit-daily'] ?? '?'} calls a day); the run stops here and can resume after the daily reset (midnight in the account's time zone).`,
            undefined,
            req,
            'DAILY_LIMIT',
          )
        : new RateLimitedError(message, retryWait(headers, body?.policyName), req);
  } else if (status >= 500)
    error = new PropsyncError('SERVER_ERROR', message, { request: req, retryable: true });
  else error = new PropsyncError('INTERNAL', message, { request: req });
  error.cause = info;
  return error;
}

/**
 * @param redactor scrubs the messages: a server may echo a token back in a body.
 * @param observed status and headers seen by the transport's middleware: they survive when
 *   the SDK fails to parse a body (empty 503, malformed JSON) and throws a plain Error.
 */
export function toPropsyncError(
  e: unknown,
  request: RequestInfo,
  redactor: Redactor,
  observed?: { status?: number; headers?: Record<string, string> },
): PropsyncError {
  if (e instanceof PropsyncError) return e;
  if (isApiException(e)) return hubSpotErrorForStatus(e.code, e.body, e.headers ?? {}, request, redactor);
  const text = e instanceof Error ? e.message : String(e);
  if (observed?.status !== undefined) {
    if (observed.status >= 200 && observed.status < 300)
      return new PropsyncError(
        'SERVER_ERROR',
        redactor.redact(`HubSpot ${request.method} ${request.path}: unreadable response (${text})`),
        {
          request: { ...request, status: observed.status },
          retryable: true,
          cause: e,
        },
      );
    return hubSpotErrorForStatus(observed.status, undefined, observed.headers ?? {}, request, redactor);
  }
  const name = e instanceof Error ? e.name : '';
  const network =
    name === 'FetchError' || /ECONNRESET|ECONNREFUSED|socket hang up|EPIPE|ETIMEDOUT/i.test(text);
  return new PropsyncError(
    network ? 'NETWORK' : 'INTERNAL',
    redactor.redact(`HubSpot ${request.method} ${request.path}: ${text}`),
    { request, retryable: network, cause: e },
  );
}
