/**
 * A state store written before object kinds (schema 3: one scope per tenant + connection)
 * upgrades in place: every row stays, and becomes the contacts kind's; a second kind of the
 * same connection then gets its own scope beside it. Both stores, from files/schemas built
 * with the shipped migrations up to 3 and rows written the way that version wrote them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateState } from '../../src/state/migrate-state.js';
import type { Scope, StateStore } from '../../src/state/port.js';
import { PG_MIGRATIONS, quoteSchema } from '../../src/state/postgres-migrations.js';
import { createPostgresStateStore } from '../../src/state/postgres-store.js';
import { SQLITE_MIGRATIONS } from '../../src/state/sqlite-migrations.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { aLink } from '../contract/state-store.contract.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from './pg-test-db.js';
import { sqliteAtVersion } from './sqlite-at-version.js';

const BEFORE_KINDS = 3;
const contacts: Scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };
const companies: Scope = { ...contacts, kind: 'companies' };
const otherConnection: Scope = { ...contacts, connection: 'salesforce' };

/** Rows as schema 3 held them: two scopes, a link, a checkpoint, a failure, a run, a lock, a fact, a tombstone, a conflict. */
const OLD_ROWS = [
  `INSERT INTO {s}scopes (tenant, connection) VALUES ('acme', 'hubspot'), ('acme', 'salesforce')`,
  `INSERT INTO {s}links (scope_id, propstreet_id, crm_id, shadow, propstreet_etag, crm_modified_at, updated_at)
     VALUES (1, 'ps-1', 'crm-1', '{"email":"a@example.com"}', 'W/"1"', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z'),
            (2, 'ps-1', '003A', NULL, NULL, NULL, '2024-05-01T10:00:00.000Z')`,
  `INSERT INTO {s}checkpoints (scope_id, side, value) VALUES (1, 'propstreet', 'cp-ps'), (1, 'crm', 'cp-crm')`,
  `INSERT INTO {s}failures (scope_id, side, record_id, attempts, last_error, next_retry_at, next_retry_ms, quarantined, first_failed_at)
     VALUES (1, 'crm', 'crm-9', 2, 'boom', '2024-05-01T11:00:00.000Z', 1714561200000, {false}, '2024-05-01T10:00:00.000Z')`,
  `INSERT INTO {s}runs (scope_id, id, started_at, started_ms, finished_at, dry_run, status, summary)
     VALUES (1, 'run-1', '2024-05-01T10:00:00.000Z', 1714557600000, '2024-05-01T10:01:00.000Z', {false}, 'ok', '{"n":1}')`,
  `INSERT INTO {s}meta (scope_id, key, value) VALUES (1, 'bound-to', 'portal 42')`,
  `INSERT INTO {s}tombstones (scope_id, propstreet_id, crm_id, reason, ended_at, ended_ms, relinked_at)
     VALUES (1, 'ps-7', 'crm-7', 'deleted in the CRM', '2024-05-01T10:00:00.000Z', 1714557600000, NULL)`,
  `INSERT INTO {s}conflicts (scope_id, propstreet_id, field, crm_id, propstreet_value, crm_value, shadow_value, since)
     VALUES (1, 'ps-1', 'phone', 'crm-1', '1', '2', '0', '2024-05-01T10:00:00.000Z')`,
];

/** What every upgraded store must show: old rows are contacts', and companies start empty beside them. */
async function expectUpgraded(store: StateStore): Promise<void> {
  expect(await store.listScopes()).toEqual([contacts, otherConnection]);
  expect(await store.linksByPropstreetIds(contacts, ['ps-1'])).toEqual([
    aLink(1, {
      shadow: { email: 'a@example.com' },
      propstreetEtag: 'W/"1"',
      crmModifiedAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
    }),
  ]);
  expect(await store.linksByCrmIds(otherConnection, ['003A'])).toHaveLength(1);
  expect(await store.getCheckpoint(contacts, 'crm')).toBe('cp-crm');
  expect((await store.listFailures(contacts)).map((f) => f.recordId)).toEqual(['crm-9']);
  expect((await store.listRuns(contacts, 5)).map((r) => [r.id, r.status, r.summary])).toEqual([
    ['run-1', 'ok', { n: 1 }],
  ]);
  expect(await store.getMeta(contacts, 'bound-to')).toBe('portal 42');
  expect(await store.countTombstones(contacts)).toBe(1);
  expect(await store.countConflicts(contacts)).toBe(1);

  expect(await store.countLinks(companies)).toBe(0);
  expect(await store.getCheckpoint(companies, 'crm')).toBeNull();
  await store.commit(companies, {
    upsertLinks: [aLink(1, { crmId: 'company-1' })],
    checkpoints: { crm: 'x' },
  });
  expect(await store.linksByPropstreetIds(companies, ['ps-1'])).toEqual([aLink(1, { crmId: 'company-1' })]);
  expect((await store.linksByPropstreetIds(contacts, ['ps-1']))[0]?.crmId).toBe('crm-1');
  expect(await store.acquireLock(contacts, 'a', 60_000)).toBe(true);
  expect(await store.acquireLock(companies, 'b', 60_000)).toBe(true);
  expect(await store.listScopes()).toEqual([companies, contacts, otherConnection]);
}

