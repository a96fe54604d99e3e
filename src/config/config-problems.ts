/**
 * Config problems: collected from every stage (YAML, env, schema, rules) and thrown together
 * as one ValidationError, one line per problem, compiler style, so an editor can jump to it.
 * The problem shapes and the line format are the shared ones (src/core/yaml-problems).
 */
import { ValidationError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';
import { formatLocated, type LocatedProblem, type Problem } from '../core/yaml-problems/index.js';

export type { LocatedProblem, PathSegment } from '../core/yaml-problems/index.js';

/** A problem at a key path of the tenant file; `at: 'key'` points at the key itself. */
export type ConfigProblem = Problem;

/** Messages are scrubbed: a problem may quote a value read from the environment. */
export function configError(
  file: string,
  problems: readonly LocatedProblem[],
  redactor: Redactor,
): ValidationError {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col || a.key.localeCompare(b.key));
  const lines = sorted.map((p) => redactor.redact(formatLocated(file, p)));
  // No prototype: a key named __proto__ in a hostile file must stay an ordinary key.
  const fieldErrors: Record<string, string[]> = Object.create(null);
  for (const p of sorted) {
    const list = fieldErrors[p.key] ?? [];
    list.push(redactor.redact(p.message));
    fieldErrors[p.key] = list;
  }
  return new ValidationError(lines.join('\n'), fieldErrors, { code: 'CONFIG_INVALID' });
}
