/**
 * Checks a Propstreet write against the contact it returned. A write can answer 2xx and still
 * not take (a member the request ignores, a value the server rewrote); recording the shadow
 * then would claim both sides agree when they do not, and the difference would never be
 * synced again. So every field the plan meant to write is compared, in canonical form, with
 * the returned contact, and any that differ fail the record instead.
 */
import { WriteNotAppliedError } from '../core/errors.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { RecordPlan } from '../engine/types.js';
import type { Contact } from '../propstreet/schema.js';

export function hasRef(contact: Contact, namespace: string, crmId: string): boolean {
  return contact.externalRefs.some(
    (r) => r.namespace.toLowerCase() === namespace.toLowerCase() && r.id === crmId,
  );
}

/** Names of the planned fields (and the ref) the contact does not hold as written. */
export function unappliedFields(
  plan: Pick<RecordPlan, 'toPropstreet' | 'writePropstreetRef' | 'crmId'>,
  contact: Contact,
  mapper: RecordMapper,
  namespace: string,
): string[] {
  const now = mapper.fromPropstreet(contact);
  const missing = plan.toPropstreet.filter((c) => (now[c.field] ?? null) !== c.after).map((c) => c.field);
  if (plan.writePropstreetRef && plan.crmId && !hasRef(contact, namespace, plan.crmId))
    missing.push(`externalRefs (${namespace}/${plan.crmId})`);
  return missing;
}

/** Throws WriteNotAppliedError naming the fields (never their values) that did not take. */
export function verifyWritten(
  plan: Pick<RecordPlan, 'toPropstreet' | 'writePropstreetRef' | 'crmId'>,
  contact: Contact,
  mapper: RecordMapper,
  namespace: string,
): void {
  const missing = unappliedFields(plan, contact, mapper, namespace);
  if (missing.length > 0)
    throw new WriteNotAppliedError(
      `Propstreet answered the write to contact ${contact.id} but does not hold ${missing.join(', ')} as written; nothing recorded, retried on the next run`,
    );
}
