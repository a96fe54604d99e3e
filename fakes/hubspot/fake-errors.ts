/**
 * HubSpot's error bodies, in the shapes the SDK hands back as `ApiException.body`:
 * `{status:"error", message, correlationId, category, errors?, context?}`, and the 429 body
 * that carries `errorType` and `policyName` instead of a category.
 */
import { randomUUID } from 'node:crypto';
import type { FakeResponse } from '../shared/http-fake.js';

export interface ErrorDetail {
  readonly message: string;
  readonly code?: string;
  readonly in?: string;
  readonly context?: Record<string, string[]>;
}

/** One invalid property value, as HubSpot lists them inside a VALIDATION_ERROR message. */
export interface PropertyIssue {
  readonly name: string;
  /** HubSpot's code: PROPERTY_DOESNT_EXIST, READ_ONLY_VALUE, INVALID_EMAIL, INVALID_OPTION… */
  readonly error: string;
  readonly message: string;
}

export function errorBody(
  category: string,
  message: string,
  extra: { errors?: ErrorDetail[]; context?: Record<string, string[]>; subCategory?: string } = {},
): Record<string, unknown> {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

export function errorResponse(
  status: number,
  category: string,
  message: string,
  extra: { errors?: ErrorDetail[]; context?: Record<string, string[]>; subCategory?: string } = {},
): FakeResponse {
  return { status, body: errorBody(category, message, extra) };
}

/**
 * HubSpot embeds the per-property verdicts as JSON inside the message
 * ("Property values were not valid: [{…}]"); the fake also lists them under `errors`.
 */
export function propertyValidationError(issues: readonly PropertyIssue[]): FakeResponse {
  const embedded = issues.map((i) => ({
    isValid: false,
    message: i.message,
    error: i.error,
    name: i.name,
    localizedErrorMessage: i.message,
  }));
  return errorResponse(
    400,
    'VALIDATION_ERROR',
    `Property values were not valid: ${JSON.stringify(embedded)}`,
    {
      errors: issues.map((i) => ({ message: i.message, code: i.error, context: { propertyName: [i.name] } })),
    },
  );
}

export function badRequest(message: string, errors?: ErrorDetail[]): FakeResponse {
  return errorResponse(400, 'VALIDATION_ERROR', message, errors ? { errors } : {});
}

export function notFound(message = 'resource not found'): FakeResponse {
  return errorResponse(404, 'OBJECT_NOT_FOUND', message);
}

export function rateLimitBody(
  policyName: 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY',
): Record<string, unknown> {
  const message =
    policyName === 'DAILY'
      ? 'You have reached your daily limit.'
      : policyName === 'SECONDLY'
        ? 'You have reached your secondly limit.'
        : 'You have reached your ten_secondly_rolling limit.';
  return { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName };
}
