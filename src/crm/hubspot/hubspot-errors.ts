/**
 * HubSpot failures → propsync's typed errors, and batch errors → per-record WriteErrors.
 * The SDK throws `ApiException {code, body, headers}` for any status it does not expect
 * (even 200 where it expects 201); each codegen module has its own ApiException class, so
 * it is recognised by shape, not `instanceof`.
 */
import {
  ConflictError,
  NotFoundError,
  PropsyncError,
  RateLimitedError,
  type RequestInfo,
  UnauthorizedError,
  ValidationError,
} from '../../core/errors.js';
import { redactText } from '../../core/redact.js';
import type { WriteError } from '../port.js';

/** What HubSpot said, kept as the `cause` of the typed error for callers that need detail. */
export class HubSpotResponseInfo extends Error {
  constructor(
    readonly status: number,
    readonly body: HubSpotErrorBody | undefined,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(`HubSpot answered ${status}`);
    this.name = 'HubSpotResponseInfo';
  }
}

export interface HubSpotErrorBody {
  readonly status?: string;
  readonly message?: string;
  readonly category?: string;
  readonly policyName?: string;
  readonly errors?: readonly { message?: string; code?: string; context?: Record<string, string[]> }[];
  readonly context?: Record<string, string[]>;
}

/** One entry of the "Property values were not valid: [...]" list. */
export interface PropertyIssue {
  readonly name: string;
  readonly error: string;
  readonly message: string;
}

interface ApiExceptionLike {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

export function isApiException(e: unknown): e is ApiExceptionLike {
  return (
    typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number' && 'body' in e
  );
}

export function responseInfo(e: unknown): HubSpotResponseInfo | undefined {
  const cause = e instanceof Error ? e.cause : undefined;
  return cause instanceof HubSpotResponseInfo ? cause : undefined;
}

function asBody(body: unknown): HubSpotErrorBody | undefined {
  if (typeof body === 'string') {
    try {
      return asBody(JSON.parse(body));
    } catch {
      return { message: body.slice(0, 300) };
    }
  }
  return typeof body === 'object' && body !== null ? (body as HubSpotErrorBody) : undefined;
}

export function existingIdOf(message: string | undefined): string | undefined {
  return message ? /Existing ID:\s*(\d+)/i.exec(message)?.[1] : undefined;
}

/** The per-property verdicts HubSpot embeds in a VALIDATION_ERROR message, or lists under `errors`. */
export function propertyIssues(body: HubSpotErrorBody | undefined): PropertyIssue[] {
  const out: PropertyIssue[] = [];
  const json = body?.message
    ? /Property values were not valid:\s*(\[.*\])\s*$/s.exec(body.message)?.[1]
    : undefined;
  if (json) {
    try {
      for (const item of JSON.parse(json) as { name?: unknown; error?: unknown; message?: unknown }[]) {
        if (typeof item.name === 'string')
          out.push({
            name: item.name,
            error: String(item.error ?? 'INVALID'),
            message: String(item.message ?? ''),
          });
      }
    } catch {
      // An unparseable list still leaves `errors` below.
    }
  }
  if (out.length === 0) {
    for (const e of body?.errors ?? []) {
      const name = e.context?.propertyName?.[0];
      if (name) out.push({ name, error: e.code ?? 'INVALID', message: e.message ?? '' });
    }
  }
  return out;
}

/** Wait before retrying a 429: what the server says, else its interval, else HubSpot's own. */
function retryWait(headers: Readonly<Record<string, string>>, policy: string | undefined): number {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
  if (Number.isFinite(interval) && interval > 0) return interval;
  return policy === 'SECONDLY' ? 1_000 : 10_000;
}

function describe(request: RequestInfo, status: number, body: HubSpotErrorBody | undefined): string {
  const what = body?.message ?? 'no message';
  return redactText(
    `HubSpot ${request.method} ${request.path} → ${status}${body?.category ? ` ${body.category}` : ''}: ${what}`,
  );
}

function fromStatus(status: number, rawBody: unknown, headers: Record<string, string>, request: RequestInfo) {
  const body = asBody(rawBody);
  const req = { ...request, status };
  const message = describe(request, status, body);
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
 * @param observed status and headers seen by the transport's middleware: they survive when
 *   the SDK fails to parse a body (empty 503, malformed JSON) and throws a plain Error.
 */
export function toPropsyncError(
  e: unknown,
  request: RequestInfo,
  observed?: { status?: number; headers?: Record<string, string> },
): PropsyncError {
  if (e instanceof PropsyncError) return e;
  if (isApiException(e)) return fromStatus(e.code, e.body, e.headers ?? {}, request);
  const text = e instanceof Error ? e.message : String(e);
  if (observed?.status !== undefined) {
    if (observed.status >= 200 && observed.status < 300)
      return new PropsyncError(
        'SERVER_ERROR',
        redactText(`HubSpot ${request.method} ${request.path}: unreadable response (${text})`),
        {
          request: { ...request, status: observed.status },
          retryable: true,
          cause: e,
        },
      );
    return fromStatus(observed.status, undefined, observed.headers ?? {}, request);
  }
  const name = e instanceof Error ? e.name : '';
  const network =
    name === 'FetchError' || /ECONNRESET|ECONNREFUSED|socket hang up|EPIPE|ETIMEDOUT/i.test(text);
  return new PropsyncError(
    network ? 'NETWORK' : 'INTERNAL',
    redactText(`HubSpot ${request.method} ${request.path}: ${text}`),
    { request, retryable: network, cause: e },
  );
}

/** A batch `errors[]` entry (or a whole-batch failure of one input) as the port's WriteError. */
export function toWriteError(
  category: string | undefined,
  message: string,
  body?: HubSpotErrorBody,
): WriteError {
  const crmCode = category ?? 'UNKNOWN';
  switch (category) {
    case 'OBJECT_NOT_FOUND':
      return { code: 'not-found', message, retryable: false, crmCode };
    case 'CONFLICT': {
      const existingId = existingIdOf(message);
      return { code: 'duplicate', message, retryable: false, crmCode, ...(existingId ? { existingId } : {}) };
    }
    case 'VALIDATION_ERROR': {
      const fields = propertyIssues(body ?? { message }).map((i) => i.name);
      return {
        code: 'invalid',
        message,
        retryable: false,
        crmCode,
        ...(fields.length > 0 ? { fields } : {}),
      };
    }
    case 'RATE_LIMITS':
      return { code: 'rate-limited', message, retryable: true, crmCode };
    default:
      return { code: 'unknown', message, retryable: false, crmCode };
  }
}

/** Errors of a whole batch call that one input can cause: the rest of the batch is retried. */
export function isAttributable(e: PropsyncError): boolean {
  return e.code === 'VALIDATION' || e.code === 'CONFLICT' || e.code === 'NOT_FOUND';
}

export function writeErrorOf(e: PropsyncError): WriteError {
  const info = responseInfo(e);
  const category =
    info?.body?.category ??
    (e.code === 'CONFLICT' ? 'CONFLICT' : e.code === 'NOT_FOUND' ? 'OBJECT_NOT_FOUND' : 'VALIDATION_ERROR');
  return toWriteError(category, info?.body?.message ?? e.message, info?.body);
}