describe('SQLite state from before object kinds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-kinds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const oldFile = (name: string) =>
    sqliteAtVersion(
      dir,
      name,
      BEFORE_KINDS,
      OLD_ROWS.map((sql) => sql.replaceAll('{s}', '').replaceAll('{false}', '0')),
    );

  it('upgrades in place: old rows become the contacts kind, companies get their own scope', async () => {
    const path = oldFile('old.db');
    const store = createSqliteStateStore({ path });
    await store.migrate();
    await expectUpgraded(store);
    await store.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.at(-1)?.version);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();
    // The rebuilt table still guards what refers to it, and its new unique key.
    const check = new Database(path);
    check.pragma('foreign_keys = ON');
    expect(() =>
      check.exec(
        `INSERT INTO links (scope_id, propstreet_id, crm_id, updated_at) VALUES (99, 'x', 'y', 'z')`,
      ),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      check.exec(`INSERT INTO scopes (tenant, connection, kind) VALUES ('acme', 'hubspot', 'contacts')`),
    ).toThrow(/UNIQUE/);
    check.close();
  });

  it('a second migrate changes nothing, and the scope ids stay', async () => {
    const path = oldFile('again.db');
    const store = createSqliteStateStore({ path });
    await store.migrate();
    await store.migrate();
    expect(await store.countLinks(contacts)).toBe(1);
    await store.close();
    const raw = new Database(path);
    expect(raw.prepare('SELECT tenant, connection, kind FROM scopes ORDER BY id').all()).toEqual([
      { tenant: 'acme', connection: 'hubspot', kind: 'contacts' },
      { tenant: 'acme', connection: 'salesforce', kind: 'contacts' },
    ]);
    raw.close();
  });

  it('migrate-state copies each kind of a connection as its own scope', async () => {
    const from = createSqliteStateStore({ path: oldFile('copy.db') });
    const to = createSqliteStateStore({ path: ':memory:' });
    await from.migrate();
    await from.commit(companies, { upsertLinks: [aLink(5, { crmId: 'company-5' })] });
    const copied = await migrateState(from, to);
    expect(copied).toMatchObject({ scopes: 3, links: 3 });
    expect(await to.listScopes()).toEqual([companies, contacts, otherConnection]);
    expect(await to.linksByCrmIds(companies, ['company-5'])).toHaveLength(1);
    expect(await to.linksByCrmIds(contacts, ['company-5'])).toEqual([]);
    await Promise.all([from.close(), to.close()]);
  });
});

describe('PostgreSQL state from before object kinds', () => {
  const schema = testSchemaName('kinds');
  afterAll(() => dropSchema(schema));

  it('upgrades in place: old rows become the contacts kind, companies get their own scope', async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const s = quoteSchema(schema);
    try {
      await client.query(`CREATE SCHEMA ${s}`);
      await client.query(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      for (const m of PG_MIGRATIONS.filter((x) => x.version <= BEFORE_KINDS)) {
        await client.query(m.sql(s));
        await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
          m.version,
          m.name,
        ]);
      }
      for (const sql of OLD_ROWS)
        await client.query(sql.replaceAll('{s}', `${s}.`).replaceAll('{false}', 'false'));
    } finally {
      await client.end();
    }

    const store = createPostgresStateStore({ connectionString: TEST_DATABASE_URL, schema });
    try {
      await store.migrate();
      await store.migrate();
      await expectUpgraded(store);
    } finally {
      await store.close();
    }
  });
});
