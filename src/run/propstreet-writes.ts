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
import type { RecordMapper } from '../engine/record-mapper.js';
import type { CreateInPropstreetPlan, FieldChange } from '../engine/types.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Contact, ContactWrite, ExternalRef } from '../propstreet/schema.js';
import { isEmptyWrite, splitCreate, splitUpdate } from '../propstreet/write-models.js';
import { hasRef, verifyWritten } from './write-verify.js';

export const MAX_PRECONDITION_RETRIES = 3;

export function refsWith(
  refs: readonly ExternalRef[],
  namespace: string,
  crmId: string | null,
): ExternalRef[] {
  const others = refs.filter((r) => r.namespace.toLowerCase() !== namespace.toLowerCase());
  return crmId === null ? others : [...others, { namespace, id: crmId }];
}

export function valuesOf(changes: readonly FieldChange[]): Record<string, string | null> {
  return Object.fromEntries(changes.map((c) => [c.field, c.after]));
}

/** A stale etag: 412, or a 409 the client recognised as one. */
export const isStale = (e: unknown): boolean => isPropsyncError(e) && e.code === 'PRECONDITION_FAILED';

export interface WriteDeps {
  readonly propstreet: PropstreetApi;
  readonly mapper: RecordMapper;
  readonly namespace: string;
  /** Told every etag our writes produce (echo detection), even when a later step fails. */
  readonly own: (etag: string) => void;
}

export interface PatchOutcome {
  readonly pp: PairPlan;
  readonly contact: Contact | null;
}

/**
 * Applies `pp`'s Propstreet changes (values and/or the ref). On a stale etag re-reads, asks
 * `replan` for a new plan for the fresh version, and goes again with that plan.
 */
