/**
 * Config problems: collected from every stage (YAML, env, schema, rules) and thrown together
 * as one ValidationError, one line per problem, compiler style, so an editor can jump to it.
 */
import { ValidationError } from '../core/errors.js';
import { redactText } from '../core/redact.js';

export type PathSegment = string | number;

/** A problem at a key path; `at: 'key'` points at the key itself (unknown keys). */
export interface ConfigProblem {
  readonly path: readonly PathSegment[];
  /** "expected …, got …" */
  readonly message: string;
  readonly at?: 'key' | 'value';
}

export interface LocatedProblem {
  readonly line: number;
  readonly col: number;
  readonly key: string;
  readonly message: string;
}

/** `connections[0].deletes.maxShare`; the document itself is `(top level)`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(top level)' : out;
}

/** A value as shown after "got": short, typed, and never a secret's content. */
export function describeValue(value: unknown, secret = false): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (secret) return 'a hidden string';
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a timestamp';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PathSegment, unknown>)[seg];
  }
  return cur;
}

function formatProblem(file: string, p: LocatedProblem): string {
  return `${file}:${p.line}:${p.col} ${p.key}: ${p.message}`;
}

export function configError(file: string, problems: readonly LocatedProblem[]): ValidationError {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col || a.key.localeCompare(b.key));
  const lines = sorted.map((p) => redactText(formatProblem(file, p)));
  // No prototype: a key named __proto__ in a hostile file must stay an ordinary key.
  const fieldErrors: Record<string, string[]> = Object.create(null);
  for (const p of sorted) {
    const list = fieldErrors[p.key] ?? [];
    list.push(redactText(p.message));
    fieldErrors[p.key] = list;
  }
  return new ValidationError(lines.join('\n'), fieldErrors, { code: 'CONFIG_INVALID' });
}
