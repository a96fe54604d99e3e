/**
 * A SQLite state file as an older propsync left it: the shipped migrations up to `version`
 * applied, `user_version` set to it, and the rows that version wrote. Migration tests upgrade it.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/state/sqlite-migrations.js';

export function sqliteAtVersion(dir: string, name: string, version: number, rows: readonly string[]): string {
  const path = join(dir, name);
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  for (const m of SQLITE_MIGRATIONS.filter((x) => x.version <= version)) db.exec(m.sql);
  db.pragma(`user_version = ${version}`);
  for (const sql of rows) db.exec(sql);
  db.close();
  return path;
}
