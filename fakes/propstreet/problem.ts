/** RFC 7807 answers as Propstreet sends them: `type, title, status, detail, instance` (+ `errors`). */
import type { FakeResponse } from '../shared/http-fake.js';
import type { FieldErrors } from './contact-types.js';

const TITLES: Record<number, [slug: string, title: string]> = {
  400: ['validation-error', 'Validation Error'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not Found'],
  405: ['method-not-allowed', 'Method Not Allowed'],
  409: ['conflict', 'Conflict'],
  412: ['precondition-failed', 'Precondition Failed'],
  413: ['payload-too-large', 'Payload Too Large'],
  428: ['precondition-required', 'Precondition Required'],
  429: ['rate-limited', 'Too Many Requests'],
  500: ['server-error', 'Internal Server Error'],
};

export function problem(
  status: number,
  detail: string,
  instance: string,
  extra: { errors?: FieldErrors; headers?: Record<string, string>; type?: string } = {},
): FakeResponse {
  const [statusSlug, title] = TITLES[status] ?? ['error', 'Error'];
  const slug = extra.type ?? statusSlug;
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...(extra.headers ?? {}) },
    body: {
      // The guides show the RFC link as `type`; the changelog names /help/<slug> pages.
      type:
        status === 400 ? 'https://tools.ietf.org/html/rfc7807' : `https://app.propstreet.com/help/${slug}`,
      title,
      status,
      detail,
      instance,
      ...(extra.errors ? { errors: extra.errors } : {}),
    },
  };
}

export function validationProblem(instance: string, errors: FieldErrors, detail?: string): FakeResponse {
  const first = Object.values(errors)[0]?.[0];
  return problem(400, detail ?? first ?? 'One or more validation errors occurred.', instance, { errors });
}
