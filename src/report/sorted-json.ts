/**
 * The JSON report's text: keys sorted at every level, two-space indent, controls written as
 * `\u` escapes. Shared by the whole-report renderer and the streaming writer, so a report
 * written either way is byte-identical.
 */
import { terminalSafeJson } from './visible-text.js';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * `value` as it reads nested `depth` levels deep in an indented document: its first line
 * unindented (it follows a key or a comma), the others indented by `depth` levels. A newline
 * in JSON text only ever separates tokens (strings escape theirs), so indenting after each
 * one is safe.
 */
export function sortedJsonAt(value: unknown, depth: number): string {
  const text = terminalSafeJson(JSON.stringify(sortKeys(value), null, 2));
  return depth === 0 ? text : text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}
