/**
 * Plans for a pair without a link: a record new on one side is created on the other (when the
 * direction lets it flow and the other side would take it), unless a tombstone holds it back.
 */
import type { CrmRecord } from '../crm/port.js';
import type { Tombstone } from '../state/port.js';
import { fieldsAsPlan, type PairPlan, type PlanContext, planned, quietIds } from './plan-pair.js';
import { createChanges, keepShadowOf, withoutSkipped } from './plan-values.js';
import type { PropstreetRecord } from './records.js';
import type { CreateInCrmPlan } from './types.js';

export function planUnlinked<R extends PropstreetRecord>(ctx: PlanContext<R>): PairPlan<R> {
  const { pair, fields } = ctx;
  const ps = pair.propstreet && !pair.propstreet.deletedUtc ? pair.propstreet : null;
  const crm = pair.crm && !pair.crm.deleted ? pair.crm : null;
  if (ps && pair.tombstone)
    return planned(ctx, {
      ...fields,
      ...quietIds(pair),
      action: 'skip',
      reason: tombstoneReason(pair.tombstone),
    });
  if (ps) return createInCrm(ctx, ps);
  if (crm) return createInPropstreet(ctx, crm);
  return planned(
    ctx,
    { ...fields, ...quietIds(pair), action: 'noop', reason: 'deleted before it was ever linked' },
    null,
  );
}

function createInCrm<R extends PropstreetRecord>(ctx: PlanContext<R>, ps: R): PairPlan<R> {
  const { settings, mapper, fields } = ctx;
  if (settings.direction === 'from-crm')
    return planned(ctx, {
      ...fields,
      ...quietIds(ctx.pair),
      action: 'skip',
      reason: 'direction is from-crm',
    });
  const values = mapper.fromPropstreet(ps);
  const { changes, values: toSend } = createChanges(values, mapper, 'to-crm');
  const { properties, problems, cut = [], skipped = [] } = mapper.toCrm(toSend, { create: true });
  if (problems.length > 0)
    return planned(ctx, {
      ...fields,
      propstreetId: ps.id,
      crmId: null,
      action: 'invalid',
      reason: 'cannot be created in the CRM',
      problems,
      toCrm: changes,
    });
  const plan = fieldsAsPlan<CreateInCrmPlan>(ctx);
  plan.reason = 'new in Propstreet';
  plan.toCrm = withoutSkipped(changes, skipped);
  plan.writePropstreetRef = true;
  plan.propstreetId = ps.id;
  plan.crmId = null;
  plan.action = 'create-in-crm';
  if (skipped.length + cut.length > 0) plan.notSent = [...skipped.map((s) => s.message), ...cut];
  return planned(
    ctx,
    plan,
    // Both sides hold the source's values once the create succeeds: every value sent is the
    // source's own, so the shadow is the values themselves (less what the CRM would not take).
    keepShadowOf(values, skipped, null),
    properties,
  );
}

function createInPropstreet<R extends PropstreetRecord>(ctx: PlanContext<R>, crm: CrmRecord): PairPlan<R> {
  const { settings, mapper, fields } = ctx;
  if (settings.direction === 'to-crm')
    return planned(ctx, { ...fields, ...quietIds(ctx.pair), action: 'skip', reason: 'direction is to-crm' });
  const values = ctx.crmValues(crm);
  const { changes: all, values: toSend } = createChanges(values, mapper, 'from-crm');
  const problem = mapper.kind.createProblem(toSend);
  // A value Propstreet would refuse stays out; the record is created without it (bug 35).
  const refused = problem === undefined ? (mapper.propstreetRefuses?.(toSend) ?? []) : [];
  const changes = withoutSkipped(all, refused);
  if (problem !== undefined)
    return planned(ctx, {
      ...fields,
      propstreetId: null,
      crmId: crm.id,
      action: 'invalid',
      reason: 'cannot be created in Propstreet',
      problems: [problem],
      toPropstreet: changes,
    });
  return planned(
    ctx,
    {
      ...fields,
      propstreetId: null,
      crmId: crm.id,
      action: 'create-in-propstreet',
      reason: 'new in the CRM',
      toPropstreet: changes,
      writeCrmKey: true,
      ...(refused.length > 0 ? { notSent: refused.map((r) => r.message) } : {}),
    },
    keepShadowOf(values, refused, null),
  );
}

function tombstoneReason(t: Tombstone): string {
  return `its link to CRM record ${t.crmId} ended ${t.endedAt} (${t.reason}): not created in the CRM again; \`propsync relink\` pairs it again`;
}
