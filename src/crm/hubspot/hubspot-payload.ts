/**
 * HubSpot answers are checked before use: the SDK deserialises whatever came back, and a
 * `null` in `results` would otherwise surface as a TypeError far from its cause. A bad
 * answer is a PayloadError naming the endpoint and the JSON path.
 */
import { excerpt } from '../../core/clip-text.js';
import { PayloadError } from '../../core/errors.js';

export function checkObjects<T>(results: unknown, method: string, path: string): T[] {
  if (!Array.isArray(results))
    throw new PayloadError(
      `HubSpot ${method} ${path}: expected "results" to be a list`,
      'results',
      undefined,
      { method, path },
    );
  results.forEach((r: unknown, i) => {
    const o = r as { id?: unknown; properties?: unknown } | null;
    if (
      typeof o !== 'object' ||
      o === null ||
      typeof o.id !== 'string' ||
      typeof o.properties !== 'object' ||
      o.properties === null
    )
      throw new PayloadError(
        `HubSpot ${method} ${path}: expected results[${i}] to be a record with an id and properties, got ${excerpt(JSON.stringify(r) ?? String(r), 80)}`,
        `results[${i}]`,
        typeof o?.id === 'string' ? o.id : undefined,
        { method, path },
      );
  });
  return results as T[];
}
