/**
 * SQLite schema versions, applied in order and recorded in `PRAGMA user_version`. Append new
 * entries; never edit one that has shipped.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { PropsyncError } from '../core/errors.js';

export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * The step rebuilds a table other tables refer to (SQLite cannot change a table's
   * constraints in place): foreign keys are off while it runs, as SQLite's documented
   * procedure for such changes says, and checked before it commits.
   */
  readonly rebuildsReferencedTable?: boolean;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial',
    // Scopes get a small integer id so 1M links do not repeat tenant/connection strings in
    // every row and index. Links keep a rowid: shadows are too wide for WITHOUT ROWID.
    sql: `
      CREATE TABLE scopes (
        id INTEGER PRIMARY KEY,
        tenant TEXT NOT NULL,
        connection TEXT NOT NULL,
        UNIQUE (tenant, connection)
      );
      CREATE TABLE links (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        propstreet_id TEXT NOT NULL,
        crm_id TEXT NOT NULL,
        shadow TEXT,
        propstreet_etag TEXT,
        crm_modified_at TEXT,
        updated_at TEXT NOT NULL,
        UNIQUE (scope_id, propstreet_id),
        UNIQUE (scope_id, crm_id)
      );
      CREATE TABLE own_etags (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        propstreet_id TEXT NOT NULL,
        etag TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (scope_id, propstreet_id, etag)
      ) WITHOUT ROWID;
      CREATE INDEX own_etags_recent ON own_etags (scope_id, propstreet_id, seq);
      CREATE TABLE checkpoints (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        side TEXT NOT NULL CHECK (side IN ('propstreet', 'crm')),
        value TEXT NOT NULL,
        PRIMARY KEY (scope_id, side)
      ) WITHOUT ROWID;
      CREATE TABLE failures (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        side TEXT NOT NULL CHECK (side IN ('propstreet', 'crm')),
        record_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        next_retry_at TEXT NOT NULL,
        next_retry_ms INTEGER NOT NULL,
        quarantined INTEGER NOT NULL,
        first_failed_at TEXT NOT NULL,
        UNIQUE (scope_id, side, record_id)
      );
      CREATE INDEX failures_due ON failures (scope_id, next_retry_ms);
      CREATE TABLE runs (
        seq INTEGER PRIMARY KEY,
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        finished_at TEXT,
        dry_run INTEGER NOT NULL,
        status TEXT NOT NULL,
        summary TEXT,
        UNIQUE (scope_id, id)
      );
      CREATE INDEX runs_recent ON runs (scope_id, started_ms DESC, seq DESC);
      CREATE TABLE locks (
        scope_id INTEGER PRIMARY KEY REFERENCES scopes (id),
        owner TEXT NOT NULL,
        expires_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'scope-meta',
    sql: `
      CREATE TABLE meta (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (scope_id, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Renumber freely on merge if another version 3 lands first: nothing refers to the number.
    version: 3,
    name: 'tombstones-and-conflicts',
    sql: `
      CREATE TABLE tombstones (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        propstreet_id TEXT NOT NULL,
        crm_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        ended_ms INTEGER NOT NULL,
        relinked_at TEXT,
        PRIMARY KEY (scope_id, propstreet_id)
      ) WITHOUT ROWID;
      CREATE INDEX tombstones_recent ON tombstones (scope_id, ended_ms DESC);
      CREATE TABLE conflicts (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        propstreet_id TEXT NOT NULL,
        field TEXT NOT NULL,
        crm_id TEXT NOT NULL,
        propstreet_value TEXT,
        crm_value TEXT,
        shadow_value TEXT,
        since TEXT NOT NULL,
        take TEXT CHECK (take IN ('propstreet', 'crm', 'value')),
        value TEXT,
        resolved_at TEXT,
        PRIMARY KEY (scope_id, propstreet_id, field)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Renumber freely on merge if another version 4 lands first: nothing refers to the number.
    version: 4,
    name: 'scope-kinds',
    // State is per object kind: a scope row per (tenant, connection, kind). Rows from before
    // kinds hold contacts' state, so they become the contacts kind's; their ids stay, and with
    // them every row that refers to them.
    rebuildsReferencedTable: true,
    sql: `
      CREATE TABLE scopes_by_kind (
        id INTEGER PRIMARY KEY,
        tenant TEXT NOT NULL,
        connection TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'contacts',
        UNIQUE (tenant, connection, kind)
      );
      INSERT INTO scopes_by_kind (id, tenant, connection, kind)
        SELECT id, tenant, connection, 'contacts' FROM scopes;
      DROP TABLE scopes;
      ALTER TABLE scopes_by_kind RENAME TO scopes;
    `,
  },
  {
    // Renumber freely on merge if another version 5 lands first: nothing refers to the number.
    version: 5,
    name: 'ref-outbox',
    // The drainer walks a tenant's rows in Propstreet-id order across its connections (one
    // write per record carries every namespace): the index on the id serves that walk.
    sql: `
      CREATE TABLE ref_outbox (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        propstreet_id TEXT NOT NULL,
        crm_id TEXT NOT NULL,
        namespace TEXT NOT NULL,
        etag TEXT,
        refs TEXT NOT NULL,
        enqueued_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_ms INTEGER NOT NULL,
        last_error TEXT,
        PRIMARY KEY (scope_id, propstreet_id)
      ) WITHOUT ROWID;
      CREATE INDEX ref_outbox_by_record ON ref_outbox (propstreet_id);
    `,
  },
  {
    // Renumber freely on merge if another version 6 lands first: nothing refers to the number.
    version: 6,
    name: 'own-etag-lists',
    // A contact's own etags become one row holding them as a JSON array, oldest first: keeping
    // a write-back's etag cost a row in two B-trees (the key and the seq index), the seq's
    // max() read and, past the kept count, a prune; it is now one row written in one B-tree
    // (bench/README.md, "Engine cuts, seventh pass"). The 5 below is OWN_ETAGS_KEPT when this step shipped:
    // the old table kept no more, and this step must not change with the constant.
    sql: `
      CREATE TABLE own_etag_lists (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        propstreet_id TEXT NOT NULL,
        etags TEXT NOT NULL,
        PRIMARY KEY (scope_id, propstreet_id)
      ) WITHOUT ROWID;
      INSERT INTO own_etag_lists (scope_id, propstreet_id, etags)
        SELECT scope_id, propstreet_id, json_group_array(etag ORDER BY seq)
        FROM (SELECT scope_id, propstreet_id, etag, seq,
                row_number() OVER (PARTITION BY scope_id, propstreet_id ORDER BY seq DESC) AS newest
              FROM own_etags)
        WHERE newest <= 5
        GROUP BY scope_id, propstreet_id;
      DROP TABLE own_etags;
      ALTER TABLE own_etag_lists RENAME TO own_etags;
    `,
  },
  {
    version: 7,
    name: 'ref-outbox-by-record',
    // The outbox keyed by (propstreet_id, scope_id): the drainer's walk in Propstreet-id order
    // across a tenant's connections follows the key itself, where a separate index on the id
    // cost every queued write-back a second B-tree insert and delete (bench/README.md, "Engine
    // cuts, eighth pass"). Every other statement names both columns, so the key still serves
    // it; only a scope's backlog count walks the table.
    sql: `
      CREATE TABLE ref_outbox_keyed (
        scope_id INTEGER NOT NULL REFERENCES scopes (id),
        propstreet_id TEXT NOT NULL,
        crm_id TEXT NOT NULL,
        namespace TEXT NOT NULL,
        etag TEXT,
        refs TEXT NOT NULL,
        enqueued_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_ms INTEGER NOT NULL,
        last_error TEXT,
        PRIMARY KEY (propstreet_id, scope_id)
      ) WITHOUT ROWID;
      INSERT INTO ref_outbox_keyed SELECT scope_id, propstreet_id, crm_id, namespace, etag, refs,
        enqueued_at, attempts, next_try_ms, last_error FROM ref_outbox;
      DROP TABLE ref_outbox;
      ALTER TABLE ref_outbox_keyed RENAME TO ref_outbox;
    `,
  },
  {
    // Renumber freely on merge if another version 8 lands first: nothing refers to the number.
    version: 8,
    name: 'rate-budgets',
    // One row per Propstreet token (a hash of its identity, never the token): the send budget
    // every process on this state file shares (sqlite-rate-budget.ts), as PostgreSQL's
    // rate_budgets table does for its database. Times in ms since the epoch.
    sql: `
      CREATE TABLE rate_budgets (
        key TEXT PRIMARY KEY,
        tat_ms REAL NOT NULL,
        blocked_until_ms REAL NOT NULL DEFAULT 0,
        touched_ms REAL NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

/** Applies each pending migration once, each in its own write transaction. */
export function migrateSqlite(db: BetterSqlite3.Database): void {
  const latest = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;
  // IMMEDIATE takes the write lock before reading the version, so two processes opening
  // the same file at once cannot both apply a step.
  const step = db.transaction((): boolean => {
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > latest) {
      throw new PropsyncError(
        'STATE',
        `state file ${db.name} has schema version ${current}, newer than this propsync knows (${latest})`,
      );
    }
    const next = SQLITE_MIGRATIONS.find((m) => m.version > current);
    if (!next) return false;
    db.exec(next.sql);
    if (next.rebuildsReferencedTable) checkForeignKeys(db, next);
    db.pragma(`user_version = ${next.version}`);
    return true;
  });
  const foreignKeys = Number(db.pragma('foreign_keys', { simple: true })) === 1;
  // The pragma is a no-op inside a transaction: it is switched around the steps, and only
  // when one of them rebuilds a table (the others run as any other write).
  const pending = SQLITE_MIGRATIONS.some(
    (m) => m.rebuildsReferencedTable && m.version > Number(db.pragma('user_version', { simple: true })),
  );
  if (pending && foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    while (step.immediate()) {
      // one migration per transaction until none is pending
    }
  } finally {
    if (pending && foreignKeys) db.pragma('foreign_keys = ON');
  }
}

/** What a rebuild left pointing nowhere would be a silent loss: the step fails instead. */
function checkForeignKeys(db: BetterSqlite3.Database, m: SqliteMigration): void {
  const broken = db.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0)
    throw new PropsyncError(
      'STATE',
      `state migration ${m.version} (${m.name}) of ${db.name} left ${broken.length} rows without their scope; nothing changed`,
    );
}
