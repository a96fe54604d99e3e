/**
 * PostgreSQL schema versions for one propsync schema, recorded in `schema_migrations` and
 * applied under a transaction-scoped advisory lock so workers starting together do not race.
 * Append new entries; never edit one that has shipped.
 */
import type pg from 'pg';
import { PropsyncError, ValidationError } from '../core/errors.js';

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  /** SQL for the quoted schema name `s`. */
  readonly sql: (s: string) => string;
}

// Ids are COLLATE "C" so listLinks pages in the same byte order as SQLite's, whatever the
// database's default collation is.
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'initial',
    sql: (s) => `
      CREATE TABLE ${s}.scopes (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant text COLLATE "C" NOT NULL,
        connection text COLLATE "C" NOT NULL,
        UNIQUE (tenant, connection)
      );
      CREATE TABLE ${s}.links (
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        propstreet_id text COLLATE "C" NOT NULL,
        crm_id text COLLATE "C" NOT NULL,
        shadow text,
        propstreet_etag text,
        crm_modified_at text,
        updated_at text NOT NULL,
        PRIMARY KEY (scope_id, propstreet_id),
        UNIQUE (scope_id, crm_id)
      );
      CREATE TABLE ${s}.own_etags (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        propstreet_id text COLLATE "C" NOT NULL,
        etag text COLLATE "C" NOT NULL,
        PRIMARY KEY (scope_id, propstreet_id, etag)
      );
      CREATE INDEX own_etags_recent ON ${s}.own_etags (scope_id, propstreet_id, seq);
      CREATE TABLE ${s}.checkpoints (
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        side text NOT NULL CHECK (side IN ('propstreet', 'crm')),
        value text NOT NULL,
        PRIMARY KEY (scope_id, side)
      );
      CREATE TABLE ${s}.failures (
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        side text NOT NULL CHECK (side IN ('propstreet', 'crm')),
        record_id text COLLATE "C" NOT NULL,
        attempts integer NOT NULL,
        last_error text NOT NULL,
        next_retry_at text NOT NULL,
        next_retry_ms bigint NOT NULL,
        quarantined boolean NOT NULL,
        first_failed_at text NOT NULL,
        PRIMARY KEY (scope_id, side, record_id)
      );
      CREATE INDEX failures_due ON ${s}.failures (scope_id, next_retry_ms);
      CREATE TABLE ${s}.runs (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        id text COLLATE "C" NOT NULL,
        started_at text NOT NULL,
        started_ms bigint NOT NULL,
        finished_at text,
        dry_run boolean NOT NULL,
        status text NOT NULL,
        summary text,
        PRIMARY KEY (scope_id, id)
      );
      CREATE INDEX runs_recent ON ${s}.runs (scope_id, started_ms DESC, seq DESC);
      CREATE TABLE ${s}.locks (
        scope_id integer PRIMARY KEY REFERENCES ${s}.scopes (id),
        owner text NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'scope-meta',
    sql: (s) => `
      CREATE TABLE ${s}.meta (
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        key text COLLATE "C" NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (scope_id, key)
      );
    `,
  },
  {
    // Renumber freely on merge if another version 3 lands first: nothing refers to the number.
    version: 3,
    name: 'tombstones-and-conflicts',
    sql: (s) => `
      CREATE TABLE ${s}.tombstones (
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        propstreet_id text COLLATE "C" NOT NULL,
        crm_id text COLLATE "C" NOT NULL,
        reason text NOT NULL,
        ended_at text NOT NULL,
        ended_ms bigint NOT NULL,
        relinked_at text,
        PRIMARY KEY (scope_id, propstreet_id)
      );
      CREATE INDEX tombstones_recent ON ${s}.tombstones (scope_id, ended_ms DESC);
      CREATE TABLE ${s}.conflicts (
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        propstreet_id text COLLATE "C" NOT NULL,
        field text COLLATE "C" NOT NULL,
        crm_id text COLLATE "C" NOT NULL,
        propstreet_value text,
        crm_value text,
        shadow_value text,
        since text NOT NULL,
        take text CHECK (take IN ('propstreet', 'crm', 'value')),
        value text,
        resolved_at text,
        PRIMARY KEY (scope_id, propstreet_id, field)
      );
    `,
  },
  {
    // Renumber freely on merge if another version 4 lands first: nothing refers to the number.
    version: 4,
    name: 'scope-kinds',
    // State is per object kind. Rows from before kinds hold contacts' state: the default makes
    // them the contacts kind's, and their ids (and every row referring to them) stay. The
    // unique constraint's name is the one PostgreSQL gave UNIQUE (tenant, connection) in 1.
    sql: (s) => `
      ALTER TABLE ${s}.scopes ADD COLUMN kind text COLLATE "C" NOT NULL DEFAULT 'contacts';
      ALTER TABLE ${s}.scopes DROP CONSTRAINT scopes_tenant_connection_key;
      ALTER TABLE ${s}.scopes ADD CONSTRAINT scopes_tenant_connection_kind_key UNIQUE (tenant, connection, kind);
    `,
  },
  {
    // Renumber freely on merge if another version 5 lands first: nothing refers to the number.
    version: 5,
    name: 'rate-budgets',
    // One row per Propstreet token (a hash of its identity, never the token): the send budget
    // every process on the token shares (postgres-rate-budget.ts). Times in ms since the epoch,
    // on the database's clock.
    sql: (s) => `
      CREATE TABLE ${s}.rate_budgets (
        key text COLLATE "C" PRIMARY KEY,
        tat_ms double precision NOT NULL,
        blocked_until_ms double precision NOT NULL DEFAULT 0,
        touched_ms double precision NOT NULL
      );
    `,
  },
  {
    // Renumber freely on merge if another version 6 lands first: nothing refers to the number.
    version: 6,
    name: 'ref-outbox',
    // The drainer walks a tenant's rows in Propstreet-id order across its connections (one
    // write per record carries every namespace): the index on the id serves that walk.
    sql: (s) => `
      CREATE TABLE ${s}.ref_outbox (
        scope_id integer NOT NULL REFERENCES ${s}.scopes (id),
        propstreet_id text COLLATE "C" NOT NULL,
        crm_id text COLLATE "C" NOT NULL,
        namespace text NOT NULL,
        etag text,
        refs text NOT NULL,
        enqueued_at text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_try_ms bigint NOT NULL,
        last_error text,
        PRIMARY KEY (scope_id, propstreet_id)
      );
      CREATE INDEX ref_outbox_by_record ON ${s}.ref_outbox (propstreet_id);
    `,
  },
];

/** The schema name as a quoted identifier; names are config, not data, but still checked. */
export function quoteSchema(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ValidationError(`invalid PostgreSQL schema name: ${schema}`, { schema: [schema] });
  }
  return `"${schema}"`;
}

export async function migratePostgres(pool: pg.Pool, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  const latest = PG_MIGRATIONS.at(-1)?.version ?? 0;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`propsync.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > latest) {
      throw new PropsyncError(
        'STATE',
        `schema ${schema} has state version ${newest}, newer than this propsync knows (${latest})`,
      );
    }
    for (const m of PG_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
    }
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    // A connection in an unknown state must not go back to the pool.
    client.release(true);
    throw err;
  }
}
