import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../src/state/sqlite-migrations.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { aLink, describeStateStoreContract, newScope } from '../contract/state-store.contract.js';

describeStateStoreContract('sqlite :memory:', async () => createSqliteStateStore({ path: ':memory:' }));

describe('SQLite state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its data across close and reopen, in WAL mode', async () => {
    const path = join(dir, 'reopen.db');
    const scope = newScope();
    const first = createSqliteStateStore({ path });
    await first.migrate();
    await first.commit(scope, { upsertLinks: [aLink(1)], checkpoints: { crm: 'cp' } });
    await first.close();

    const second = createSqliteStateStore({ path });
    await second.migrate();
    expect(await second.linksByPropstreetIds(scope, ['ps-1'])).toEqual([aLink(1)]);
    expect(await second.getCheckpoint(scope, 'crm')).toBe('cp');
    await second.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.at(-1)?.version);
    raw.close();
  });

  it('shares the run lock between two connections to one file', async () => {
    const path = join(dir, 'lock.db');
    const [a, b] = [createSqliteStateStore({ path }), createSqliteStateStore({ path })];
    await Promise.all([a.migrate(), b.migrate()]);
    const scope = newScope();
    expect(await a.acquireLock(scope, 'proc-a', 60_000)).toBe(true);
    expect(await b.acquireLock(scope, 'proc-b', 60_000)).toBe(false);
    await a.releaseLock(scope, 'proc-a');
    expect(await b.acquireLock(scope, 'proc-b', 60_000)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a state file from a newer propsync', async () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    const store = createSqliteStateStore({ path });
    await expect(store.migrate()).rejects.toMatchObject({ code: 'STATE' });
    await store.close();
  });
});
