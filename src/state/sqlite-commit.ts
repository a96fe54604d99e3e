/**
 * Applies one StateChanges to SQLite in a single write transaction. Deletes and clears go
 * before upserts, so one batch can move a CRM id from one contact to another.
 */
import type Database from 'better-sqlite3';
import type { StateChanges } from './port.js';
import { asSide, conflictRowsOf, OWN_ETAGS_KEPT, shadowJson, toMs } from './rows.js';
import { applyRefOutbox, type RefOutboxStatements } from './sqlite-ref-outbox.js';
import type { SqliteStatements } from './sqlite-statements.js';

export function sqliteCommitter(
  db: Database.Database,
  st: () => SqliteStatements,
  outbox: () => RefOutboxStatements,
): (scopeId: number, changes: StateChanges, check?: () => void) => void {
  const apply = db.transaction((s: number, c: StateChanges, check?: () => void) => {
    // A fence's check runs first, inside the write lock the transaction took (immediate).
    check?.();
    const q = st();
    if (c.deleteLinks?.length) q.deleteLinks.run(s, JSON.stringify(c.deleteLinks));
    for (const f of c.dropShadowFields ?? []) {
      q.dropShadowField.run(`$.${JSON.stringify(f)}`, s);
      q.dropFieldConflicts.run(s, f);
    }
    for (const l of c.upsertLinks ?? [])
      q.upsertLink.run(
        s,
        l.propstreetId,
        l.crmId,
        shadowJson(l),
        l.propstreetEtag,
        l.crmModifiedAt,
        l.updatedAt,
      );
    for (const o of c.ownEtags ?? []) q.addOwnEtag.run(s, o.propstreetId, o.etag, OWN_ETAGS_KEPT);
    for (const f of c.clearFailures ?? []) q.clearFailure.run(s, f.side, f.recordId);
    for (const f of c.upsertFailures ?? []) {
      q.upsertFailure.run({
        s,
        side: asSide(f.side),
        id: f.recordId,
        attempts: f.attempts,
        error: f.lastError,
        next: f.nextRetryAt,
        nextMs: toMs('nextRetryAt', f.nextRetryAt),
        q: f.quarantined ? 1 : 0,
        first: f.firstFailedAt,
      });
    }
    if (c.deleteTombstones?.length) q.deleteTombstones.run(s, JSON.stringify(c.deleteTombstones));
    if (c.deleteMeta?.length) q.deleteMetaKeys.run(s, JSON.stringify(c.deleteMeta));
    for (const m of c.upsertMeta ?? []) q.setMeta.run(s, m.key, m.value);
    for (const t of c.upsertTombstones ?? []) {
      q.upsertTombstone.run({
        s,
        p: t.propstreetId,
        c: t.crmId,
        reason: t.reason,
        at: t.endedAt,
        ms: toMs('endedAt', t.endedAt),
        relinked: t.relinkedAt,
      });
    }
    const conflictRows = conflictRowsOf(c);
    // Most pairs have no open conflict (every no-op and update says so): one DELETE for all of
    // them, not a statement a record.
    const none: string[] = [];
    for (const r of c.replaceConflicts ?? [])
      if (r.conflicts.length === 0) none.push(r.propstreetId);
      else
        q.dropConflictsBut.run({
          s,
          p: r.propstreetId,
          keep: JSON.stringify(r.conflicts.map((x) => x.field)),
        });
    if (none.length > 0) q.dropConflicts.run(s, JSON.stringify(none));
    for (const x of conflictRows) {
      q.upsertConflict.run({
        s,
        p: x.propstreetId,
        c: x.crmId,
        f: x.field,
        ps: x.propstreet,
        crm: x.crm,
        shadow: x.shadow,
        since: x.since,
      });
    }
    for (const [side, value] of Object.entries(c.checkpoints ?? {})) {
      if (value !== undefined) q.setCheckpoint.run(s, asSide(side), value);
    }
    applyRefOutbox(outbox(), s, c);
  });

  // IMMEDIATE takes the write lock up front: a deferred transaction that must upgrade from
  // read to write fails at once with SQLITE_BUSY instead of waiting out busy_timeout.
  return (scopeId, changes, check) => apply.immediate(scopeId, changes, check);
}
