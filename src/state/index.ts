/**
 * Picks the StateStore from config: `sqlite:<path>` (embedded default) or `postgres://…`.
 */
import { ValidationError } from '../core/errors.js';
import type { StateStore } from './port.js';
import { createPostgresStateStore } from './postgres-store.js';
import { createSqliteStateStore } from './sqlite-store.js';

export { migrateState } from './migrate-state.js';
export type { StateStore } from './port.js';
export { createPostgresStateStore } from './postgres-store.js';
export { createSqliteStateStore } from './sqlite-store.js';
export interface StateSpec {
  /** SQLite file path, or `:memory:`. */
  readonly sqlite?: string;
  /** PostgreSQL connection string. */
  readonly postgres?: string;
  /** PostgreSQL schema (default `propsync`). */
  readonly schema?: string;
}

/** Opens (does not migrate) the store the spec names; exactly one backend must be given. */
export function openStateStore(spec: StateSpec): StateStore {
  if ((spec.sqlite === undefined) === (spec.postgres === undefined)) {
    throw new ValidationError('state: give exactly one of sqlite or postgres', {
      state: ['exactly one of sqlite, postgres'],
    });
  }
  if (spec.sqlite !== undefined) return createSqliteStateStore({ path: spec.sqlite });
  return createPostgresStateStore({
    connectionString: spec.postgres ?? '',
    ...(spec.schema === undefined ? {} : { schema: spec.schema }),
  });
}

/**
 * `sqlite:./x.db`, `sqlite:///abs/x.db`, `sqlite::memory:`, or `postgres(ql)://…[?schema=name]`
 * (the `schema` parameter is ours and is removed before the URL reaches pg).
 */
export function parseStateUrl(url: string): StateSpec {
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length);
    const path = rest.startsWith('//') ? rest.slice(2) : rest;
    if (!path) throw invalid(url, 'sqlite URL has no path');
    return { sqlite: path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(url, 'not a valid URL');
    }
    const schema = parsed.searchParams.get('schema');
    if (schema === null) return { postgres: url };
    parsed.searchParams.delete('schema');
    return { postgres: parsed.toString(), schema };
  }
  throw invalid(url, 'expected sqlite:<path> or postgres://…');
}

function invalid(url: string, why: string): ValidationError {
  // Only the scheme: the rest may hold a password.
  const scheme = url.split(':')[0] ?? '';
  return new ValidationError(`state URL (${scheme}:…) ${why}`, { state: [why] });
}
