/**
 * The multi-tenant StateStore on PostgreSQL, shared by many workers. A commit is one
 * transaction of a few batched statements (arrays through `unnest`), whatever its size.
 */
import type pg from 'pg';
import { NotFoundError } from '../core/errors.js';
import { fenceLost } from './lock-fence.js';
import { pgDriver } from './pg-driver.js';
import type { LockFence, Scope, StateStore } from './port.js';
import { type PgStep, planCommit } from './postgres-commit.js';
import { migratePostgres, quoteSchema } from './postgres-migrations.js';
import { type PgSql, pgSql } from './postgres-sql.js';
import { queuedRefFromRow, type RefOutboxRow } from './ref-outbox-rows.js';
import {
  type ConflictRow,
  checkLimit,
  checkScope,
  conflictFrom,
  conflictFromRow,
  type FailureRow,
  failureFromRow,
  isEmpty,
  type LinkRow,
  linkFromRow,
  type RunRow,
  runFromRow,
  scopeKey,
  scopeName,
  storableChanges,
  storableText,
  type TombstoneRow,
  toMs,
  tombstoneFromRow,
} from './rows.js';

export interface PostgresStateStoreOptions {
  readonly connectionString?: string;
  /** Schema holding propsync's tables; one per install (tests use a throwaway one). */
  readonly schema?: string;
  /** A pool to share; the store then leaves it open on close(). */
  readonly pool?: pg.Pool;
}

type Db = pg.Pool | pg.PoolClient;

/** A fence with its locks' scope ids, in its order. */
interface Fenced {
  readonly fence: readonly LockFence[];
  readonly ids: readonly number[];
}

