/**
 * Field checks every write body shares (contacts, companies, links): a JSON-object body cut
 * down to its request model's members, nullable text with a length limit, tags and external
 * refs under the limits page's caps. Problems are collected per field (`errors.name`,
 * `errors["externalRefs[0].namespace"]`), as the reference's validation problems show them.
 */
import type { FakeExternalRef, FieldErrors } from './contact-types.js';

const MAX_TAGS = 100;
const MAX_REFS = 50;

export type Fail = (field: string, message: string) => void;

export interface BodyReader {
  /** The members the request model has (unknown ones dropped without a word). */
  readonly input: Readonly<Record<string, unknown>>;
  readonly errors: FieldErrors;
  readonly fail: Fail;
  /** Absent → undefined, null → null, a string within `max` passing `check` → it; else a field error. */
  text(field: string, max: number, check?: (v: string) => string | null): string | null | undefined;
}

export const NOT_AN_OBJECT: FieldErrors = { $: ['The request body must be a JSON object.'] };

/** Null when the body is not a JSON object. */
export function readBody(
  body: unknown,
  members: ReadonlySet<string>,
  ignore: ReadonlySet<string>,
): BodyReader | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const errors: FieldErrors = {};
  const fail: Fail = (field, message) => {
    const list = errors[field] ?? [];
    list.push(message);
    errors[field] = list;
  };
  const input = Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(([k]) => members.has(k) && !ignore.has(k)),
  );
  const text = (field: string, max: number, check?: (v: string) => string | null) => {
    if (!(field in input)) return undefined;
    const v = input[field];
    if (v === null) return null;
    if (typeof v !== 'string') return void fail(field, `The field ${field} must be a string or null.`);
    if (v.length > max) return void fail(field, `The field ${field} must be at most ${max} characters.`);
    const problem = check?.(v);
    if (problem) return void fail(field, problem);
    return v;
  };
  return { input, errors, fail, text };
}

export function tagsOf(value: unknown, fail: Fail): string[] | null | undefined {
  if (value === null) return null;
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string'))
    return void fail('tags', 'tags must be an array of strings.');
  if (value.length > MAX_TAGS) return void fail('tags', `At most ${MAX_TAGS} tags per entity.`);
  return value as string[];
}

export function externalRefsOf(value: unknown, fail: Fail): FakeExternalRef[] | undefined {
  // The request models give `array | null`, and a null field is cleared (P5, P18, P25): no refs.
  if (value === null) return [];
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
