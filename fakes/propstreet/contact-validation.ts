/**
 * Validates a create / PATCH / upsert body the way the reference describes it: members the
 * operation's request model does not have are ignored (never rejected, never applied), `null`
 * clears, and each problem is reported per field (`errors.email`,
 * `errors["externalRefs[0].namespace"]`). Limits come from the request models
 * (UpsertContactRequest, CreateContactRequest) and the limits page.
 */
import type { FakeExternalRef, FieldErrors, ValidWrite } from './contact-types.js';

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

const MAX_TAGS = 100;
const MAX_REFS = 50;

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
  const errors: FieldErrors = {};
  const fail = (field: string, message: string) => {
    const list = errors[field] ?? [];
    list.push(message);
    errors[field] = list;
  };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: { $: ['The request body must be a JSON object.'] } };
  }
  const members = REQUEST_MEMBERS[mode];
  const input = Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(([k]) => members.has(k) && !ignore.has(k)),
  );
  const write: ValidWrite = {};
  const limits = LIMITS[mode];

  const text = (field: keyof ValidWrite & string, max: number, check?: (v: string) => string | null) => {
    if (!(field in input)) return undefined;
    const v = input[field];
    if (v === null) return null;
    if (typeof v !== 'string') return void fail(field, `The field ${field} must be a string or null.`);
    if (v.length > max) return void fail(field, `The field ${field} must be at most ${max} characters.`);
    const problem = check?.(v);
    if (problem) return void fail(field, problem);
    return v;
  };
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
  if ('tags' in input) {
    const tags = input.tags;
    if (tags === null) write.tags = null;
    else if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
      fail('tags', 'tags must be an array of strings.');
    else if (tags.length > MAX_TAGS) fail('tags', `At most ${MAX_TAGS} tags per entity.`);
    else write.tags = tags as string[];
  }
  if ('externalRefs' in input) {
    const refs = externalRefs(input.externalRefs, fail);
    if (refs) write.externalRefs = refs;
  }
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

function externalRefs(
  value: unknown,
  fail: (field: string, message: string) => void,
): FakeExternalRef[] | undefined {
  if (!Array.isArray(value)) return void fail('externalRefs', 'externalRefs must be an array.');
  if (value.length > MAX_REFS)
    return void fail('externalRefs', `At most ${MAX_REFS} external refs per entity.`);
  const seen = new Set<string>();
  const out: FakeExternalRef[] = [];
  let bad = false;
  for (const [i, item] of value.entries()) {
    const path = `externalRefs[${i}]`;
    const { namespace, id } = (item ?? {}) as Record<string, unknown>;
    let problem: [string, string] | undefined;
    if (typeof namespace !== 'string' || namespace.length === 0 || namespace.length > 50)
      problem = [`${path}.namespace`, 'namespace is required and must be at most 50 characters.'];
    else if (typeof id !== 'string' || id.length === 0 || id.length > 255)
      problem = [`${path}.id`, 'id is required and must be at most 255 characters.'];
    else if (seen.has(refKey(namespace, id))) problem = [path, `Duplicate external ref ${namespace}/${id}.`];
    if (problem || typeof namespace !== 'string' || typeof id !== 'string') {
      bad = true;
      if (problem) fail(problem[0], problem[1]);
      continue;
    }
    seen.add(refKey(namespace, id));
    out.push({ namespace, id });
  }
  return bad ? undefined : out;
}

/** Namespaces match case-insensitively, ids case-sensitively. */
export function refKey(namespace: string, id: string): string {
  return `${namespace.toLowerCase()}\u0000${id}`;
}