export function createPostgresStateStore(options: PostgresStateStoreOptions): StateStore {
  const schema = options.schema ?? 'propsync';
  const sql = pgSql(quoteSchema(schema));
  const ownsPool = options.pool === undefined;
  // `pg` loads when a PostgreSQL store is opened, not with every process.
  const pool = options.pool ?? new (pgDriver().Pool)({ connectionString: options.connectionString });
  // Without a listener a dropped idle connection would crash the process; the pool
  // replaces it on the next checkout, and the next query reports any real outage.
  if (ownsPool) pool.on('error', () => undefined);
  // Deliberately not named (server-prepared) statements: a generic plan cached while a table
  // was small kept scanning it after an initial sync grew it (measured: 20x slower commits
  // at 200k rows). Planning each time costs ~0.1 ms against a network round trip.
  function q<R extends pg.QueryResultRow>(db: Db, key: keyof PgSql, values: unknown[]) {
    return db.query<R>(sql[key], values);
  }

  const scopeIds = new Map<string, number>();
  async function findScope(scope: Scope): Promise<number | undefined> {
    checkScope(scope);
    const key = scopeKey(scope);
    const cached = scopeIds.get(key);
    if (cached !== undefined) return cached;
    const id = (await q<{ id: number }>(pool, 'scopeId', [scope.tenant, scope.connection, scope.kind]))
      .rows[0]?.id;
    if (id !== undefined) scopeIds.set(key, id);
    return id;
  }
  async function ensureScope(scope: Scope): Promise<number> {
    const found = await findScope(scope);
    if (found !== undefined) return found;
    const { rows } = await q<{ id: number }>(pool, 'ensureScope', [
      scope.tenant,
      scope.connection,
      scope.kind,
    ]);
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('scope upsert returned no id');
    scopeIds.set(scopeKey(scope), id);
    return id;
  }

  /** A fence's scope ids, found before a connection is taken; a scope never written holds no lock. */
  async function fenceScopes(fence: readonly LockFence[] | undefined): Promise<Fenced | undefined> {
    if (!fence?.length) return undefined;
    const ids: number[] = [];
    for (const f of fence) {
      const id = await findScope(f.scope);
      if (id === undefined) throw fenceLost(f);
      ids.push(id);
    }
    return { fence, ids };
  }

  /** Steps in one transaction, a fence checked first; a client whose rollback failed is discarded. */
  async function transact(steps: readonly PgStep[], fenced: Fenced | undefined): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (fenced) await checkFence(client, fenced);
      for (const [key, values] of steps) await q(client, key, values);
      await client.query('COMMIT');
    } catch (err) {
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(!rolledBack);
      throw err;
    }
    client.release();
  }

  async function checkFence(client: pg.PoolClient, f: Fenced) {
    const { rows } = await q<{ scope_id: number; owner: string }>(client, 'fenceLocks', [f.ids]);
    const owners = new Map(rows.map((r) => [Number(r.scope_id), r.owner]));
    f.fence.forEach((one, i) => {
      if (owners.get(f.ids[i] as number) !== one.owner) throw fenceLost(one);
    });
  }

  return {
    async migrate() {
      await migratePostgres(pool, schema);
    },
    async close() {
      if (ownsPool && !pool.ended) await pool.end();
    },

    async commit(scope, changes, fence) {
      if (isEmpty(changes)) return;
      const steps = planCommit(await ensureScope(scope), storableChanges(changes));
      const fenced = await fenceScopes(fence);
      try {
        await transact(steps, fenced);
      } catch (err) {
        throw conflictFrom(err, scope);
      }
    },

    async linksByPropstreetIds(scope, ids) {
      const s = await findScope(scope);
      if (s === undefined || ids.length === 0) return [];
      return (await q<LinkRow>(pool, 'linksByPs', [s, [...new Set(ids)]])).rows.map(linkFromRow);
    },
    async linksByCrmIds(scope, ids) {
      const s = await findScope(scope);
      if (s === undefined || ids.length === 0) return [];
      return (await q<LinkRow>(pool, 'linksByCrm', [s, [...new Set(ids)]])).rows.map(linkFromRow);
    },
    async listLinks(scope, { after, limit }) {
      checkLimit(limit);
      const s = await findScope(scope);
      if (s === undefined) return [];
      const res =
        after === undefined
          ? await q<LinkRow>(pool, 'listLinksFirst', [s, limit])
          : await q<LinkRow>(pool, 'listLinksAfter', [s, after, limit]);
      return res.rows.map(linkFromRow);
    },
    async countLinks(scope) {
      const s = await findScope(scope);
      return s === undefined ? 0 : ((await q<{ n: number }>(pool, 'countLinks', [s])).rows[0]?.n ?? 0);
    },

    async ownEtags(scope, pairs) {
      const s = await findScope(scope);
      if (s === undefined || pairs.length === 0) return new Set();
      const values = [s, pairs.map((p) => p.propstreetId), pairs.map((p) => p.etag)];
      return new Set((await q<{ id: string }>(pool, 'ownEtags', values)).rows.map((r) => r.id));
    },
    async listOwnEtags(scope, { after, limit }) {
      checkLimit(limit);
      const s = await findScope(scope);
      if (s === undefined) return [];
      const { rows } = await q<{ p: string; etag: string }>(pool, 'listOwnEtags', [s, after ?? null, limit]);
      const out: { propstreetId: string; etags: string[] }[] = [];
      for (const r of rows) {
        const last = out.at(-1);
        if (last?.propstreetId === r.p) last.etags.push(r.etag);
        else out.push({ propstreetId: r.p, etags: [r.etag] });
      }
      return out;
    },

    async getCheckpoint(scope, side) {
      const s = await findScope(scope);
      if (s === undefined) return null;
      return (await q<{ value: string }>(pool, 'getCheckpoint', [s, side])).rows[0]?.value ?? null;
    },

    async listFailures(scope, options = {}) {
      const s = await findScope(scope);
      if (s === undefined) return [];
      const due = options.dueBy === undefined ? null : toMs('dueBy', options.dueBy);
      return (await q<FailureRow>(pool, 'listFailures', [s, due, options.quarantined ?? null])).rows.map(
        failureFromRow,
      );
    },

    // Idempotent by run id, so a copied or retried start does not fail.
    async startRun(scope, run) {
      const ms = toMs('startedAt', run.startedAt);
      const s = await ensureScope(scope);
      await q(pool, 'startRun', [s, run.id, run.startedAt, ms, run.dryRun]);
    },
    async finishRun(scope, id, result) {
      const s = await findScope(scope);
      const summary = result.summary === undefined ? null : JSON.stringify(result.summary);
      const values = [s, id, result.finishedAt, result.status, summary];
      const changed = s === undefined ? 0 : (await q(pool, 'finishRun', values)).rowCount;
      if (!changed) throw new NotFoundError(`run ${id} of ${scopeName(scope)} not found`);
    },
    async listRuns(scope, limit) {
      checkLimit(limit);
      const s = await findScope(scope);
      return s === undefined ? [] : (await q<RunRow>(pool, 'listRuns', [s, limit])).rows.map(runFromRow);
    },

    async acquireLock(scope, owner, ttlMs) {
      const s = await ensureScope(scope);
      return (await q(pool, 'acquireLock', [s, owner, ttlMs])).rowCount === 1;
    },
    async releaseLock(scope, owner) {
      const s = await findScope(scope);
      if (s !== undefined) await q(pool, 'releaseLock', [s, owner]);
    },
    async lockHolder(scope) {
      const s = await findScope(scope);
      if (s === undefined) return null;
      const row = (await q<{ owner: string; expires_at: Date }>(pool, 'lockHolder', [s])).rows[0];
      return row ? { owner: row.owner, expiresAt: new Date(row.expires_at).toISOString() } : null;
    },

    async tombstonesByPropstreetIds(scope, ids) {
      const s = await findScope(scope);
      if (s === undefined || ids.length === 0) return [];
      const { rows } = await q<TombstoneRow>(pool, 'tombstonesByPs', [s, [...new Set(ids)]]);
      return rows.map(tombstoneFromRow);
    },
    async listTombstones(scope, { limit, relinked }) {
      checkLimit(limit);
      const s = await findScope(scope);
      if (s === undefined) return [];
      const { rows } = await q<TombstoneRow>(pool, 'listTombstones', [s, relinked ?? null, limit]);
      return rows.map(tombstoneFromRow);
    },
    async countTombstones(scope) {
      const s = await findScope(scope);
      return s === undefined ? 0 : ((await q<{ n: number }>(pool, 'countTombstones', [s])).rows[0]?.n ?? 0);
    },

    async listConflicts(scope, { limit, resolved }) {
      checkLimit(limit);
      const s = await findScope(scope);
      if (s === undefined) return [];
      const { rows } = await q<ConflictRow>(pool, 'listConflicts', [s, resolved ?? null, limit]);
      return rows.map(conflictFromRow);
    },
    async countConflicts(scope) {
      const s = await findScope(scope);
      return s === undefined ? 0 : ((await q<{ n: number }>(pool, 'countConflicts', [s])).rows[0]?.n ?? 0);
    },
    async conflictsByPropstreetIds(scope, ids) {
      const s = await findScope(scope);
      if (s === undefined || ids.length === 0) return [];
      const { rows } = await q<ConflictRow>(pool, 'conflictsByPs', [s, [...new Set(ids)]]);
      return rows.map(conflictFromRow);
    },
    async resolveConflict(scope, { propstreetId, field }, resolution) {
      const s = await findScope(scope);
      if (s === undefined) return false;
      const values = [
        s,
        propstreetId,
        field,
        resolution?.take ?? null,
        resolution?.take === 'value' ? resolution.value : null,
        resolution?.at ?? null,
      ];
      return (await q(pool, 'resolveConflict', values)).rowCount === 1;
    },

    async queuedRefs(of, options) {
      checkLimit(options.limit);
      const due = toMs('dueBy', options.dueBy);
      const values = [of.tenant, of.kind, options.after ?? null, due, options.limit];
      return (await q<RefOutboxRow>(pool, 'queuedRefs', values)).rows.map(queuedRefFromRow);
    },
    async refBacklog(scope) {
      const s = await findScope(scope);
      if (s === undefined) return { pending: 0, failing: 0 };
      const row = (await q<{ pending: number; failing: number }>(pool, 'refBacklog', [s])).rows[0];
      return { pending: row?.pending ?? 0, failing: row?.failing ?? 0 };
    },

    async listScopes() {
      return (await q<Scope>(pool, 'listScopes', [])).rows;
    },

    async getMeta(scope, key) {
      const s = await findScope(scope);
      if (s === undefined) return null;
      return (await q<{ value: string }>(pool, 'getMeta', [s, key])).rows[0]?.value ?? null;
    },
    async setMeta(scope, key, value, fence) {
      const step: PgStep | undefined =
        value === null
          ? await findScope(scope).then((s) => (s === undefined ? undefined : ['deleteMeta', [s, key]]))
          : ['setMeta', [await ensureScope(scope), key, storableText(value)]];
      if (!step) return;
      const fenced = await fenceScopes(fence);
      if (fenced) await transact([step], fenced);
      else await q(pool, ...step);
    },
    async listMeta(scope) {
      const s = await findScope(scope);
      if (s === undefined) return [];
      return (await q<{ key: string; value: string }>(pool, 'listMeta', [s])).rows;
    },
  };
}
