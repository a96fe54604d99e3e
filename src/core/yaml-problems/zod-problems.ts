/**
 * Turns zod issues into "expected …, got …" problems, in the words of the file and not of
 * zod. The "got" part is read from the data at the issue's path (zod does not report missing
 * values), hidden for secrets. Messages a schema sets itself start with "expected" and are used
 * as they are. An unknown key gets one problem, pointing at the key, with a "did you mean"
 * from the keys the schema allows there (did-you-mean.ts), or the list of them; a value outside
 * an enum gets a "did you mean" from the enum's values.
 */
import { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { describeValue, type KeyPath, type PathSegment, type Problem, valueAt } from './problem.js';

type Issue = z.core.$ZodIssue;

export interface ZodProblemOptions {
  /** The schema the data was checked against: where unknown keys look for the known ones. */
  readonly schema: z.ZodType;
  /** Values at these paths are never shown ("got a hidden string"). */
  readonly isSecret?: (path: KeyPath) => boolean;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

export function zodProblems(issues: readonly Issue[], data: unknown, options: ZodProblemOptions): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((k): k is PathSegment => typeof k !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(options.schema, data, path);
      for (const key of issue.keys) {
        problems.push({ path: [...path, key], message: unknownKeyMessage(key, known), at: 'key' });
      }
      continue;
    }
    const value = valueAt(data, path);
    const secret = options.isSecret?.(path) ?? false;
    const got = path.length === 0 && value == null ? 'an empty file' : describeValue(value, secret);
    // A secret belongs in the environment, not in quotes: no hint that would suggest otherwise.
    const hint = secret ? '' : quoteHint(issue, value) || valueSuggestion(issue, value);
    problems.push({ path, message: `${expected(issue)}, got ${got}${hint}` });
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
      return `expected ${bound(issue.origin, issue.inclusive ? '≥' : '>', 'at least', Number(issue.minimum))}`;
    case 'too_big':
      return `expected ${bound(issue.origin, issue.inclusive ? '≤' : '<', 'at most', Number(issue.maximum))}`;
    case 'invalid_format':
      return `expected a valid ${issue.format}`;
    default:
      return `expected a valid value (${issue.message})`;
  }
}

function bound(origin: string, compare: string, words: string, n: number): string {
  if (origin === 'array' || origin === 'set') return `${words} ${n} entr${n === 1 ? 'y' : 'ies'}`;
  if (origin === 'string') return `${words} ${n} character${n === 1 ? '' : 's'}`;
  return `a number ${compare} ${n}`;
}

/** YAML reads `[unknown]` as a list and `62.0` as a number; quotes make them the string meant. */
function quoteHint(issue: Issue, value: unknown): string {
  if (issue.code !== 'invalid_type' || issue.expected !== 'string' || value == null) return '';
  return typeof value === 'object' ? ' (quote values that start with [ or {)' : ' (quote it)';
}

/** A value that is a typo of an allowed one gets the "did you mean" unknown keys get. */
function valueSuggestion(issue: Issue, value: unknown): string {
  if (issue.code !== 'invalid_value' || typeof value !== 'string') return '';
  const guess = didYouMean(
    value,
    issue.values.filter((v): v is string => typeof v === 'string'),
  );
  return guess === undefined || guess === value ? '' : ` (did you mean "${guess}"?)`;
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = didYouMean(key, known);
  if (guess) return `expected a known key, got unknown key "${key}" (did you mean "${guess}"?)`;
  if (known.length === 0) return `expected no such key, got unknown key "${key}"`;
  return `expected one of ${known.join(', ')}, got unknown key "${key}"`;
}

/** The keys the schema allows for the object at `path` (union members picked by the data). */
function knownKeys(schema: z.ZodType, data: unknown, path: KeyPath): string[] {
  let cur: z.ZodType | undefined = schema;
  for (let i = 0; i <= path.length && cur; i++) {
    cur = unwrap(cur);
    if (cur instanceof z.ZodDiscriminatedUnion) {
      const discriminator = (cur.def as { discriminator: string }).discriminator;
      const tag = valueAt(data, [...path.slice(0, i), discriminator]);
      const member = (cur.options as z.ZodType[]).find((o) => literalOf(o, discriminator) === tag);
      cur = member ? unwrap(member) : undefined;
    }
    if (i === path.length) break;
    const seg = path[i];
    if (cur instanceof z.ZodObject && typeof seg === 'string')
      cur = (cur.shape as Record<string, z.ZodType>)[seg];
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else if (cur instanceof z.ZodRecord) cur = cur.valueType as z.ZodType;
    else cur = undefined;
  }
  return cur instanceof z.ZodObject ? Object.keys(cur.shape) : [];
}

function literalOf(schema: z.ZodType, key: string): unknown {
  const object = unwrap(schema);
  if (!(object instanceof z.ZodObject)) return undefined;
  const field = (object.shape as Record<string, z.ZodType>)[key];
  return field instanceof z.ZodLiteral ? field.value : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let cur = schema;
  while (
    cur instanceof z.ZodOptional ||
    cur instanceof z.ZodNullable ||
    cur instanceof z.ZodDefault ||
    cur instanceof z.ZodPrefault
  ) {
    cur = cur.unwrap() as z.ZodType;
  }
  return cur;
}
