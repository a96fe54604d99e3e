/**
 * One record's pending ref write-backs, of every connection that queued one, as one PATCH:
 * the bridge's two namespaces cost one Propstreet call, not two. It is sent with If-Match on
 * the version the CRM record was made from. A stale base (412) is re-read: refs already there
 * (written by a run, or by a write whose commit a crash lost) are done without a call; the rest
 * are written on the fresh version only when every connection written for has already synced
 * that version (its link holds its etag, or it is our own write). A person's edit is never
 * written on top of: the version our write returned would carry it as our own (etag, echo), and
 * the edit would never reach that CRM. That connection's next run merges the edit and moves its
 * link to that version; the write-back waits for it.
 */
import { isPropsyncError, WriteNotAppliedError } from '../core/errors.js';
import type { PropstreetRecords } from '../engine/ports.js';
import { hasRef, type PropstreetRecord, refsWith } from '../engine/records.js';
import type { QueuedRef, Scope, StateStore } from '../state/port.js';
import type { KindWrites } from './kind-writes.js';
import { isStale } from './propstreet-writes.js';

/** A queued row with the link its connection held when the row was read. */
export interface RefRow {
  readonly row: QueuedRef;
  readonly scope: Scope;
  readonly link: NonNullable<QueuedRef['link']>;
}

/** What became of each row of a record. */
export interface RefOutcome {
  /** Written (with the version our write made, when it made one) or found already there. */
  readonly done: { readonly ref: RefRow; readonly etag: string | null }[];
  /** Waiting for its connection's next run to sync a person's edit first. */
  readonly waiting: RefRow[];
}

export interface RefWriteDeps<R extends PropstreetRecord, W> {
  readonly propstreet: PropstreetRecords<R, W>;
  readonly kind: { readonly writes: KindWrites<W>; readonly noun: { readonly one: string } };
  readonly store: StateStore;
}

export async function writeRefs<R extends PropstreetRecord, W>(
  rows: readonly RefRow[],
  deps: RefWriteDeps<R, W>,
): Promise<RefOutcome | 'gone'> {
  // The newest base: a later enqueue saw a later version of the record.
  const base = rows.reduce((a, b) => (b.row.enqueuedAt > a.row.enqueuedAt ? b : a));
  try {
    return { done: await patch(rows, base.row.refs, base.row.etag, deps), waiting: [] };
  } catch (error) {
    // Deleted since: the next run's delta carries the deletion; there is nothing to mirror on.
    if (isPropsyncError(error) && error.code === 'NOT_FOUND') return 'gone';
    if (!isStale(error)) throw error;
  }
  const id = base.row.propstreetId;
  const fresh = await deps.propstreet.get(id);
  if (!fresh || fresh.deletedUtc) return 'gone';
  const done: RefOutcome['done'] = [];
  const missing: RefRow[] = [];
  for (const r of rows)
    if (hasRef(fresh, r.row.namespace, r.row.crmId)) done.push({ ref: r, etag: null });
    else missing.push(r);
  const synced: RefRow[] = [];
  const waiting: RefRow[] = [];
  for (const r of missing) ((await hasSynced(r, fresh, deps.store)) ? synced : waiting).push(r);
  if (synced.length > 0) {
    // Stale again is someone's write in between: it is tried on a later pass, not re-read in a loop.
    done.push(...(await patch(synced, fresh.externalRefs, fresh.etag ?? null, deps)));
  }
  return { done, waiting };
}

/** Whether the connection has synced this version: its link holds it, or our own write made it. */
async function hasSynced(r: RefRow, fresh: PropstreetRecord, store: StateStore): Promise<boolean> {
  const etag = fresh.etag;
  if (!etag) return false;
  if (r.link.propstreetEtag === etag) return true;
  return (await store.ownEtags(r.scope, [{ propstreetId: fresh.id, etag }])).has(fresh.id);
}

async function patch<R extends PropstreetRecord, W>(
  rows: readonly RefRow[],
  baseRefs: QueuedRef['refs'],
  etag: string | null,
  deps: RefWriteDeps<R, W>,
): Promise<RefOutcome['done']> {
  const { writes, noun } = deps.kind;
  let refs = [...baseRefs];
  for (const r of rows) refs = refsWith(refs, r.row.namespace, r.row.crmId);
  const id = rows[0]?.row.propstreetId ?? '';
  const written = await deps.propstreet.patch(id, writes.withRefs(writes.empty(), refs), {
    ifMatch: etag ?? undefined,
  });
  // A 200 without the refs would leave the links unmirrored while the state says they are.
  const lacking = rows.filter((r) => !hasRef(written, r.row.namespace, r.row.crmId));
  if (lacking.length > 0)
    throw new WriteNotAppliedError(
      `Propstreet answered the write to ${noun.one} ${written.id} but does not hold externalRefs (${lacking
        .map((r) => `${r.row.namespace}/${r.row.crmId}`)
        .join(', ')})`,
    );
  // A write that changed nothing returns the version it found, maybe a person's: not ours to claim.
  const ours = written.etag && written.etag !== etag ? written.etag : null;
  return rows.map((ref) => ({ ref, etag: ours }));
}
