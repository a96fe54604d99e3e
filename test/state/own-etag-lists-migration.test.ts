/**
 * A SQLite state file from before own-etag lists (schema 5: a row per own etag, numbered per
 * contact) upgrades in place: each contact keeps its newest five etags, oldest first, echo
 * lookups find exactly them, and writes after the upgrade append to the same list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/state/port.js';
import { SQLITE_MIGRATIONS } from '../../src/state/sqlite-migrations.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { sqliteAtVersion } from './sqlite-at-version.js';

const BEFORE_LISTS = 5;
const hub: Scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };
const sf: Scope = { ...hub, connection: 'salesforce' };

/** Rows as schema 5 held them, seq out of insertion order, and one contact over the kept five. */
const OLD_ROWS = `
  INSERT INTO scopes (tenant, connection, kind) VALUES ('acme', 'hubspot', 'contacts'), ('acme', 'salesforce', 'contacts');
  INSERT INTO own_etags (scope_id, propstreet_id, etag, seq) VALUES
    (1, 'ps-1', 'b', 2), (1, 'ps-1', 'a', 1),
    (1, 'ps-2', 'x', 1),
    (2, 'ps-1', 's1', 1),
    (1, 'ps-3', 'v1', 1), (1, 'ps-3', 'v2', 2), (1, 'ps-3', 'v3', 3), (1, 'ps-3', 'v4', 4),
    (1, 'ps-3', 'v5', 5), (1, 'ps-3', 'v6', 6), (1, 'ps-3', 'v7', 7);
`;

describe('SQLite own etags from before the per-contact lists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-own-etags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const oldFile = (name: string) => sqliteAtVersion(dir, name, BEFORE_LISTS, [OLD_ROWS]);

  it('keeps each contact’s newest five etags, oldest first, per scope', async () => {
    const store = createSqliteStateStore({ path: oldFile('old.db') });
    await store.migrate();
    expect(await store.listOwnEtags(hub, { limit: 10 })).toEqual([
      { propstreetId: 'ps-1', etags: ['a', 'b'] },
      { propstreetId: 'ps-2', etags: ['x'] },
      { propstreetId: 'ps-3', etags: ['v3', 'v4', 'v5', 'v6', 'v7'] },
    ]);
    expect(await store.listOwnEtags(sf, { limit: 10 })).toEqual([{ propstreetId: 'ps-1', etags: ['s1'] }]);
    const asked = [
      { propstreetId: 'ps-1', etag: 'a' },
      { propstreetId: 'ps-2', etag: 'b' },
      { propstreetId: 'ps-3', etag: 'v2' },
      { propstreetId: 'ps-3', etag: 'v7' },
    ];
    expect(await store.ownEtags(hub, asked)).toEqual(new Set(['ps-1', 'ps-3']));
    expect(await store.ownEtags(sf, [{ propstreetId: 'ps-1', etag: 'a' }])).toEqual(new Set());
    await store.close();
  });

  it('appends to the upgraded list, dropping the oldest past five, and a second migrate changes nothing', async () => {
    const path = oldFile('again.db');
    const store = createSqliteStateStore({ path });
    await store.migrate();
    await store.commit(hub, {
      ownEtags: [
        { propstreetId: 'ps-3', etag: 'v8' },
        { propstreetId: 'ps-3', etag: 'v5' },
        { propstreetId: 'ps-1', etag: 'c' },
      ],
    });
    await store.migrate();
    expect(await store.listOwnEtags(hub, { limit: 10 })).toEqual([
      { propstreetId: 'ps-1', etags: ['a', 'b', 'c'] },
      { propstreetId: 'ps-2', etags: ['x'] },
      { propstreetId: 'ps-3', etags: ['v4', 'v5', 'v6', 'v7', 'v8'] },
    ]);
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.at(-1)?.version);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();
  });
});
