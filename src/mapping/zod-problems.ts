/**
 * Turns zod issues into one-line problems that say what was expected and what was found,
 * in the words of the mapping file, not of zod.
 */
import type { z } from 'zod';
import type { KeyPath, Problem, ProblemSource } from './problem-source.js';

/** How a value reads in a message: strings quoted, lists and maps named. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (value === '') return 'an empty string';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  int: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function valueAt(data: unknown, path: KeyPath): unknown {
  let v = data;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return (
    known.find((k) => k.toLowerCase() === lower) ??
    known.find((k) => editDistance(k.toLowerCase(), lower) <= 2)
  );
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function typeReason(expected: string, got: unknown): string {
  const what = EXPECTED[expected] ?? expected;
  if (got === undefined) return `missing, expected ${what}`;
  let hint = '';
  if (expected === 'string' && (Array.isArray(got) || typeof got === 'object')) {
    hint = ' (quote values that start with [ or {)';
  } else if (expected === 'string' && got !== null) {
    hint = ' (quote it)';
  }
  return `expected ${what}, got ${describe(got)}${hint}`;
}

export function zodProblems(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  source: ProblemSource,
  knownKeys: (path: KeyPath) => readonly string[],
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    const got = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(path);
        for (const key of issue.keys) {
          const guess = closest(key, known);
          const reason = guess
            ? `unknown key "${key}", did you mean "${guess}"?`
            : `unknown key "${key}", expected one of ${known.join(', ')}`;
          out.push({ source, path: [...path, key], reason, onKey: true });
        }
        break;
      }
      case 'invalid_type':
        out.push({ source, path, reason: typeReason(issue.expected, got) });
        break;
      case 'invalid_value':
        out.push({
          source,
          path,
          reason: `expected one of ${issue.values.map(String).join(' | ')}, got ${describe(got)}`,
        });
        break;
      case 'too_small':
        out.push({
          source,
          path,
          reason:
            issue.origin === 'array'
              ? `expected at least ${issue.minimum} entr${issue.minimum === 1 ? 'y' : 'ies'}, got none`
              : `expected a number ≥ ${issue.minimum}, got ${describe(got)}`,
        });
        break;
      default:
        // Custom messages set on the schema already read "expected …".
        out.push({ source, path, reason: `${issue.message}, got ${describe(got)}` });
    }
  }
  return out;
}
