/**
 * The ref outbox on SQLite: its statements, its part of a commit (inside the commit's
 * transaction, so a link and its pending write-back are stored together) and its reads.
 */
import type Database from 'better-sqlite3';
import type { QueuedRef, Scope, StateChanges } from './port.js';
import { queuedRefFromTuple, REF_OUTBOX_COLUMNS, type RefOutboxTuple } from './ref-outbox-rows.js';
import { toMs } from './rows.js';

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

export interface RefOutboxStatements {
  /** scope, propstreet id, CRM id, namespace, etag, refs JSON, enqueued at, and its ms. */
  enqueue: Stmt<[number, string, string, string, string | null, string, string, number]>;
  /** scope, propstreet id, CRM id. */
  done: Stmt<[number, string, string]>;
  /** new etag, scope, propstreet id, CRM id, the etag it must still hold. */
  moveLinkEtag: Stmt<[string, number, string, string, string | null]>;
  defer: Stmt<[{ s: number; p: string; attempts: number; ms: number; error: string }]>;
  dropForLinks: Stmt<[number, string]>;
  queued: Stmt<[{ tenant: string; kind: string; due: number; limit: number }], RefOutboxTuple>;
  queuedAfter: Stmt<
    [{ tenant: string; kind: string; after: string; due: number; limit: number }],
    RefOutboxTuple
  >;
  backlog: Stmt<[number], { pending: number; failing: number | null }>;
}

export function prepareRefOutbox(db: Database.Database): RefOutboxStatements {
  const raw = <P extends unknown[]>(sql: string) => db.prepare<P, RefOutboxTuple>(sql).raw();
  return {
    // A row each per created record (enqueue; done and the etag move per write-back): bound
    // positionally, with no object of named parameters built per row.
    enqueue: db.prepare(
      `INSERT INTO ref_outbox (scope_id, propstreet_id, crm_id, namespace, etag, refs, enqueued_at, attempts, next_try_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
       ON CONFLICT (propstreet_id, scope_id) DO UPDATE SET crm_id = excluded.crm_id,
         namespace = excluded.namespace, etag = excluded.etag, refs = excluded.refs,
         enqueued_at = excluded.enqueued_at, attempts = 0, next_try_ms = excluded.next_try_ms,
         last_error = NULL`,
    ),
    done: db.prepare('DELETE FROM ref_outbox WHERE scope_id = ? AND propstreet_id = ? AND crm_id = ?'),
    moveLinkEtag: db.prepare(
      `UPDATE links SET propstreet_etag = ?
       WHERE scope_id = ? AND propstreet_id = ? AND crm_id = ? AND propstreet_etag IS ?`,
    ),
    defer: db.prepare(
      `UPDATE ref_outbox SET attempts = @attempts, next_try_ms = @ms, last_error = @error
       WHERE scope_id = @s AND propstreet_id = @p`,
    ),
    dropForLinks: db.prepare(
      'DELETE FROM ref_outbox WHERE scope_id = ? AND propstreet_id IN (SELECT value FROM json_each(?))',
    ),
    // CROSS JOIN makes the outbox the outer loop, walked in the order of its key, so the
    // LIMIT stops the walk after a batch; joined the other way, SQLite read every due row of the
    // tenant's scopes after the cursor and sorted them all for each batch (a first sync's whole
    // backlog, a fetch at a time). Rows come raw (arrays): no object per row with the column
    // names, only the QueuedRef made from it.
    queued: raw(
      `SELECT sc.connection, ${REF_OUTBOX_COLUMNS}
       FROM ref_outbox o CROSS JOIN scopes sc ON sc.id = o.scope_id
         LEFT JOIN links l ON l.scope_id = o.scope_id AND l.propstreet_id = o.propstreet_id
       WHERE sc.tenant = @tenant AND sc.kind = @kind AND o.next_try_ms <= @due
       ORDER BY o.propstreet_id, sc.connection LIMIT @limit`,
    ),
    // Its own statement, not `@after IS NULL OR …`: only a plain bound lets SQLite start the
    // scope's key range at the cursor instead of reading (and sorting) every row before it.
    queuedAfter: raw(
      `SELECT sc.connection, ${REF_OUTBOX_COLUMNS}
       FROM ref_outbox o CROSS JOIN scopes sc ON sc.id = o.scope_id
         LEFT JOIN links l ON l.scope_id = o.scope_id AND l.propstreet_id = o.propstreet_id
       WHERE sc.tenant = @tenant AND sc.kind = @kind AND o.next_try_ms <= @due
         AND o.propstreet_id > @after
       ORDER BY o.propstreet_id, sc.connection LIMIT @limit`,
    ),
    backlog: db.prepare(
      `SELECT count(*) AS pending, sum(attempts > 0) AS failing FROM ref_outbox WHERE scope_id = ?`,
    ),
  };
}

/** The outbox's part of one commit; runs inside the commit's transaction, after the links. */
export function applyRefOutbox(q: RefOutboxStatements, s: number, c: StateChanges): void {
  // An ended link takes its pending write-back with it: there is nothing left to mirror.
  if (c.deleteLinks?.length) q.dropForLinks.run(s, JSON.stringify(c.deleteLinks));
  for (const r of c.enqueueRefs ?? [])
    q.enqueue.run(
      s,
      r.propstreetId,
      r.crmId,
      r.namespace,
      r.etag,
      JSON.stringify(r.refs),
      r.enqueuedAt,
      toMs('enqueuedAt', r.enqueuedAt),
    );
  for (const d of c.refsDone ?? []) {
    q.done.run(s, d.propstreetId, d.crmId);
    if (d.etag) q.moveLinkEtag.run(d.etag, s, d.propstreetId, d.crmId, d.linkEtag ?? null);
  }
  for (const d of c.refsDeferred ?? [])
    q.defer.run({
      s,
      p: d.propstreetId,
      attempts: d.attempts,
      ms: toMs('nextTryAt', d.nextTryAt),
      error: d.lastError,
    });
}

export function queuedRefs(
  q: RefOutboxStatements,
  of: Pick<Scope, 'tenant' | 'kind'>,
  options: { dueBy: string; after?: string; limit: number },
): QueuedRef[] {
  const params = {
    tenant: of.tenant,
    kind: of.kind,
    due: toMs('dueBy', options.dueBy),
    limit: options.limit,
  };
  const rows =
    options.after === undefined
      ? q.queued.all(params)
      : q.queuedAfter.all({ ...params, after: options.after });
  return rows.map(queuedRefFromTuple);
}
