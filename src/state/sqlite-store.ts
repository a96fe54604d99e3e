/**
 * The embedded StateStore: one SQLite file per install (WAL, so `status` can read while a
 * run writes). better-sqlite3 is synchronous; each method finishes its work in one call.
 */
import Database from 'better-sqlite3';
import { NotFoundError, PropsyncError } from '../core/errors.js';
import { fenceLost } from './lock-fence.js';
import type { LockFence, Scope, StateStore } from './port.js';
import {
  checkLimit,
  checkScope,
  conflictFrom,
  conflictFromRow,
  failureFromRow,
  isEmpty,
  linkFromRow,
  runFromRow,
  scopeKey,
  scopeName,
  storableChanges,
  storableText,
  toMs,
  tombstoneFromRow,
} from './rows.js';
import { sqliteCommitter } from './sqlite-commit.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { prepareRefOutbox, queuedRefs, type RefOutboxStatements } from './sqlite-ref-outbox.js';
import { prepareStatements, type SqliteStatements } from './sqlite-statements.js';

export interface SqliteStateStoreOptions {
  /** A file path, or `:memory:` for tests. */
  readonly path: string;
  /** How long a writer waits for another process's write lock before failing. */
  readonly busyTimeoutMs?: number;
}

export function createSqliteStateStore(options: SqliteStateStoreOptions): StateStore {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  db.pragma('foreign_keys = ON');
  // Safe with WAL (a power cut may lose the last commit, never corrupt) and much faster.
  db.pragma('synchronous = NORMAL');

  let prepared: SqliteStatements | undefined;
  // Prepared lazily: the tables exist only after migrate().
  const st = (): SqliteStatements => {
    prepared ??= prepareStatements(db);
    return prepared;
  };
  let outboxPrepared: RefOutboxStatements | undefined;
  const outbox = (): RefOutboxStatements => {
    outboxPrepared ??= prepareRefOutbox(db);
    return outboxPrepared;
  };
  const scopeIds = new Map<string, number>();

  /** The scope's id if it has ever been written; reads of unknown scopes create nothing. */
  function findScope(scope: Scope): number | undefined {
    checkScope(scope);
    const key = scopeKey(scope);
    const cached = scopeIds.get(key);
    if (cached !== undefined) return cached;
    const id = st().scopeId.get(scope.tenant, scope.connection, scope.kind)?.id;
    if (id !== undefined) scopeIds.set(key, id);
    return id;
  }

  function ensureScope(scope: Scope): number {
    const found = findScope(scope);
    if (found !== undefined) return found;
    st().insertScope.run(scope.tenant, scope.connection, scope.kind);
    const id = findScope(scope);
    if (id === undefined) throw new Error('scope row vanished after insert');
    return id;
  }

  const applyChanges = sqliteCommitter(db, st, outbox);

  /** A fenced write's check, run inside its immediate transaction (no other writer meanwhile). */
  function fenceCheck(fence: readonly LockFence[] | undefined): (() => void) | undefined {
    if (!fence?.length) return undefined;
    return () => {
      for (const f of fence) {
        const s = findScope(f.scope);
        if (s === undefined || st().lockHolder.get(s)?.owner !== f.owner) throw fenceLost(f);
      }
    };
  }

  return {
    async migrate() {
      migrateSqlite(db);
    },
    async close() {
      if (db.open) db.close();
    },

    async commit(scope, changes, fence) {
      if (isEmpty(changes)) return;
      const s = ensureScope(scope);
      try {
        applyChanges(s, storableChanges(changes), fenceCheck(fence));
      } catch (err) {
        throw conflictFrom(err, scope);
      }
    },

    async linksByPropstreetIds(scope, ids) {
      const s = findScope(scope);
      if (s === undefined || ids.length === 0) return [];
      return st().linksByPs.all(s, JSON.stringify(ids)).map(linkFromRow);
    },
    async linksByCrmIds(scope, ids) {
      const s = findScope(scope);
      if (s === undefined || ids.length === 0) return [];
      return st().linksByCrm.all(s, JSON.stringify(ids)).map(linkFromRow);
    },
    async listLinks(scope, { after, limit }) {
      checkLimit(limit);
      const s = findScope(scope);
      if (s === undefined) return [];
      const rows =
        after === undefined ? st().listLinksFirst.all(s, limit) : st().listLinksAfter.all(s, after, limit);
      return rows.map(linkFromRow);
    },
    async countLinks(scope) {
      const s = findScope(scope);
      return s === undefined ? 0 : (st().countLinks.get(s)?.n ?? 0);
    },

    async ownEtags(scope, pairs) {
      const s = findScope(scope);
      if (s === undefined || pairs.length === 0) return new Set();
      const json = JSON.stringify(pairs.map((p) => [p.propstreetId, p.etag]));
      return new Set(
        st()
          .ownEtags.all({ s, pairs: json })
          .map((r) => r.id),
      );
    },
    async listOwnEtags(scope, { after, limit }) {
      checkLimit(limit);
      const s = findScope(scope);
      if (s === undefined) return [];
      const rows =
        after === undefined
          ? st().listOwnEtagsFirst.all(s, limit)
          : st().listOwnEtagsAfter.all(s, after, limit);
      return rows.map((r) => ({ propstreetId: r.p, etags: ownEtagsFromJson(r.etags) }));
    },

    async getCheckpoint(scope, side) {
      const s = findScope(scope);
      return s === undefined ? null : (st().getCheckpoint.get(s, side)?.value ?? null);
    },

    async listFailures(scope, options = {}) {
      const s = findScope(scope);
      if (s === undefined) return [];
      const due = options.dueBy === undefined ? null : toMs('dueBy', options.dueBy);
      const q = options.quarantined === undefined ? null : options.quarantined ? 1 : 0;
      return st().listFailures.all({ s, due, q }).map(failureFromRow);
    },

    // Idempotent by run id, so a copied or retried start does not fail.
    async startRun(scope, run) {
      const s = ensureScope(scope);
      st().startRun.run({
        s,
        id: run.id,
        at: run.startedAt,
        ms: toMs('startedAt', run.startedAt),
        dry: run.dryRun ? 1 : 0,
      });
    },
    async finishRun(scope, id, result) {
      const s = findScope(scope);
      const summary = result.summary === undefined ? null : JSON.stringify(result.summary);
      const changed =
        s === undefined
          ? 0
          : st().finishRun.run({ s, id, at: result.finishedAt, status: result.status, summary }).changes;
      if (changed === 0) throw new NotFoundError(`run ${id} of ${scopeName(scope)} not found`);
    },
    async listRuns(scope, limit) {
      checkLimit(limit);
      const s = findScope(scope);
      return s === undefined ? [] : st().listRuns.all(s, limit).map(runFromRow);
    },

    async acquireLock(scope, owner, ttlMs) {
      const s = ensureScope(scope);
      const now = Date.now();
      return st().acquireLock.run({ s, owner, now, until: now + ttlMs }).changes === 1;
    },
    async releaseLock(scope, owner) {
      const s = findScope(scope);
      if (s !== undefined) st().releaseLock.run(s, owner);
    },
    async lockHolder(scope) {
      const s = findScope(scope);
      const row = s === undefined ? undefined : st().lockHolder.get(s);
      return row ? { owner: row.owner, expiresAt: new Date(row.expires_ms).toISOString() } : null;
    },

    async tombstonesByPropstreetIds(scope, ids) {
      const s = findScope(scope);
      if (s === undefined || ids.length === 0) return [];
      return st().tombstonesByPs.all(s, JSON.stringify(ids)).map(tombstoneFromRow);
    },
    async listTombstones(scope, { limit, relinked }) {
      checkLimit(limit);
      const s = findScope(scope);
      if (s === undefined) return [];
      const r = relinked === undefined ? null : relinked ? 1 : 0;
      return st().listTombstones.all({ s, relinked: r, limit }).map(tombstoneFromRow);
    },
    async countTombstones(scope) {
      const s = findScope(scope);
      return s === undefined ? 0 : (st().countTombstones.get(s)?.n ?? 0);
    },

    async listConflicts(scope, { limit, resolved }) {
      checkLimit(limit);
      const s = findScope(scope);
      if (s === undefined) return [];
      const r = resolved === undefined ? null : resolved ? 1 : 0;
      return st().listConflicts.all({ s, resolved: r, limit }).map(conflictFromRow);
    },
    async countConflicts(scope) {
      const s = findScope(scope);
      return s === undefined ? 0 : (st().countConflicts.get(s)?.n ?? 0);
    },
    async conflictsByPropstreetIds(scope, ids) {
      const s = findScope(scope);
      if (s === undefined || ids.length === 0) return [];
      return st().conflictsByPs.all(s, JSON.stringify(ids)).map(conflictFromRow);
    },
    async resolveConflict(scope, { propstreetId, field }, resolution) {
      const s = findScope(scope);
      if (s === undefined) return false;
      const changed = st().resolveConflict.run({
        s,
        p: propstreetId,
        f: field,
        take: resolution?.take ?? null,
        value: resolution?.take === 'value' ? resolution.value : null,
        at: resolution?.at ?? null,
      }).changes;
      return changed === 1;
    },

    async queuedRefs(of, options) {
      checkLimit(options.limit);
      return queuedRefs(outbox(), of, options);
    },
    async refBacklog(scope) {
      const s = findScope(scope);
      const row = s === undefined ? undefined : outbox().backlog.get(s);
      return { pending: row?.pending ?? 0, failing: row?.failing ?? 0 };
    },

    async listScopes() {
      return st().listScopes.all();
    },

    async getMeta(scope, key) {
      const s = findScope(scope);
      return s === undefined ? null : (st().getMeta.get(s, key)?.value ?? null);
    },
    async setMeta(scope, key, value, fence) {
      const write = () => {
        if (value === null) {
          const s = findScope(scope);
          if (s !== undefined) st().deleteMeta.run(s, key);
        } else st().setMeta.run(ensureScope(scope), key, storableText(value));
      };
      const check = fenceCheck(fence);
      if (!check) write();
      else
        db.transaction(() => {
          check();
          write();
        }).immediate();
    },
    async listMeta(scope) {
      const s = findScope(scope);
      return s === undefined ? [] : st().listMeta.all(s);
    },
  };
}

/** A contact's own etags as SQLite keeps them (one JSON array, oldest first); anything else is a damaged file. */
function ownEtagsFromJson(json: string): string[] {
  const etags: unknown = JSON.parse(json);
  if (!Array.isArray(etags) || !etags.every((e) => typeof e === 'string'))
    throw new PropsyncError('STATE', `own etags row is not a list of etags: ${json.slice(0, 80)}`);
  return etags;
}
