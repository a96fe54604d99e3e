/**
 * Every SQL statement the SQLite store runs, prepared once per connection. Id lists travel
 * as one JSON parameter read with `json_each`, so any list length is one bound statement.
 */
import type Database from 'better-sqlite3';
import {
  CONFLICT_COLUMNS,
  type ConflictRow,
  FAILURE_COLUMNS,
  type FailureRow,
  LINK_COLUMNS,
  type LinkRow,
  RUN_COLUMNS,
  type RunRow,
  TOMBSTONE_COLUMNS,
  type TombstoneRow,
} from './rows.js';

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** scope, propstreet id, CRM id, shadow, Propstreet etag, CRM modified, updated (LINK_COLUMNS' order). */
type LinkParams = [number, string, string, string | null, string | null, string | null, string];

export interface FailureParams {
  s: number;
  side: string;
  id: string;
  attempts: number;
  error: string;
  next: string;
  nextMs: number;
  q: number;
  first: string;
}

export interface TombstoneParams {
  s: number;
  p: string;
  c: string;
  reason: string;
  at: string;
  ms: number;
  relinked: string | null;
}

export interface ConflictParams {
  s: number;
  p: string;
  c: string;
  f: string;
  ps: string | null;
  crm: string | null;
  shadow: string | null;
  since: string;
}

export interface SqliteStatements {
  scopeId: Stmt<[string, string, string], { id: number }>;
  insertScope: Stmt<[string, string, string]>;
  listScopes: Stmt<[], { tenant: string; connection: string; kind: string }>;
  upsertLink: Stmt<LinkParams>;
  deleteLinks: Stmt<[number, string]>;
  /** JSON path of the field, scope. */
  dropShadowField: Stmt<[string, number]>;
  /** Scope, field. */
  dropFieldConflicts: Stmt<[number, string]>;
  linksByPs: Stmt<[number, string], LinkRow>;
  linksByCrm: Stmt<[number, string], LinkRow>;
  listLinksFirst: Stmt<[number, number], LinkRow>;
  listLinksAfter: Stmt<[number, string, number], LinkRow>;
  countLinks: Stmt<[number], { n: number }>;
  /** scope, propstreet id, etag, how many a contact keeps. */
  addOwnEtag: Stmt<[number, string, string, number]>;
  ownEtags: Stmt<[{ s: number; pairs: string }], { id: string }>;
  /** scope, limit. */
  listOwnEtagsFirst: Stmt<[number, number], { p: string; etags: string }>;
  /** scope, after, limit. */
  listOwnEtagsAfter: Stmt<[number, string, number], { p: string; etags: string }>;
  getCheckpoint: Stmt<[number, string], { value: string }>;
  setCheckpoint: Stmt<[number, string, string]>;
  upsertFailure: Stmt<[FailureParams]>;
  clearFailure: Stmt<[number, string, string]>;
  listFailures: Stmt<[{ s: number; due: number | null; q: number | null }], FailureRow>;
  startRun: Stmt<[{ s: number; id: string; at: string; ms: number; dry: number }]>;
  finishRun: Stmt<[{ s: number; id: string; at: string; status: string; summary: string | null }]>;
  listRuns: Stmt<[number, number], RunRow>;
  acquireLock: Stmt<[{ s: number; owner: string; now: number; until: number }]>;
  releaseLock: Stmt<[number, string]>;
  lockHolder: Stmt<[number], { owner: string; expires_ms: number }>;
  getMeta: Stmt<[number, string], { value: string }>;
  setMeta: Stmt<[number, string, string]>;
  deleteMeta: Stmt<[number, string]>;
  /** scope, JSON array of keys. */
  deleteMetaKeys: Stmt<[number, string]>;
  listMeta: Stmt<[number], { key: string; value: string }>;
  upsertTombstone: Stmt<[TombstoneParams]>;
  deleteTombstones: Stmt<[number, string]>;
  tombstonesByPs: Stmt<[number, string], TombstoneRow>;
  listTombstones: Stmt<[{ s: number; relinked: number | null; limit: number }], TombstoneRow>;
  countTombstones: Stmt<[number], { n: number }>;
  dropConflictsBut: Stmt<[{ s: number; p: string; keep: string }]>;
  dropConflicts: Stmt<[number, string]>;
  upsertConflict: Stmt<[ConflictParams]>;
  listConflicts: Stmt<[{ s: number; resolved: number | null; limit: number }], ConflictRow>;
  countConflicts: Stmt<[number], { n: number }>;
  conflictsByPs: Stmt<[number, string], ConflictRow>;
  resolveConflict: Stmt<
    [{ s: number; p: string; f: string; take: string | null; value: string | null; at: string | null }]
  >;
}

export function prepareStatements(db: Database.Database): SqliteStatements {
  return {
    scopeId: db.prepare('SELECT id FROM scopes WHERE tenant = ? AND connection = ? AND kind = ?'),
    insertScope: db.prepare(
      'INSERT INTO scopes (tenant, connection, kind) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    listScopes: db.prepare(
      `SELECT tenant, connection, kind FROM scopes s
       WHERE EXISTS (SELECT 1 FROM links WHERE scope_id = s.id)
          OR EXISTS (SELECT 1 FROM own_etags WHERE scope_id = s.id)
          OR EXISTS (SELECT 1 FROM checkpoints WHERE scope_id = s.id)
          OR EXISTS (SELECT 1 FROM failures WHERE scope_id = s.id)
          OR EXISTS (SELECT 1 FROM runs WHERE scope_id = s.id)
          OR EXISTS (SELECT 1 FROM meta WHERE scope_id = s.id)
          OR EXISTS (SELECT 1 FROM tombstones WHERE scope_id = s.id)
          OR EXISTS (SELECT 1 FROM conflicts WHERE scope_id = s.id)
          OR EXISTS (SELECT 1 FROM ref_outbox WHERE scope_id = s.id)
       ORDER BY tenant, connection, kind`,
    ),
    // The commit's hottest statements (a row each per record) bind positionally: no object of
    // named parameters built per row and looked up by name per bind.
    upsertLink: db.prepare(
      `INSERT INTO links (scope_id, ${LINK_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope_id, propstreet_id) DO UPDATE SET crm_id = excluded.crm_id,
         shadow = excluded.shadow, propstreet_etag = excluded.propstreet_etag,
         crm_modified_at = excluded.crm_modified_at, updated_at = excluded.updated_at`,
    ),
    dropShadowField: db.prepare(
      'UPDATE links SET shadow = json_remove(shadow, ?) WHERE scope_id = ? AND shadow IS NOT NULL',
    ),
    dropFieldConflicts: db.prepare('DELETE FROM conflicts WHERE scope_id = ? AND field = ?'),
    deleteLinks: db.prepare(
      'DELETE FROM links WHERE scope_id = ? AND propstreet_id IN (SELECT value FROM json_each(?))',
    ),
    linksByPs: db.prepare(
      `SELECT ${LINK_COLUMNS} FROM links
       WHERE scope_id = ? AND propstreet_id IN (SELECT value FROM json_each(?))`,
    ),
    linksByCrm: db.prepare(
      `SELECT ${LINK_COLUMNS} FROM links WHERE scope_id = ? AND crm_id IN (SELECT value FROM json_each(?))`,
    ),
    listLinksFirst: db.prepare(
      `SELECT ${LINK_COLUMNS} FROM links WHERE scope_id = ? ORDER BY propstreet_id LIMIT ?`,
    ),
    listLinksAfter: db.prepare(
      `SELECT ${LINK_COLUMNS} FROM links WHERE scope_id = ? AND propstreet_id > ?
       ORDER BY propstreet_id LIMIT ?`,
    ),
    countLinks: db.prepare('SELECT count(*) AS n FROM links WHERE scope_id = ?'),
    // A contact's own etags are one JSON array, oldest first (migration 6): a new etag is
    // appended, the oldest dropped once `kept` are held, and one already held changes nothing.
    // Kept is a constant, so a list never holds more than one over it to drop.
    addOwnEtag: db.prepare(
      `INSERT INTO own_etags (scope_id, propstreet_id, etags) VALUES (?, ?, json_array(?))
       ON CONFLICT (scope_id, propstreet_id) DO UPDATE SET etags = CASE
           WHEN json_array_length(own_etags.etags) < ? THEN json_insert(own_etags.etags, '$[#]', excluded.etags ->> 0)
           ELSE json_insert(json_remove(own_etags.etags, '$[0]'), '$[#]', excluded.etags ->> 0) END
         WHERE NOT EXISTS (SELECT 1 FROM json_each(own_etags.etags) e WHERE e.value = excluded.etags ->> 0)`,
    ),
    ownEtags: db.prepare(
      // CROSS JOIN pins json_each as the outer loop: one primary-key probe per pair.
      `SELECT o.propstreet_id AS id FROM json_each(@pairs) j
       CROSS JOIN own_etags o ON o.scope_id = @s AND o.propstreet_id = j.value ->> 0
       WHERE EXISTS (SELECT 1 FROM json_each(o.etags) e WHERE e.value = j.value ->> 1)`,
    ),
    // Two statements, not `@after IS NULL OR …`: only a plain bound starts the key range at the cursor.
    listOwnEtagsFirst: db.prepare(
      'SELECT propstreet_id AS p, etags FROM own_etags WHERE scope_id = ? ORDER BY propstreet_id LIMIT ?',
    ),
    listOwnEtagsAfter: db.prepare(
      `SELECT propstreet_id AS p, etags FROM own_etags WHERE scope_id = ? AND propstreet_id > ?
       ORDER BY propstreet_id LIMIT ?`,
    ),
    getCheckpoint: db.prepare('SELECT value FROM checkpoints WHERE scope_id = ? AND side = ?'),
    setCheckpoint: db.prepare(
      `INSERT INTO checkpoints (scope_id, side, value) VALUES (?, ?, ?)
       ON CONFLICT (scope_id, side) DO UPDATE SET value = excluded.value`,
    ),
    upsertFailure: db.prepare(
      `INSERT INTO failures (scope_id, ${FAILURE_COLUMNS}, next_retry_ms)
       VALUES (@s, @side, @id, @attempts, @error, @next, @q, @first, @nextMs)
       ON CONFLICT (scope_id, side, record_id) DO UPDATE SET attempts = excluded.attempts,
         last_error = excluded.last_error, next_retry_at = excluded.next_retry_at,
         next_retry_ms = excluded.next_retry_ms, quarantined = excluded.quarantined,
         first_failed_at = excluded.first_failed_at`,
    ),
    clearFailure: db.prepare('DELETE FROM failures WHERE scope_id = ? AND side = ? AND record_id = ?'),
    listFailures: db.prepare(
      `SELECT ${FAILURE_COLUMNS} FROM failures
       WHERE scope_id = @s AND (@due IS NULL OR next_retry_ms <= @due) AND (@q IS NULL OR quarantined = @q)
       ORDER BY next_retry_ms, side, record_id`,
    ),
    startRun: db.prepare(
      `INSERT INTO runs (scope_id, id, started_at, started_ms, dry_run, status)
       VALUES (@s, @id, @at, @ms, @dry, 'running') ON CONFLICT (scope_id, id) DO NOTHING`,
    ),
    finishRun: db.prepare(
      `UPDATE runs SET finished_at = @at, status = @status, summary = @summary
       WHERE scope_id = @s AND id = @id`,
    ),
    listRuns: db.prepare(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE scope_id = ? ORDER BY started_ms DESC, seq DESC LIMIT ?`,
    ),
    // Same owner renews; anyone else only once the holder's lease ran out.
    acquireLock: db.prepare(
      `INSERT INTO locks (scope_id, owner, expires_ms) VALUES (@s, @owner, @until)
       ON CONFLICT (scope_id) DO UPDATE SET owner = excluded.owner, expires_ms = excluded.expires_ms
       WHERE locks.expires_ms <= @now OR locks.owner = excluded.owner`,
    ),
    releaseLock: db.prepare('DELETE FROM locks WHERE scope_id = ? AND owner = ?'),
    lockHolder: db.prepare('SELECT owner, expires_ms FROM locks WHERE scope_id = ?'),
    getMeta: db.prepare('SELECT value FROM meta WHERE scope_id = ? AND key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (scope_id, key, value) VALUES (?, ?, ?) ON CONFLICT (scope_id, key) DO UPDATE SET value = excluded.value',
    ),
    deleteMeta: db.prepare('DELETE FROM meta WHERE scope_id = ? AND key = ?'),
    deleteMetaKeys: db.prepare(
      'DELETE FROM meta WHERE scope_id = ? AND key IN (SELECT value FROM json_each(?))',
    ),
    listMeta: db.prepare('SELECT key, value FROM meta WHERE scope_id = ? ORDER BY key'),
    upsertTombstone: db.prepare(
      `INSERT INTO tombstones (scope_id, ${TOMBSTONE_COLUMNS}, ended_ms)
       VALUES (@s, @p, @c, @reason, @at, @relinked, @ms)
       ON CONFLICT (scope_id, propstreet_id) DO UPDATE SET crm_id = excluded.crm_id,
         reason = excluded.reason, ended_at = excluded.ended_at, ended_ms = excluded.ended_ms,
         relinked_at = excluded.relinked_at`,
    ),
    deleteTombstones: db.prepare(
      'DELETE FROM tombstones WHERE scope_id = ? AND propstreet_id IN (SELECT value FROM json_each(?))',
    ),
    tombstonesByPs: db.prepare(
      `SELECT ${TOMBSTONE_COLUMNS} FROM tombstones
       WHERE scope_id = ? AND propstreet_id IN (SELECT value FROM json_each(?))`,
    ),
    listTombstones: db.prepare(
      `SELECT ${TOMBSTONE_COLUMNS} FROM tombstones
       WHERE scope_id = @s AND (@relinked IS NULL OR (relinked_at IS NOT NULL) = @relinked)
       ORDER BY ended_ms DESC, propstreet_id LIMIT @limit`,
    ),
    countTombstones: db.prepare('SELECT count(*) AS n FROM tombstones WHERE scope_id = ?'),
    dropConflictsBut: db.prepare(
      `DELETE FROM conflicts WHERE scope_id = @s AND propstreet_id = @p
         AND field NOT IN (SELECT value FROM json_each(@keep))`,
    ),
    dropConflicts: db.prepare(
      'DELETE FROM conflicts WHERE scope_id = ? AND propstreet_id IN (SELECT value FROM json_each(?))',
    ),
    // A conflict found again keeps when it was first found and any resolution made since.
    upsertConflict: db.prepare(
      `INSERT INTO conflicts (scope_id, propstreet_id, field, crm_id, propstreet_value, crm_value,
                              shadow_value, since)
       VALUES (@s, @p, @f, @c, @ps, @crm, @shadow, @since)
       ON CONFLICT (scope_id, propstreet_id, field) DO UPDATE SET crm_id = excluded.crm_id,
         propstreet_value = excluded.propstreet_value, crm_value = excluded.crm_value,
         shadow_value = excluded.shadow_value`,
    ),
    listConflicts: db.prepare(
      `SELECT ${CONFLICT_COLUMNS} FROM conflicts
       WHERE scope_id = @s AND (@resolved IS NULL OR (take IS NOT NULL) = @resolved)
       ORDER BY propstreet_id, field LIMIT @limit`,
    ),
    countConflicts: db.prepare('SELECT count(*) AS n FROM conflicts WHERE scope_id = ?'),
    conflictsByPs: db.prepare(
      `SELECT ${CONFLICT_COLUMNS} FROM conflicts
       WHERE scope_id = ? AND propstreet_id IN (SELECT value FROM json_each(?)) ORDER BY propstreet_id, field`,
    ),
    resolveConflict: db.prepare(
      `UPDATE conflicts SET take = @take, value = @value, resolved_at = @at
       WHERE scope_id = @s AND propstreet_id = @p AND field = @f`,
    ),
  };
}
