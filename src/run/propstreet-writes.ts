/**
 * Propstreet writes for one pair, each field through a request that takes it
 * (propstreet/write-models.ts):
 *   - scalars and externalRefs: PATCH /contacts/{id} with If-Match;
 *   - the `phones`/`emails` lists, which that PATCH silently ignores: the upsert by the link's
 *     external ref (namespace + CRM id). The upsert takes no If-Match, so it always follows an
 *     If-Match PATCH of the same version (an empty one when no scalar changes): a stale etag
 *     stops the pair there, and the lists are rebuilt from the version that PATCH confirmed.
 * A stale etag — 412, or a 409 that says so (the errors guide) — means a user edited the
 * contact since we read it: re-read, re-plan with the fresh version, go again; never
 * overwrite the edit. externalRefs are read-modify-written, keeping other namespaces. Every
 * planned field is then checked on the returned contact (write-verify.ts). DELETE carries
 * If-Match too, and a stale one is re-planned the same way.
 */
import { isPropsyncError, WriteNotAppliedError } from '../core/errors.js';
import type { PairPlan } from '../engine/plan-pair.js';
import type { PropstreetRecords, UpsertAction } from '../engine/ports.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import { hasRef, type PropstreetRecord, refsWith } from '../engine/records.js';
import type { CreateInPropstreetPlan, FieldChange } from '../engine/types.js';
import type { BatchCreated } from './chunk-progress.js';
import type { KindWrites } from './kind-writes.js';
import { verifyWritten } from './write-verify.js';

export const MAX_PRECONDITION_RETRIES = 3;

export function valuesOf(changes: readonly FieldChange[]): Record<string, string | null> {
  return Object.fromEntries(changes.map((c) => [c.field, c.after]));
}

/** A stale etag: 412, or a 409 the client recognised as one. */
export const isStale = (e: unknown): boolean => isPropsyncError(e) && e.code === 'PRECONDITION_FAILED';

export interface WriteDeps<R extends PropstreetRecord, W> {
  readonly propstreet: PropstreetRecords<R, W>;
  /** How the kind's bodies split between the PATCH by id and the upsert by ref. */
  readonly writes: KindWrites<W>;
  readonly mapper: RecordMapper<R, W>;
  readonly namespace: string;
  /** Told every etag our writes produce (echo detection), even when a later step fails. */
  readonly own: (etag: string) => void;
}

export interface PatchOutcome<R extends PropstreetRecord> {
  readonly pp: PairPlan<R>;
  readonly record: R | null;
}

/**
 * Applies `pp`'s Propstreet changes (values and/or the ref). On a stale etag re-reads, asks
 * `replan` for a new plan for the fresh version, and goes again with that plan.
 */
export async function patchWithReplan<R extends PropstreetRecord, W>(
  pp: PairPlan<R>,
  deps: WriteDeps<R, W> & { replan: (fresh: R) => PairPlan<R> },
): Promise<PatchOutcome<R>> {
  let current = pp;
  if (
    !current.pair.propstreet &&
    current.plan.propstreetId &&
    deps.mapper.needsCurrent(current.plan.toPropstreet.map((c) => c.field))
  ) {
    // List fields (phones, emails) are rewritten whole: start from the record as it is now.
    const now = await deps.propstreet.get(current.plan.propstreetId);
    if (now) current = deps.replan(now);
  }
  for (let attempt = 1; ; attempt++) {
    const { plan, pair } = current;
    // A re-plan for a fresh version may no longer update: the caller reports the new plan.
    if (plan.action !== 'update' && plan.action !== 'link') return { pp: current, record: pair.propstreet };
    const record = pair.propstreet;
    const { writes } = deps;
    const values =
      plan.toPropstreet.length > 0
        ? deps.mapper.toPropstreet(valuesOf(plan.toPropstreet), record)
        : writes.empty();
    const body =
      plan.writePropstreetRef && record
        ? writes.withRefs(values, refsWith(record.externalRefs, deps.namespace, plan.crmId))
        : values;
    if (writes.isEmpty(body)) return { pp: current, record };
    const id = plan.propstreetId;
    const ifMatch = record?.etag ?? pair.link?.propstreetEtag ?? undefined;
    const { byId, byRef } = writes.splitUpdate(body);
    if (!writes.isEmpty(byRef) && !record)
      throw new WriteNotAppliedError(
        `${deps.mapper.kind.noun.one} ${id} could not be read: its ${writes.upsertOnly} are not rewritten blind`,
      );
    try {
      // With upsert-only members to write this PATCH may be empty: it still checks If-Match for the upsert.
      let written = await deps.propstreet.patch(id, byId, { ifMatch });
      if (ifMatch !== undefined) ownIfChanged(written, ifMatch, deps);
      if (!writes.isEmpty(byRef)) written = await writeByRef(written, byRef, plan.crmId, deps);
      verifyWritten(plan, written, deps.mapper, deps.namespace);
      return { pp: current, record: written };
    } catch (error) {
      if (!isStale(error) || attempt >= MAX_PRECONDITION_RETRIES) throw error;
      const fresh = await deps.propstreet.get(id);
      if (!fresh) throw error;
      current = deps.replan(fresh);
    }
  }
}

/**
 * Tells `deps.own` the etag a write returned when it is a new version. A write that changed
 * nothing returns the version it found — maybe a user's — and claiming that as our echo would
 * hide the user's edit. `before` undefined: the write created or revived the contact.
 */
