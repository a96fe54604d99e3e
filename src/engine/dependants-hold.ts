/**
 * A kind's records that others depend on (companies: their linked contacts) are never deleted
 * to follow a deletion on the other side while those dependants remain, whatever the delete
 * policy: the pair is unlinked instead, the record kept, and a notice says why. The count is
 * the side's own: Propstreet's record (its `contacts[]`), the CRM's count property (HubSpot's
 * `num_associated_contacts`). A side that cannot tell holds the delete: a wrong delete cannot
 * be taken back by the next run, and Salesforce deletes an Account's contacts with it.
 */
import { endsForGood, type PairedIds, type PairPlan, type PlanContext, planned } from './plan-pair.js';
import type { PropstreetRecord } from './records.js';
import type { Notice, RecordPlan } from './types.js';

/** Why the record a delete on `target` would remove must be kept; undefined when it may go. */
export function dependantsHold<R extends PropstreetRecord>(
  ctx: PlanContext<R>,
  target: 'crm' | 'propstreet',
): string | undefined {
  const { kind } = ctx.mapper;
  const { dependants } = kind;
  if (!dependants) return undefined;
  const { one } = kind.noun;
  if (target === 'propstreet') {
    const record = ctx.pair.propstreet;
    if (!record) return `its Propstreet ${one} could not be read to count its ${dependants.noun}`;
    const n = dependants.count(record);
    return n > 0 ? `the Propstreet ${one} still has ${n} ${dependants.noun}` : undefined;
  }
  const crm = ctx.pair.crm && !ctx.pair.crm.deleted ? ctx.pair.crm : null;
  const n = crm ? ctx.mapper.crmDependants?.(crm) : undefined;
  if (n === undefined) return `the CRM record does not say whether it still has ${dependants.noun}`;
  return n > 0 ? `the CRM ${one} still has ${n} ${dependants.noun}` : undefined;
}

/** The delete on the other side of `deleted` held: the link ends, both records stay. */
export function keptForDependants<R extends PropstreetRecord>(
  ctx: PlanContext<R>,
  ids: PairedIds,
  deleted: 'Propstreet' | 'the CRM',
  why: string,
): PairPlan<R> {
  const { noun, dependants } = ctx.mapper.kind;
  const reason = `deleted in ${deleted}, but ${why}: kept and unlinked (a ${noun.one} is not deleted while it has ${dependants?.noun ?? 'dependants'})`;
  const notice: Notice = {
    kind: 'delete-held',
    text: reason,
    propstreetIds: [ids.propstreetId],
    crmId: ids.crmId,
  };
  const plan: RecordPlan = { ...ctx.fields, ...ids, action: 'unlink', reason, notice };
  // A CRM deletion kept in Propstreet ends the link for good, as `deletes.fromCrm: unlink` does.
  return deleted === 'the CRM' ? endsForGood(ctx, plan) : planned(ctx, plan);
}
