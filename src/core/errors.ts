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
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'DAILY_LIMIT'
  | 'BUDGET_EXHAUSTED'
  | 'SERVER_ERROR'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'SETUP_REQUIRED'
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

export class ConflictError extends PropsyncError {
  constructor(message: string, request?: RequestInfo) {
    super('CONFLICT', message, request ? { request } : {});
  }
}

export class PreconditionFailedError extends PropsyncError {
  constructor(message: string, request?: RequestInfo) {
    super('PRECONDITION_FAILED', message, request ? { request } : {});
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

export function isPropsyncError(e: unknown): e is PropsyncError {
  return e instanceof PropsyncError;
}
