/**
 * Problems in a YAML (or already parsed) document, shared by the tenant config and mapping
 * loaders: a key path, a message that says what was expected and what was found, and the
 * one-line form every such error takes, `file:line:col key.path: expected …, got …`.
 */

export type PathSegment = string | number;
export type KeyPath = readonly PathSegment[];

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

/** A problem at a key path; `at: 'key'` points at the key itself (unknown keys), not its value. */
export interface Problem {
  readonly path: KeyPath;
  /** "expected …, got …" */
  readonly message: string;
  readonly at?: 'key' | 'value';
}

/** A problem whose place is already known, as `line:col` and a key text (YAML syntax errors). */
export interface LocatedProblem extends Position {
  /** A formatted key path, or `(syntax)`. */
  readonly key: string;
  readonly message: string;
}

/** `connections[0].deletes.maxShare`; the document itself is `(top level)`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(top level)' : out;
}

/** `file:line:col key`, or `file key` when the place has no position (data that was never text). */
export function formatWhere(name: string, position: Position | undefined, key: string): string {
  return `${position ? `${name}:${position.line}:${position.col}` : name} ${key}`;
}

/** One line per problem, compiler style, so an editor can jump to it. */
export function formatLocated(name: string, p: LocatedProblem): string {
  return `${formatWhere(name, p, p.key)}: ${p.message}`;
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
  if (typeof value === 'number' || typeof value === 'boolean')
    return secret ? `a hidden ${typeof value}` : String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a timestamp';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

export function valueAt(data: unknown, path: KeyPath): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PathSegment, unknown>)[seg];
  }
  return cur;
}
