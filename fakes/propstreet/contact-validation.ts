/**
 * Validates a create / PATCH / upsert body the way the reference describes it: members the
 * operation's request model does not have are ignored (never rejected, never applied), `null`
 * clears, and each problem is reported per field (`errors.email`,
 * `errors["externalRefs[0].namespace"]`). Limits come from the request models
 * (UpsertContactRequest, CreateContactRequest) and the limits page.
 */
import type { FieldErrors, ValidWrite } from './contact-types.js';
import { externalRefsOf, NOT_AN_OBJECT, readBody, tagsOf } from './field-checks.js';

/** `ui` is a user in the Propstreet UI, who may edit every field (lists included). */
export type WriteMode = 'create' | 'patch' | 'upsert' | 'ui';

/**
 * Members each request model has. UpdateContactRequest (PATCH by id) has `email`/`phone` but
 * no `emails`/`phones` lists; UpsertContactRequest has the lists but no `externalRefs` and no
 * `linkedInUrl` (docs.propstreet.com/api-reference/model/UpdateContactRequest and
 * …/UpsertContactRequest). CreateContactRequest is not fully shown: everything is taken.
 */
const ALL_MEMBERS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'linkedInUrl',
  'emails',
  'phones',
  'primaryLanguage',
  'tags',
  'strategy',
  'externalRefs',
] as const;
const without = (...drop: string[]) => new Set<string>(ALL_MEMBERS.filter((m) => !drop.includes(m)));
const REQUEST_MEMBERS: Record<WriteMode, ReadonlySet<string>> = {
  create: without(),
  patch: without('emails', 'phones'),
  upsert: without('externalRefs', 'linkedInUrl'),
  ui: without(),
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LANGUAGE = /^[a-z]{2}$/i;

interface Limits {
  name: number;
  email: number;
  phone: number;
}

const LIMITS: Record<WriteMode, Limits> = {
  create: { name: 255, email: 255, phone: 50 },
  patch: { name: 255, email: 255, phone: 50 },
  upsert: { name: 100, email: 254, phone: 20 },
  ui: { name: 255, email: 255, phone: 50 },
};

type Result = { ok: true; write: ValidWrite } | { ok: false; errors: FieldErrors };

/**
 * `ignore` names members the server drops on top of the model's own (a fault knob: a write
 * that silently does not take).
 */
export function validateWrite(
  body: unknown,
  mode: WriteMode,
  ignore: ReadonlySet<string> = new Set(),
): Result {
  const reader = readBody(body, REQUEST_MEMBERS[mode], ignore);
  if (!reader) return { ok: false, errors: NOT_AN_OBJECT };
  const { input, errors, fail, text } = reader;
  const write: ValidWrite = {};
  const limits = LIMITS[mode];
  const set = <K extends keyof ValidWrite>(key: K, value: ValidWrite[K] | undefined) => {
    if (value !== undefined) write[key] = value;
  };
  const emailCheck = (v: string) => (EMAIL.test(v) ? null : 'The email field is not a valid e-mail address.');

  set('firstName', text('firstName', limits.name));
  set('lastName', text('lastName', limits.name));
  set('email', text('email', limits.email, emailCheck));
  set('phone', text('phone', limits.phone));
  set('linkedInUrl', text('linkedInUrl', 500));
  set('strategy', text('strategy', 4000));
  const language = text('primaryLanguage', 10, (v) =>
    LANGUAGE.test(v) ? null : 'primaryLanguage must be an ISO 639-1 code such as "en" or "sv".',
  );
  set('primaryLanguage', typeof language === 'string' ? language.toLowerCase() : language);

  if ('emails' in input) set('emails', entries(input.emails, 'emails', 'address', 254, fail, emailCheck));
  if ('phones' in input) set('phones', entries(input.phones, 'phones', 'number', 30, fail));
  if ('tags' in input) set('tags', tagsOf(input.tags, fail));
  if ('externalRefs' in input) set('externalRefs', externalRefsOf(input.externalRefs, fail));
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, write };
}

type Entry<K extends string> = { [P in K]: string } & { type: string | null };

/** An item's problem as [field, message], or null when it is fine. */
function entryProblem(
  item: unknown,
  path: string,
  key: string,
  max: number,
  check?: (v: string) => string | null,
) {
  if (item === null || typeof item !== 'object') return [path, 'Must be an object.'] as const;
  const rec = item as Record<string, unknown>;
  const v = rec[key];
  const type = rec.type ?? null;
  if (typeof v !== 'string' || v.length === 0)
    return [`${path}.${key}`, `The ${key} field is required.`] as const;
  if (v.length > max) return [`${path}.${key}`, `Must be at most ${max} characters.`] as const;
  const problem = check?.(v);
  if (problem) return [`${path}.${key}`, problem] as const;
  if (type !== null && (typeof type !== 'string' || type.length > 20))
    return [`${path}.type`, 'type must be a string of at most 20 characters or null.'] as const;
  return null;
}

function entries<K extends 'address' | 'number'>(
  value: unknown,
  field: string,
  key: K,
  max: number,
  fail: (field: string, message: string) => void,
  check?: (v: string) => string | null,
): Entry<K>[] | null | undefined {
  if (value === null) return null;
  if (!Array.isArray(value)) return void fail(field, `${field} must be an array or null.`);
  const out: Entry<K>[] = [];
  for (const [i, item] of value.entries()) {
    const problem = entryProblem(item, `${field}[${i}]`, key, max, check);
    if (problem) {
      fail(problem[0], problem[1]);
      continue;
    }
    const rec = item as Record<string, string>;
    out.push({ [key]: rec[key], type: rec.type ?? null } as Entry<K>);
  }
  return out;
}

export { refKey } from './field-checks.js';
