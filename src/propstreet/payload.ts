/**
 * Validation of what Propstreet sends back, at the boundary: malformed JSON and schema
 * mismatches become PayloadErrors naming the JSON path (`data[3].updatedUtc`) and the record.
 */
import type { z } from 'zod';
import { PayloadError } from '../core/errors.js';
import { type Company, companySchema } from './company-schema.js';
import type { Answer } from './http.js';
import { type Link, linkSchema } from './link-schema.js';
import { headerOf } from './rate-limiter.js';
import { type Contact, contactSchema } from './schema.js';

function jsonPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out.length === 0 ? '$' : out;
}

export function parseJson(answer: Answer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch (e) {
    throw new PayloadError(
      `Propstreet ${answer.request.method} ${answer.request.path} sent a body that is not JSON: ${(e as Error).message}`,
      '$',
      undefined,
      answer.request,
    );
  }
}

export function firstIssue(error: z.ZodError, prefix = ''): { path: string; message: string } {
  const issue = error.issues[0];
  return { path: jsonPath(issue?.path ?? [], prefix), message: issue?.message ?? 'invalid' };
}

export function idOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** One record from a single-resource answer; the `ETag` header fills a missing `etag`. */
function recordFrom<T extends { etag?: string | null | undefined }>(
  answer: Answer,
  schema: z.ZodType<T>,
  noun: string,
): T {
  const raw = parseJson(answer);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw new PayloadError(
      `Propstreet ${answer.request.method} ${answer.request.path} sent an invalid ${noun} at ${path}: ${message}`,
      path,
      idOf(raw),
      answer.request,
    );
  }
  const etag = headerOf(answer.headers, 'etag');
  return parsed.data.etag == null && etag !== undefined ? { ...parsed.data, etag } : parsed.data;
}

export const contactFrom = (answer: Answer): Contact => recordFrom(answer, contactSchema, 'contact');
export const companyFrom = (answer: Answer): Company => recordFrom(answer, companySchema, 'company');
export const linkFrom = (answer: Answer): Link => recordFrom(answer, linkSchema, 'link');
