/**
 * Where a problem is: a source (a YAML file, or data that arrived inside another file, such as
 * a tenant's mapping overrides), a key path inside it, and the line:column when the source
 * kept positions.
 */
import { formatPath, formatWhere, type KeyPath, type Position, type Problem } from './problem.js';

export interface ProblemSource {
  /** A file path or a description such as `tenants/acme.yaml`. */
  readonly name: string;
  /** Where this data sits inside that file, e.g. `['connections', 0, 'mappingOverrides']`. */
  readonly prefix: KeyPath;
  /** 1-based position of the value at `path` (absolute, prefix included), or of its key (`onKey`). */
  position(path: KeyPath, onKey: boolean): Position | undefined;
}

/** A problem and the source its path is relative to (loaders that read more than one source). */
export interface SourcedProblem extends Problem {
  readonly source: ProblemSource;
}

/** `file:line:col key.path` (no line:col when the source has none), the part before the message. */
export function where(source: ProblemSource, path: KeyPath, onKey = false): string {
  const full = [...source.prefix, ...path];
  return formatWhere(source.name, source.position(full, onKey), formatPath(full));
}

/** `file:line:col key.path: message`. */
export function formatSourced(p: SourcedProblem): string {
  return `${where(p.source, p.path, p.at === 'key')}: ${p.message}`;
}

/** A source without positions (data that arrives already parsed), or with the caller's locator. */
export function plainSource(
  name: string,
  prefix: KeyPath = [],
  position?: (path: KeyPath, onKey: boolean) => Position | undefined,
): ProblemSource {
  return { name, prefix, position: (path, onKey) => position?.(path, onKey) };
}
