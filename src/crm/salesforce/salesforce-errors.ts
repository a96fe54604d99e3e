/**
 * Salesforce failures → the project's typed errors. jsforce throws an Error whose `errorCode`
 * (and `name`) is Salesforce's `errorCode`, or `ERROR_HTTP_<status>` for a non-JSON body, and
 * node-fetch's `FetchError` (with a socket `code`) for transport failures. Collections report
 * per-record errors as `{statusCode, message, fields}`, mapped to the port's WriteError.
 */
import {
  NotFoundError,
  PreconditionFailedError,
  PropsyncError,
  RateLimitedError,
  type RequestInfo,
  UnauthorizedError,
  ValidationError,
} from '../../core/errors.js';
import type { WriteError, WriteErrorCode } from '../port.js';
import { SOBJECTS, type SObjectDescriptor } from './sobject.js';

interface JsforceError {
  readonly name?: string;
  readonly errorCode?: string;
  readonly message?: string;
  readonly code?: string;
  readonly data?: unknown;
}

const INVALID_REQUEST = new Set([
  'MALFORMED_QUERY',
  'INVALID_FIELD',
  'INVALID_TYPE',
  'INVALID_QUERY_FILTER_OPERATOR',
  'INVALID_QUERY_LOCATOR',
  'JSON_PARSER_ERROR',
  'EXCEEDED_ID_LIMIT',
  'MALFORMED_ID',
  'INVALID_FIELD_FOR_INSERT_UPDATE',
  'INVALID_HEADER_TYPE',
]);

function crmCodeOf(e: JsforceError): string {
  const code = e.errorCode ?? '';
  if (code === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data)) {
    const first = e.data[0] as { errorCode?: unknown } | undefined;
    if (typeof first?.errorCode === 'string') return first.errorCode;
  }
  return code;
}

const RECORD_CODES: Readonly<
  Record<string, { code: WriteErrorCode; retryable: boolean; untilChanged?: true }>
> = {
  DUPLICATE_VALUE: { code: 'duplicate', retryable: false },
  // A duplicate rule's verdict depends on the record's data: the same write gets the same answer.
  DUPLICATES_DETECTED: { code: 'duplicate', retryable: false, untilChanged: true },
  // The contact is in use (cases, a portal user): no retry deletes it until that changes.
  DELETE_FAILED: { code: 'invalid', retryable: false, untilChanged: true },
  DUPLICATE_EXTERNAL_ID: { code: 'duplicate', retryable: false },
  REQUIRED_FIELD_MISSING: { code: 'required-missing', retryable: false },
  ENTITY_IS_DELETED: { code: 'not-found', retryable: false },
  INVALID_CROSS_REFERENCE_KEY: { code: 'not-found', retryable: false },
  MALFORMED_ID: { code: 'not-found', retryable: false },
  NOT_FOUND: { code: 'not-found', retryable: false },
  STRING_TOO_LONG: { code: 'invalid', retryable: false },
  INVALID_EMAIL_ADDRESS: { code: 'invalid', retryable: false },
  FIELD_CUSTOM_VALIDATION_EXCEPTION: { code: 'invalid', retryable: false },
  FIELD_INTEGRITY_EXCEPTION: { code: 'invalid', retryable: false },
  INVALID_FIELD: { code: 'invalid', retryable: false },
  INVALID_FIELD_FOR_INSERT_UPDATE: { code: 'invalid', retryable: false },
  INVALID_TYPE_ON_FIELD_IN_RECORD: { code: 'invalid', retryable: false },
  JSON_PARSER_ERROR: { code: 'invalid', retryable: false },
  PRECONDITION_FAILED: { code: 'conflict', retryable: false },
  UNABLE_TO_LOCK_ROW: { code: 'server', retryable: true },
  REQUEST_LIMIT_EXCEEDED: { code: 'rate-limited', retryable: true },
};

export function toPropsyncError(error: unknown, request: RequestInfo): PropsyncError {
  if (error instanceof PropsyncError) return error;
  const e = (error ?? {}) as JsforceError;
  const code = crmCodeOf(e);
  const status = Number(/^ERROR_HTTP_(\d{3})$/.exec(code)?.[1] ?? 0);
  const text = `Salesforce ${request.method} ${request.path}: ${code ? `${code}: ` : ''}${e.message ?? String(error)}`;
  const opts = { request, cause: error };
  if (/Unable to refresh session/.test(e.message ?? '')) {
    // jsforce's wording for a refresh that failed: the grant is gone, not just the session.
    return new UnauthorizedError(
      `${text} (refreshing the session failed; a refused refresh token means the connected app's access was revoked or the token expired: authorise the integration user again and put the new refresh token in the environment)`,
      request,
    );
  }
  if (code === 'INVALID_SESSION_ID' || status === 401) {
    return new UnauthorizedError(
      `${text} (the access token is invalid or expired; configure refreshToken and clientId so it can be refreshed)`,
      request,
    );
  }
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    // The same code covers the concurrent long-request cap, which passes within seconds.
    if (/ConcurrentPerOrgLongTxn|concurrent/i.test(e.message ?? ''))
      return new RateLimitedError(text, undefined, request);
    return new RateLimitedError(
      `${text} (the org's rolling 24-hour API request limit is used up; the run stops here)`,
      undefined,
      request,
      'DAILY_LIMIT',
    );
  }
  if (status === 429) return new RateLimitedError(text, undefined, request);
  if (code === 'UNABLE_TO_LOCK_ROW') return new PropsyncError('LOCKED', text, { ...opts, retryable: true });
  if (code === 'SERVER_UNAVAILABLE' || status >= 500) {
    return new PropsyncError('SERVER_ERROR', text, { ...opts, retryable: true });
  }
  if (code === 'NOT_FOUND' || code === 'ENTITY_IS_DELETED' || status === 404)
    return new NotFoundError(text, request);
  if (code === 'PRECONDITION_FAILED' || status === 412) return new PreconditionFailedError(text, request);
  if (code.startsWith('INSUFFICIENT_ACCESS') || code === 'API_DISABLED_FOR_ORG' || status === 403) {
    return new PropsyncError('FORBIDDEN', text, opts);
  }
  const asRecord = RECORD_CODES[code]?.code;
  if (asRecord === 'not-found') return new NotFoundError(text, request);
  if (
    INVALID_REQUEST.has(code) ||
    status === 400 ||
    asRecord === 'invalid' ||
    asRecord === 'required-missing' ||
    asRecord === 'duplicate'
  ) {
    return new ValidationError(text, {}, opts);
  }
  if (e.name === 'FetchError' || e.name === 'AbortError') {
    const timeout = e.name === 'AbortError' || e.code === 'ETIMEDOUT';
    return new PropsyncError(timeout ? 'TIMEOUT' : 'NETWORK', text, { ...opts, retryable: true });
  }
  return new PropsyncError('INTERNAL', text, opts);
}

