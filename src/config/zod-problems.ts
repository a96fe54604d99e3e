/**
 * Turns zod issues into "expected …, got …" problems. The "got" part is read from the data
 * at the issue's path (zod does not report missing values), hidden for secrets. Unknown keys
 * get one problem each, pointing at the key, with a "did you mean" from the schema's keys.
 */
import { z } from 'zod';
import { type ConfigProblem, describeValue, type PathSegment, valueAt } from './config-problems.js';

type Issue = z.core.$ZodIssue;

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

export function zodProblems(
  issues: readonly Issue[],
  data: unknown,
  schema: z.ZodType,
  isSecret: (path: readonly PathSegment[]) => boolean,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, data, path);
      for (const key of issue.keys) {
        problems.push({ path: [...path, key], message: unknownKeyMessage(key, known), at: 'key' });
      }
      continue;
    }
    const value = valueAt(data, path);
    const got = path.length === 0 && value == null ? 'an empty file' : describeValue(value, isSecret(path));
    problems.push({ path, message: `${expected(issue)}, got ${got}` });
  }
  return problems;
}

function expected(issue: Issue): string {
  if (issue.message.startsWith('expected ')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map(String).join(' | ')}`;
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options)
        ? `expected one of ${issue.options.map(String).join(' | ')}`
        : 'expected one of the allowed shapes';
    case 'too_small':
      return `expected ${issue.origin === 'array' ? 'at least' : issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `expected ${issue.origin === 'array' ? 'at most' : issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}`;
    case 'invalid_format':
      return `expected a valid ${issue.format}`;
    default:
      return `expected a valid value (${issue.message})`;
  }
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closest(key, known);
  if (guess) return `expected a known key, got unknown key "${key}" (did you mean "${guess}"?)`;
  if (known.length === 0) return `expected no such key, got unknown key "${key}"`;
  return `expected one of ${known.join(', ')}, got unknown key "${key}"`;
}

/** The keys the schema allows for the object at `path` (picking union members by `type`). */
function knownKeys(schema: z.ZodType, data: unknown, path: readonly PathSegment[]): string[] {
  let cur: z.ZodType | undefined = schema;
  for (let i = 0; i <= path.length && cur; i++) {
    cur = unwrap(cur);
    if (cur instanceof z.ZodDiscriminatedUnion) {
      const type = valueAt(data, [...path.slice(0, i), 'type']);
      const member = (cur.options as z.ZodType[]).find((o) => literalOf(o, 'type') === type);
      cur = member ? unwrap(member) : undefined;
    }
    if (i === path.length) break;
    const seg = path[i];
    if (cur instanceof z.ZodObject && typeof seg === 'string')
      cur = (cur.shape as Record<string, z.ZodType>)[seg];
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else cur = undefined;
  }
  return cur instanceof z.ZodObject ? Object.keys(cur.shape) : [];
}

function literalOf(schema: z.ZodType, key: string): unknown {
  if (!(schema instanceof z.ZodObject)) return undefined;
  const field = (schema.shape as Record<string, z.ZodType>)[key];
  return field instanceof z.ZodLiteral ? field.value : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let cur = schema;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodPrefault) {
    cur = cur.unwrap() as z.ZodType;
  }
  return cur;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
