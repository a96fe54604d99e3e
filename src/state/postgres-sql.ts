/**
 * Every SQL text the PostgreSQL store runs, for one schema. Batches travel as parallel
 * arrays through `unnest`, so a 200-link commit is one statement per table, not 200.
 */

import { refOutboxSql } from './postgres-ref-outbox.js';
import {
  CONFLICT_COLUMNS,
  FAILURE_COLUMNS,
  LINK_COLUMNS,
  OWN_ETAGS_KEPT,
  RUN_COLUMNS,
  TOMBSTONE_COLUMNS,
} from './rows.js';

export type PgSql = ReturnType<typeof pgSql>;

export function pgSql(s: string) {
  return {
    scopeId: `SELECT id FROM ${s}.scopes WHERE tenant = $1 AND connection = $2 AND kind = $3`,
    // DO UPDATE (not NOTHING) so RETURNING yields the id even when a concurrent worker won.
    ensureScope: `INSERT INTO ${s}.scopes (tenant, connection, kind) VALUES ($1, $2, $3)
      ON CONFLICT (tenant, connection, kind) DO UPDATE SET tenant = EXCLUDED.tenant RETURNING id`,
    listScopes: `SELECT tenant, connection, kind FROM ${s}.scopes sc
      WHERE EXISTS (SELECT 1 FROM ${s}.links WHERE scope_id = sc.id)
         OR EXISTS (SELECT 1 FROM ${s}.own_etags WHERE scope_id = sc.id)
         OR EXISTS (SELECT 1 FROM ${s}.checkpoints WHERE scope_id = sc.id)
         OR EXISTS (SELECT 1 FROM ${s}.failures WHERE scope_id = sc.id)
         OR EXISTS (SELECT 1 FROM ${s}.runs WHERE scope_id = sc.id)
         OR EXISTS (SELECT 1 FROM ${s}.meta WHERE scope_id = sc.id)
         OR EXISTS (SELECT 1 FROM ${s}.tombstones WHERE scope_id = sc.id)
         OR EXISTS (SELECT 1 FROM ${s}.conflicts WHERE scope_id = sc.id)
         OR EXISTS (SELECT 1 FROM ${s}.ref_outbox WHERE scope_id = sc.id)
      ORDER BY tenant, connection, kind`,

    deleteLinks: `DELETE FROM ${s}.links WHERE scope_id = $1 AND propstreet_id = ANY($2::text[])`,
    dropShadowFields: `UPDATE ${s}.links SET shadow = (shadow::jsonb - $2::text[])::text
      WHERE scope_id = $1 AND shadow IS NOT NULL`,
    dropFieldConflicts: `DELETE FROM ${s}.conflicts WHERE scope_id = $1 AND field = ANY($2::text[])`,
    upsertLinks: `INSERT INTO ${s}.links (scope_id, ${LINK_COLUMNS})
      SELECT $1::integer, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
      ON CONFLICT (scope_id, propstreet_id) DO UPDATE SET crm_id = EXCLUDED.crm_id,
        shadow = EXCLUDED.shadow, propstreet_etag = EXCLUDED.propstreet_etag,
        crm_modified_at = EXCLUDED.crm_modified_at, updated_at = EXCLUDED.updated_at`,
    // Lookups probe the unique index once per id (LATERAL … LIMIT 1 cannot be flattened). The
    // plain `= ANY` form scanned the whole scope while a growing table was not yet analyzed.
    linksByPs: `SELECT l.* FROM unnest($2::text[]) AS u(id) CROSS JOIN LATERAL (
      SELECT ${LINK_COLUMNS} FROM ${s}.links WHERE scope_id = $1 AND propstreet_id = u.id LIMIT 1) l`,
    linksByCrm: `SELECT l.* FROM unnest($2::text[]) AS u(id) CROSS JOIN LATERAL (
      SELECT ${LINK_COLUMNS} FROM ${s}.links WHERE scope_id = $1 AND crm_id = u.id LIMIT 1) l`,
    listLinksFirst: `SELECT ${LINK_COLUMNS} FROM ${s}.links WHERE scope_id = $1
      ORDER BY propstreet_id LIMIT $2`,
    listLinksAfter: `SELECT ${LINK_COLUMNS} FROM ${s}.links WHERE scope_id = $1 AND propstreet_id > $2
      ORDER BY propstreet_id LIMIT $3`,
    countLinks: `SELECT count(*)::integer AS n FROM ${s}.links WHERE scope_id = $1`,

    insertOwnEtags: `INSERT INTO ${s}.own_etags (scope_id, propstreet_id, etag)
      SELECT $1::integer, u.p, u.e FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(p, e, ord) ORDER BY ord
      ON CONFLICT DO NOTHING`,
    // Per contact one backward index probe (LATERAL), then delete by row address: no join
    // back on the key that the planner could turn into a scope-wide scan.
    pruneOwnEtags: `DELETE FROM ${s}.own_etags WHERE ctid = ANY (ARRAY(
      SELECT old.ctid FROM unnest($2::text[]) AS u(p)
      CROSS JOIN LATERAL (SELECT ctid FROM ${s}.own_etags WHERE scope_id = $1 AND propstreet_id = u.p
                          ORDER BY seq DESC OFFSET ${OWN_ETAGS_KEPT}) old))`,
    ownEtags: `SELECT o.id FROM unnest($2::text[], $3::text[]) AS u(p, e) CROSS JOIN LATERAL (
      SELECT propstreet_id AS id FROM ${s}.own_etags
      WHERE scope_id = $1 AND propstreet_id = u.p AND etag = u.e LIMIT 1) o`,
    listOwnEtags: `SELECT propstreet_id AS p, etag FROM ${s}.own_etags
      WHERE scope_id = $1 AND propstreet_id IN (
        SELECT DISTINCT propstreet_id FROM ${s}.own_etags
        WHERE scope_id = $1 AND ($2::text IS NULL OR propstreet_id > $2::text)
        ORDER BY propstreet_id LIMIT $3)
      ORDER BY propstreet_id, seq`,

    getCheckpoint: `SELECT value FROM ${s}.checkpoints WHERE scope_id = $1 AND side = $2`,
    setCheckpoints: `INSERT INTO ${s}.checkpoints (scope_id, side, value)
      SELECT $1::integer, * FROM unnest($2::text[], $3::text[])
      ON CONFLICT (scope_id, side) DO UPDATE SET value = EXCLUDED.value`,

    clearFailures: `DELETE FROM ${s}.failures f USING unnest($2::text[], $3::text[]) AS u(side, id)
      WHERE f.scope_id = $1 AND f.side = u.side AND f.record_id = u.id`,
    upsertFailures: `INSERT INTO ${s}.failures (scope_id, ${FAILURE_COLUMNS}, next_retry_ms)
      SELECT $1::integer, * FROM unnest($2::text[], $3::text[], $4::integer[], $5::text[], $6::text[],
                               $7::boolean[], $8::text[], $9::bigint[])
      ON CONFLICT (scope_id, side, record_id) DO UPDATE SET attempts = EXCLUDED.attempts,
        last_error = EXCLUDED.last_error, next_retry_at = EXCLUDED.next_retry_at,
        next_retry_ms = EXCLUDED.next_retry_ms, quarantined = EXCLUDED.quarantined,
        first_failed_at = EXCLUDED.first_failed_at`,
    listFailures: `SELECT ${FAILURE_COLUMNS} FROM ${s}.failures
      WHERE scope_id = $1 AND ($2::bigint IS NULL OR next_retry_ms <= $2::bigint)
        AND ($3::boolean IS NULL OR quarantined = $3::boolean)
      ORDER BY next_retry_ms, side, record_id`,

    startRun: `INSERT INTO ${s}.runs (scope_id, id, started_at, started_ms, dry_run, status)
      VALUES ($1, $2, $3, $4, $5, 'running') ON CONFLICT (scope_id, id) DO NOTHING`,
    finishRun: `UPDATE ${s}.runs SET finished_at = $3, status = $4, summary = $5
      WHERE scope_id = $1 AND id = $2`,
    listRuns: `SELECT ${RUN_COLUMNS} FROM ${s}.runs WHERE scope_id = $1
      ORDER BY started_ms DESC, seq DESC LIMIT $2`,

    // The database clock decides expiry, so workers with skewed clocks agree. Same owner
    // renews; anyone else only once the holder's lease ran out.
    acquireLock: `INSERT INTO ${s}.locks AS l (scope_id, owner, expires_at)
      VALUES ($1, $2, clock_timestamp() + $3::double precision * interval '1 millisecond')
      ON CONFLICT (scope_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE l.expires_at <= clock_timestamp() OR l.owner = EXCLUDED.owner`,
    releaseLock: `DELETE FROM ${s}.locks WHERE scope_id = $1 AND owner = $2`,
    lockHolder: `SELECT owner, expires_at FROM ${s}.locks WHERE scope_id = $1`,
    // A fenced write's first statement: the rows stay share-locked until it ends, so a takeover
    // (acquireLock's upsert) waits for it and the write cannot land after one.
    fenceLocks: `SELECT scope_id, owner FROM ${s}.locks WHERE scope_id = ANY($1::integer[]) FOR SHARE`,
    getMeta: `SELECT value FROM ${s}.meta WHERE scope_id = $1 AND key = $2`,
    setMeta: `INSERT INTO ${s}.meta (scope_id, key, value) VALUES ($1, $2, $3)
      ON CONFLICT (scope_id, key) DO UPDATE SET value = EXCLUDED.value`,
    deleteMeta: `DELETE FROM ${s}.meta WHERE scope_id = $1 AND key = $2`,
    deleteMetaKeys: `DELETE FROM ${s}.meta WHERE scope_id = $1 AND key = ANY($2::text[])`,
    listMeta: `SELECT key, value FROM ${s}.meta WHERE scope_id = $1 ORDER BY key`,

    deleteTombstones: `DELETE FROM ${s}.tombstones WHERE scope_id = $1 AND propstreet_id = ANY($2::text[])`,
    upsertTombstones: `INSERT INTO ${s}.tombstones (scope_id, ${TOMBSTONE_COLUMNS}, ended_ms)
      SELECT $1::integer, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
      ON CONFLICT (scope_id, propstreet_id) DO UPDATE SET crm_id = EXCLUDED.crm_id,
        reason = EXCLUDED.reason, ended_at = EXCLUDED.ended_at, ended_ms = EXCLUDED.ended_ms,
        relinked_at = EXCLUDED.relinked_at`,
    tombstonesByPs: `SELECT ${TOMBSTONE_COLUMNS} FROM ${s}.tombstones
      WHERE scope_id = $1 AND propstreet_id = ANY($2::text[])`,
    listTombstones: `SELECT ${TOMBSTONE_COLUMNS} FROM ${s}.tombstones
      WHERE scope_id = $1 AND ($2::boolean IS NULL OR (relinked_at IS NOT NULL) = $2::boolean)
      ORDER BY ended_ms DESC, propstreet_id LIMIT $3`,
    countTombstones: `SELECT count(*)::integer AS n FROM ${s}.tombstones WHERE scope_id = $1`,

    // Rows of the listed pairs that are not among the (pair, field)s kept.
    dropConflictsBut: `DELETE FROM ${s}.conflicts WHERE scope_id = $1 AND propstreet_id = ANY($2::text[])
      AND (propstreet_id, field) NOT IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
    // A conflict found again keeps when it was first found and any resolution made since.
    upsertConflicts: `INSERT INTO ${s}.conflicts (scope_id, propstreet_id, field, crm_id, propstreet_value,
        crm_value, shadow_value, since)
      SELECT $1::integer, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                        $7::text[], $8::text[])
      ON CONFLICT (scope_id, propstreet_id, field) DO UPDATE SET crm_id = EXCLUDED.crm_id,
        propstreet_value = EXCLUDED.propstreet_value, crm_value = EXCLUDED.crm_value,
        shadow_value = EXCLUDED.shadow_value`,
    listConflicts: `SELECT ${CONFLICT_COLUMNS} FROM ${s}.conflicts
      WHERE scope_id = $1 AND ($2::boolean IS NULL OR (take IS NOT NULL) = $2::boolean)
      ORDER BY propstreet_id, field LIMIT $3`,
    conflictsByPs: `SELECT ${CONFLICT_COLUMNS} FROM ${s}.conflicts
      WHERE scope_id = $1 AND propstreet_id = ANY($2::text[]) ORDER BY propstreet_id, field`,
    countConflicts: `SELECT count(*)::integer AS n FROM ${s}.conflicts WHERE scope_id = $1`,
    resolveConflict: `UPDATE ${s}.conflicts SET take = $4, value = $5, resolved_at = $6
      WHERE scope_id = $1 AND propstreet_id = $2 AND field = $3`,
    ...refOutboxSql(s),
  };
}