/** One per-record error as collections return it (`statusCode`) or a single-record call (`errorCode`). */
export interface SalesforceSaveError {
  readonly statusCode?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly message?: string | undefined;
  readonly fields?: readonly string[] | undefined;
  readonly duplicateResult?: {
    readonly duplicateRule?: string;
    readonly matchResults?: readonly {
      readonly matchRecords?: readonly { readonly record?: { readonly Id?: string } }[];
    }[];
  };
}

/**
 * The record a unique index clash names (DUPLICATE_VALUE "… on record with id: 003…"): the
 * same key, so the same person. A duplicate *rule*'s matches (DUPLICATES_DETECTED) are only
 * possible duplicates by fuzzy name or email: never offered for linking.
 */
function existingIdOf(e: SalesforceSaveError): string | undefined {
  if ((e.statusCode ?? e.errorCode) === 'DUPLICATES_DETECTED') return undefined;
  return /record with id: ([a-zA-Z0-9]{15,18})/.exec(e.message ?? '')?.[1];
}

function matchedIds(e: SalesforceSaveError): string[] {
  return (e.duplicateResult?.matchResults ?? []).flatMap((r) =>
    (r.matchRecords ?? []).flatMap((m) => (m.record?.Id ? [m.record.Id] : [])),
  );
}

/** What to do about a code the record cannot get past by retrying, said once in the message. */
function advice(e: SalesforceSaveError, object: SObjectDescriptor): string {
  const code = e.statusCode ?? e.errorCode;
  if (code === 'DUPLICATES_DETECTED') {
    const ids = matchedIds(e);
    const rule = e.duplicateResult?.duplicateRule;
    return ` (duplicate rule${rule ? ` ${rule}` : ''} matched ${ids.length ? ids.join(', ') : 'another record'}; not linked to it: merge the records in Salesforce, or set duplicateRules: allow to save past the rule's alert)`;
  }
  if (code === 'DELETE_FAILED') return ` (${object.deleteFailedAdvice})`;
  return '';
}

/**
 * A bad id is `not-found` when it is the record's own; when the error names another field (a
 * lookup such as `Contact.AccountId` pointing at a deleted or unknown Account), the record is
 * there and the value is what Salesforce refuses.
 */
function isLookupError(e: SalesforceSaveError | undefined, code: string): boolean {
  const lookupCodes = ['INVALID_CROSS_REFERENCE_KEY', 'MALFORMED_ID'];
  return lookupCodes.includes(code) && (e?.fields ?? []).some((f) => f.toLowerCase() !== 'id');
}

export function toWriteError(
  errors: readonly SalesforceSaveError[] | undefined,
  object: SObjectDescriptor = SOBJECTS.Contact,
): WriteError {
  const first = errors?.[0];
  const crmCode = first?.statusCode ?? first?.errorCode ?? 'UNKNOWN_EXCEPTION';
  const mapped = isLookupError(first, crmCode)
    ? { code: 'invalid' as const, retryable: false }
    : (RECORD_CODES[crmCode] ?? { code: 'unknown' as const, retryable: false });
  const existingId = first && mapped.code === 'duplicate' ? existingIdOf(first) : undefined;
  const fields = (errors ?? []).flatMap((e) => e.fields ?? []);
  const message = (errors ?? [])
    .map((e) => `${e.statusCode ?? e.errorCode}: ${(e.message ?? '').trim()}${advice(e, object)}`)
    .join('; ');
  return {
    code: mapped.code,
    message: message || crmCode,
    retryable: mapped.retryable,
    crmCode,
    ...(existingId ? { existingId } : {}),
    ...(fields.length ? { fields } : {}),
    ...(mapped.untilChanged ? { untilChanged: true } : {}),
  };
}

/** A whole call that failed, reported on each record it carried. */
export function callFailureToWriteError(e: PropsyncError): WriteError {
  const code: WriteErrorCode =
    e.code === 'RATE_LIMITED' || e.code === 'DAILY_LIMIT' || e.code === 'BUDGET_EXHAUSTED'
      ? 'rate-limited'
      : e.code === 'SERVER_ERROR' || e.code === 'NETWORK' || e.code === 'TIMEOUT' || e.code === 'LOCKED'
        ? 'server'
        : e.code === 'PRECONDITION_FAILED'
          ? 'conflict'
          : e.code === 'NOT_FOUND'
            ? 'not-found'
            : e.code === 'VALIDATION'
              ? 'invalid'
              : 'unknown';
  const retryable = code === 'rate-limited' || code === 'server' || e.retryable;
  return { code, message: e.message, retryable, crmCode: e.code };
}