export async function patchWithReplan(
  pp: PairPlan,
  deps: WriteDeps & { replan: (fresh: Contact) => PairPlan },
): Promise<PatchOutcome> {
  let current = pp;
  if (
    !current.pair.propstreet &&
    current.plan.propstreetId &&
    deps.mapper.needsCurrent(current.plan.toPropstreet.map((c) => c.field))
  ) {
    // List fields (phones, emails) are rewritten whole: start from the contact as it is now.
    const now = await deps.propstreet.getContact(current.plan.propstreetId);
    if (now) current = deps.replan(now);
  }
  for (let attempt = 1; ; attempt++) {
    const { plan, pair } = current;
    // A re-plan for a fresh version may no longer update: the caller reports the new plan.
    if (plan.action !== 'update' && plan.action !== 'link') return { pp: current, contact: pair.propstreet };
    const contact = pair.propstreet;
    const body: ContactWrite =
      plan.toPropstreet.length > 0 ? deps.mapper.toPropstreet(valuesOf(plan.toPropstreet), contact) : {};
    if (plan.writePropstreetRef && contact)
      body.externalRefs = refsWith(contact.externalRefs, deps.namespace, plan.crmId);
    if (isEmptyWrite(body)) return { pp: current, contact };
    const id = plan.propstreetId;
    const ifMatch = contact?.etag ?? pair.link?.propstreetEtag ?? undefined;
    const { byId, byRef } = splitUpdate(body);
    if (!isEmptyWrite(byRef) && !contact)
      throw new WriteNotAppliedError(
        `contact ${id} could not be read: its phone/email lists are not rewritten blind`,
      );
    try {
      // With lists to write this PATCH may be empty: it still checks If-Match for the upsert.
      let written = await deps.propstreet.patchContact(id, byId, { ifMatch });
      if (ifMatch !== undefined) ownIfChanged(written, ifMatch, deps);
      if (!isEmptyWrite(byRef)) written = await writeLists(written, byRef, plan.crmId, deps);
      verifyWritten(plan, written, deps.mapper, deps.namespace);
      return { pp: current, contact: written };
    } catch (error) {
      if (!isStale(error) || attempt >= MAX_PRECONDITION_RETRIES) throw error;
      const fresh = await deps.propstreet.getContact(id);
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
function ownIfChanged(written: Contact, before: string | undefined, deps: WriteDeps): void {
  if (written.etag && written.etag !== before) deps.own(written.etag);
}

/**
 * Writes `lists` (with their primaries) through the upsert addressed by the link's external
 * ref, right after `confirmed` — the version an If-Match PATCH just accepted or returned.
 * The upsert can only update that same contact: if the ref led elsewhere (it was removed or
 * moved, or the contact deleted, in the moment between the two calls), what the upsert
 * created or revived is deleted again and the record fails.
 */
async function writeLists(
  confirmed: Contact,
  lists: ContactWrite,
  crmId: string,
  deps: WriteDeps,
): Promise<Contact> {
  if (!hasRef(confirmed, deps.namespace, crmId))
    throw new WriteNotAppliedError(
      `contact ${confirmed.id} lacks the ${deps.namespace}/${crmId} ref that addresses its phone/email lists`,
    );
  const { contact, action } = await deps.propstreet.upsertByExternalRef(deps.namespace, crmId, lists);
  if (confirmed.etag) ownIfChanged(contact, confirmed.etag, deps);
  if (action === 'updated' && contact.id === confirmed.id) return contact;
  let undone = '';
  if (action !== 'updated') {
    // We just created or revived it: undo that, with its etag, before failing.
    try {
      await deps.propstreet.deleteContact(contact.id, { ifMatch: contact.etag ?? undefined });
      undone = `; contact ${contact.id} deleted again`;
    } catch (e) {
      undone = `; deleting contact ${contact.id} again failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  throw new WriteNotAppliedError(
    `the ${deps.namespace}/${crmId} upsert ${action} contact ${contact.id}, not ${confirmed.id} (the ref changed meanwhile)${undone}`,
  );
}

/**
 * Creates the CRM record's contact through the upsert by its external ref — without
 * `match=email`, so it never lands on an existing contact that merely shares the email — then
 * PATCHes the members the upsert does not take, and checks every field on the result.
 */
export async function createInPropstreet(plan: CreateInPropstreetPlan, deps: WriteDeps): Promise<Contact> {
  const { byId, byRef } = splitCreate(deps.mapper.toPropstreet(valuesOf(plan.toPropstreet), null));
  const upserted = await deps.propstreet.upsertByExternalRef(deps.namespace, plan.crmId, byRef);
  let contact = upserted.contact;
  // An 'updated' that changed nothing hands back someone else's version: not ours to claim.
  if (upserted.action !== 'updated') ownIfChanged(contact, undefined, deps);
  if (!isEmptyWrite(byId)) {
    const before = contact.etag ?? undefined;
    contact = await deps.propstreet.patchContact(contact.id, byId, { ifMatch: before });
    if (before) ownIfChanged(contact, before, deps);
  }
  verifyWritten({ ...plan, writePropstreetRef: true }, contact, deps.mapper, deps.namespace);
  return contact;
}

export interface DeleteOutcome {
  readonly pp: PairPlan;
  /** False when the re-plan no longer deletes: the caller reports the new plan. */
  readonly deleted: boolean;
}

/**
 * Deletes with If-Match (best-effort on Propstreet's side). A stale etag means the contact
 * was edited after the delete was planned: re-read, re-plan with the edit in view, and delete
 * only if the new plan still says so.
 */
export async function deleteWithReplan(
  pp: PairPlan,
  deps: { propstreet: PropstreetApi; replan: (fresh: Contact) => PairPlan },
): Promise<DeleteOutcome> {
  let current = pp;
  for (let attempt = 1; ; attempt++) {
    const { plan, pair } = current;
    // A re-plan for a fresh version may no longer delete: the caller reports the new plan.
    if (plan.action !== 'delete-in-propstreet') return { pp: current, deleted: false };
    const id = plan.propstreetId;
    const ifMatch = pair.propstreet?.etag ?? pair.link?.propstreetEtag ?? undefined;
    try {
      await deps.propstreet.deleteContact(id, { ifMatch });
      return { pp: current, deleted: true };
    } catch (error) {
      if (!isStale(error) || attempt >= MAX_PRECONDITION_RETRIES) throw error;
      const fresh = await deps.propstreet.getContact(id);
      // Gone meanwhile (deleted by someone else): nothing left to delete.
      if (!fresh) return { pp: current, deleted: true };
      current = deps.replan(fresh);
    }
  }
}
