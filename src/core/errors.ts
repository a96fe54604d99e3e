/**
 * Typed errors with stable codes. Expected per-record failures are values (see the ports);
 * these are for exceptional conditions. Only the CLI maps codes to exit codes.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'MAPPING_INVALID'
  | 'PAYLOAD_INVALID'
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'WRITE_NOT_APPLIED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'DAILY_LIMIT'
  | 'BUDGET_EXHAUSTED'
  | 'SERVER_ERROR'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'SETUP_REQUIRED'
  | 'ACCOUNT_MISMATCH'
  | 'MASS_DELETE_GUARD'
  | 'LOCKED'
  | 'CURSOR_LOOP'
  | 'RUN_IN_PROGRESS'
  | 'STATE'
  | 'INTERNAL';

export interface RequestInfo {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
}

export class PropsyncError extends Error {
  readonly code: ErrorCode;
  readonly request: RequestInfo | undefined;
  /** Whether repeating the same call later may succeed. */
  readonly retryable: boolean;
  /** What the user can do about it, when the code alone does not say (the CLI prints it). */
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { request?: RequestInfo; retryable?: boolean; cause?: unknown; hint?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.request = options.request;
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
  }
}

/** A field-by-field validation failure (config, mapping, or an API's 400 with `errors`). */
export class ValidationError extends PropsyncError {
  readonly fieldErrors: Readonly<Record<string, readonly string[]>>;
  constructor(
    message: string,
    fieldErrors: Record<string, readonly string[]> = {},
    options: { request?: RequestInfo; code?: ErrorCode; cause?: unknown } = {},
  ) {
    super(options.code ?? 'VALIDATION', message, options);
    this.fieldErrors = fieldErrors;
  }
}

export class NotFoundError extends PropsyncError {
  constructor(message: string, request?: RequestInfo) {
    super('NOT_FOUND', message, request ? { request } : {});
  }
}

/** What a 409 (other than a stale etag) is about, as far as its problem body says. */
export type ConflictKind = 'duplicate-email' | 'duplicate-ref' | 'other';

export class ConflictError extends PropsyncError {
  readonly kind: ConflictKind;
  constructor(message: string, request?: RequestInfo, kind: ConflictKind = 'other') {
    super('CONFLICT', message, request ? { request } : {});
    this.kind = kind;
  }
}

export class PreconditionFailedError extends PropsyncError {
  constructor(message: string, request?: RequestInfo) {
    super('PRECONDITION_FAILED', message, request ? { request } : {});
  }
}

/**
 * A write answered 2xx but the returned record lacks what was written (a member the request
 * does not take, or a value the server changed). Retryable: the next run re-plans it.
 */
export class WriteNotAppliedError extends PropsyncError {
  constructor(message: string, request?: RequestInfo) {
    super('WRITE_NOT_APPLIED', message, { ...(request ? { request } : {}), retryable: true });
  }
}

export class UnauthorizedError extends PropsyncError {
  constructor(message: string, request?: RequestInfo) {
    super('UNAUTHORIZED', message, request ? { request } : {});
  }
}

export class RateLimitedError extends PropsyncError {
  /** Milliseconds the server asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    retryAfterMs: number | undefined,
    request?: RequestInfo,
    code: ErrorCode = 'RATE_LIMITED',
  ) {
    super(code, message, { ...(request ? { request } : {}), retryable: code === 'RATE_LIMITED' });
    this.retryAfterMs = retryAfterMs;
  }
}

/** An API payload that does not match its schema: names the record and the JSON path. */
export class PayloadError extends PropsyncError {
  readonly recordId: string | undefined;
  readonly jsonPath: string;
  constructor(message: string, jsonPath: string, recordId?: string, request?: RequestInfo) {
    super('PAYLOAD_INVALID', message, request ? { request } : {});
    this.jsonPath = jsonPath;
    this.recordId = recordId;
  }
}

/**
 * The state store holds another account's state: links, shadows and checkpoints that name
 * records of the account it was first used with. Running against this one would send that
 * account's ids here (deletes included), so the run refuses.
 */
export class AccountMismatchError extends PropsyncError {
  /** Which API's account differs: 'propstreet' or the CRM's kind. */
  readonly api: string;
  readonly bound: string;
  readonly current: string;
  constructor(message: string, api: string, bound: string, current: string) {
    super('ACCOUNT_MISMATCH', message);
    this.api = api;
    this.bound = bound;
    this.current = current;
  }
}

export function isPropsyncError(e: unknown): e is PropsyncError {
  return e instanceof PropsyncError;
}

const TRANSIENT: ReadonlySet<ErrorCode> = new Set(['RATE_LIMITED', 'SERVER_ERROR', 'NETWORK', 'TIMEOUT']);

/**
 * An error of the service, not of the record (a 5xx, a 429, a timeout, a dropped connection):
 * a record failing with it is retried without limit, never quarantined for it.
 */
export function isTransient(e: unknown): boolean {
  return isPropsyncError(e) && TRANSIENT.has(e.code);
}