function ownIfChanged(
  written: PropstreetRecord,
  before: string | undefined,
  deps: { own: (etag: string) => void },
): void {
  if (written.etag && written.etag !== before) deps.own(written.etag);
}

/**
 * Writes the members only the upsert takes (contacts: the lists, with their primaries) through
 * the upsert addressed by the link's external ref, right after `confirmed` — the version an
 * If-Match PATCH just accepted or returned. The upsert can only update that same record: if
 * the ref led elsewhere (it was removed or moved, or the record deleted, in the moment between
 * the two calls), what the upsert created or revived is deleted again and the record fails.
 */
async function writeByRef<R extends PropstreetRecord, W>(
  confirmed: R,
  body: W,
  crmId: string,
  deps: WriteDeps<R, W>,
): Promise<R> {
  const noun = deps.mapper.kind.noun.one;
  if (!hasRef(confirmed, deps.namespace, crmId))
    throw new WriteNotAppliedError(
      `${noun} ${confirmed.id} lacks the ${deps.namespace}/${crmId} ref that addresses its ${deps.writes.upsertOnly}`,
    );
  const { record, action } = await deps.propstreet.upsertByExternalRef(deps.namespace, crmId, body);
  if (confirmed.etag) ownIfChanged(record, confirmed.etag, deps);
  if (action === 'updated' && record.id === confirmed.id) return record;
  let undone = '';
  if (action !== 'updated') {
    // We just created or revived it: undo that, with its etag, before failing.
    try {
      await deps.propstreet.delete(record.id, { ifMatch: record.etag ?? undefined });
      undone = `; ${noun} ${record.id} deleted again`;
    } catch (e) {
      undone = `; deleting ${noun} ${record.id} again failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  throw new WriteNotAppliedError(
    `the ${deps.namespace}/${crmId} upsert ${action} ${noun} ${record.id}, not ${confirmed.id} (the ref changed meanwhile)${undone}`,
  );
}

/** A create's result: the record when a call returned one (a batch upsert returns only id and etag). */
export interface Created<R extends PropstreetRecord> {
  readonly id: string;
  readonly etag: string | null;
  readonly record: R | null;
}

/**
 * Creates the CRM record's contact through the upsert by its external ref — without
 * `match=email`, so it never lands on an existing contact that merely shares the email — then
 * PATCHes the members the upsert does not take, and checks every field on the result. With
 * `batched`, the batch upsert already made the upsert (batch-creates.ts): the PATCH, if any,
 * follows on its etag. Its result model carries no contact, so a batched create with nothing
 * to PATCH is not checked field by field (re-reading each would cost the calls the batch saves).
 */
export async function createInPropstreet<R extends PropstreetRecord, W>(
  plan: CreateInPropstreetPlan,
  deps: WriteDeps<R, W>,
  batched?: BatchCreated,
): Promise<Created<R>> {
  const { byId, byRef } = deps.writes.splitCreate(
    deps.mapper.toPropstreet(valuesOf(plan.toPropstreet), null),
  );
  let created: Created<R>;
  let action: UpsertAction;
  if (batched) {
    created = { id: batched.id, etag: batched.etag, record: null };
    action = batched.action;
  } else {
    const upserted = await deps.propstreet.upsertByExternalRef(deps.namespace, plan.crmId, byRef);
    created = { id: upserted.record.id, etag: upserted.record.etag ?? null, record: upserted.record };
    action = upserted.action;
  }
  // An 'updated' that changed nothing hands back someone else's version: not ours to claim.
  if (action !== 'updated' && created.etag) deps.own(created.etag);
  if (!deps.writes.isEmpty(byId)) {
    const before = created.etag ?? undefined;
    const record = await deps.propstreet.patch(created.id, byId, { ifMatch: before });
    if (before) ownIfChanged(record, before, deps);
    created = { id: record.id, etag: record.etag ?? null, record };
  }
  if (created.record)
    verifyWritten({ ...plan, writePropstreetRef: true }, created.record, deps.mapper, deps.namespace);
  return created;
}

export interface DeleteOutcome<R extends PropstreetRecord> {
  readonly pp: PairPlan<R>;
  /** False when the re-plan no longer deletes: the caller reports the new plan. */
  readonly deleted: boolean;
}

/**
 * Deletes with If-Match (best-effort on Propstreet's side). A stale etag means the contact
 * was edited after the delete was planned: re-read, re-plan with the edit in view, and delete
 * only if the new plan still says so.
 */
export async function deleteWithReplan<R extends PropstreetRecord>(
  pp: PairPlan<R>,
  deps: {
    propstreet: Pick<PropstreetRecords<R, unknown>, 'get' | 'delete'>;
    replan: (fresh: R) => PairPlan<R>;
  },
): Promise<DeleteOutcome<R>> {
  let current = pp;
  for (let attempt = 1; ; attempt++) {
    const { plan, pair } = current;
    // A re-plan for a fresh version may no longer delete: the caller reports the new plan.
    if (plan.action !== 'delete-in-propstreet') return { pp: current, deleted: false };
    const id = plan.propstreetId;
    const ifMatch = pair.propstreet?.etag ?? pair.link?.propstreetEtag ?? undefined;
    try {
      await deps.propstreet.delete(id, { ifMatch });
      return { pp: current, deleted: true };
    } catch (error) {
      if (!isStale(error) || attempt >= MAX_PRECONDITION_RETRIES) throw error;
      const fresh = await deps.propstreet.get(id);
      // Gone meanwhile (deleted by someone else): nothing left to delete.
      if (!fresh) return { pp: current, deleted: true };
      current = deps.replan(fresh);
    }
  }
}
