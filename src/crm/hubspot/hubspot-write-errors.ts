/** Batch errors and whole-batch failures as the port's per-record WriteError. */
import type { PropsyncError } from '../../core/errors.js';
import type { WriteError } from '../port.js';
import { existingIdOf, type HubSpotErrorBody, propertyIssues, responseInfo } from './hubspot-error-body.js';

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
    // A taken email: CONFLICT in older answers, OBJECT_ALREADY_EXISTS (error CONTACT_EXISTS) in
    // newer ones (docs/VENDOR-BEHAVIOUR.md H11, H50); either names the existing record.
    case 'CONFLICT':
    case 'OBJECT_ALREADY_EXISTS': {
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
