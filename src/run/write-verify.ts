/**
 * Checks a Propstreet write against the record it returned. A write can answer 2xx and still
 * not take (a member the request ignores, a value the server rewrote); recording the shadow
 * then would claim both sides agree when they do not, and the difference would never be
 * synced again. So every field the plan meant to write is compared, in canonical form, with
 * the returned record, and any that differ fail the record instead.
 */
import { WriteNotAppliedError } from '../core/errors.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import { hasRef, type PropstreetRecord } from '../engine/records.js';
import type { RecordPlan } from '../engine/types.js';

type Written = Pick<RecordPlan, 'toPropstreet' | 'writePropstreetRef' | 'crmId'>;

/** Names of the planned fields (and the ref) the record does not hold as written. */
function unappliedFields<R extends PropstreetRecord>(
  plan: Written,
  record: R,
  mapper: RecordMapper<R, unknown>,
  namespace: string,
): string[] {
  const now = mapper.fromPropstreet(record);
  const missing = plan.toPropstreet.filter((c) => (now[c.field] ?? null) !== c.after).map((c) => c.field);
  if (plan.writePropstreetRef && plan.crmId && !hasRef(record, namespace, plan.crmId))
    missing.push(`externalRefs (${namespace}/${plan.crmId})`);
  return missing;
}

/** Throws WriteNotAppliedError naming the fields (never their values) that did not take. */
export function verifyWritten<R extends PropstreetRecord>(
  plan: Written,
  record: R,
  mapper: RecordMapper<R, unknown>,
  namespace: string,
): void {
  const missing = unappliedFields(plan, record, mapper, namespace);
  if (missing.length > 0)
    throw new WriteNotAppliedError(
      `Propstreet answered the write to ${mapper.kind.noun.one} ${record.id} but does not hold ${missing.join(', ')} as written; nothing recorded, retried on the next run`,
    );
}
