/**
 * One StateChanges as the few batched PostgreSQL statements that apply it, in order:
 * deletes and clears before upserts, so one batch can move a CRM id between contacts.
 */
import type { StateChanges } from './port.js';
import { refOutboxSteps } from './postgres-ref-outbox.js';
import type { PgSql } from './postgres-sql.js';
import { asSide, conflictRowsOf, lastByKey, shadowJson, toMs } from './rows.js';

export type PgStep = [keyof PgSql, unknown[]];

/** Statements for one commit, built (and validated) before any connection is taken. */
export function planCommit(s: number, c: StateChanges): PgStep[] {
  const steps: PgStep[] = [];
  if (c.deleteLinks?.length) steps.push(['deleteLinks', [s, c.deleteLinks]]);
  if (c.dropShadowFields?.length) {
    steps.push(['dropShadowFields', [s, [...c.dropShadowFields]]]);
    steps.push(['dropFieldConflicts', [s, [...c.dropShadowFields]]]);
  }
  const links = lastByKey(c.upsertLinks ?? [], (l) => l.propstreetId);
  if (links.length) {
    steps.push([
      'upsertLinks',
      [
        s,
        links.map((l) => l.propstreetId),
        links.map((l) => l.crmId),
        links.map(shadowJson),
        links.map((l) => l.propstreetEtag),
        links.map((l) => l.crmModifiedAt),
        links.map((l) => l.updatedAt),
      ],
    ]);
  }
  const etags = c.ownEtags ?? [];
  if (etags.length) {
    const ids = etags.map((e) => e.propstreetId);
    steps.push(['insertOwnEtags', [s, ids, etags.map((e) => e.etag)]]);
    steps.push(['pruneOwnEtags', [s, [...new Set(ids)]]]);
  }
  const clears = c.clearFailures ?? [];
  if (clears.length)
    steps.push(['clearFailures', [s, clears.map((f) => f.side), clears.map((f) => f.recordId)]]);
  const fails = lastByKey(c.upsertFailures ?? [], (f) => `${f.side}\u0000${f.recordId}`);
  if (fails.length) {
    steps.push([
      'upsertFailures',
      [
        s,
        fails.map((f) => asSide(f.side)),
        fails.map((f) => f.recordId),
        fails.map((f) => f.attempts),
        fails.map((f) => f.lastError),
        fails.map((f) => f.nextRetryAt),
        fails.map((f) => f.quarantined),
        fails.map((f) => f.firstFailedAt),
        fails.map((f) => toMs('nextRetryAt', f.nextRetryAt)),
      ],
    ]);
  }
  if (c.deleteTombstones?.length) steps.push(['deleteTombstones', [s, c.deleteTombstones]]);
  if (c.deleteMeta?.length) steps.push(['deleteMetaKeys', [s, c.deleteMeta]]);
  for (const m of lastByKey(c.upsertMeta ?? [], (x) => x.key)) steps.push(['setMeta', [s, m.key, m.value]]);
  const tombs = lastByKey(c.upsertTombstones ?? [], (t) => t.propstreetId);
  if (tombs.length) {
    steps.push([
      'upsertTombstones',
      [
        s,
        tombs.map((t) => t.propstreetId),
        tombs.map((t) => t.crmId),
        tombs.map((t) => t.reason),
        tombs.map((t) => t.endedAt),
        tombs.map((t) => t.relinkedAt),
        tombs.map((t) => toMs('endedAt', t.endedAt)),
      ],
    ]);
  }
  const conflicts = lastByKey(conflictRowsOf(c), (x) => `${x.propstreetId}\u0000${x.field}`);
  if (c.replaceConflicts?.length) {
    steps.push([
      'dropConflictsBut',
      [
        s,
        [...new Set(c.replaceConflicts.map((r) => r.propstreetId))],
        conflicts.map((x) => x.propstreetId),
        conflicts.map((x) => x.field),
      ],
    ]);
  }
  if (conflicts.length) {
    steps.push([
      'upsertConflicts',
      [
        s,
        conflicts.map((x) => x.propstreetId),
        conflicts.map((x) => x.field),
        conflicts.map((x) => x.crmId),
        conflicts.map((x) => x.propstreet),
        conflicts.map((x) => x.crm),
        conflicts.map((x) => x.shadow),
        conflicts.map((x) => x.since),
      ],
    ]);
  }
  const cps = Object.entries(c.checkpoints ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  if (cps.length)
    steps.push(['setCheckpoints', [s, cps.map(([side]) => asSide(side)), cps.map(([, v]) => v)]]);
  steps.push(...refOutboxSteps(s, c));
  return steps;
}
