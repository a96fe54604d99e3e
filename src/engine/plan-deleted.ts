/**
 * Plans for a linked pair with a deletion on one or both sides: the tenant's delete policy
 * for that side; a record that still has dependants is kept whatever the policy
 * (dependants-hold.ts); and a delete that raced an edit on the other side (values moved off
 * the shadow: not our echo) follows `deletes.againstEdit`.
 */
import { dependantsHold, keptForDependants } from './dependants-hold.js';
import { endsForGood, type PairedIds, type PairPlan, type PlanContext, planned } from './plan-pair.js';
import { editedFields } from './plan-values.js';
import type { PropstreetRecord } from './records.js';
import type { Notice, PairedPlan, RecordPlan } from './types.js';

/** The plan when a side of the pair is deleted; undefined when neither is. */
export function planDeleted<R extends PropstreetRecord>(
  ctx: PlanContext<R>,
  ids: PairedIds,
): PairPlan<R> | undefined {
  const psDeleted = Boolean(ctx.pair.propstreet?.deletedUtc) || ctx.pair.propstreetGone === true;
  const crmDeleted = Boolean(ctx.pair.crm?.deleted);
  if (psDeleted && crmDeleted)
    return planned(ctx, { ...ctx.fields, ...ids, action: 'unlink', reason: 'deleted on both sides' });
  if (psDeleted) return deletedInPropstreet(ctx, ids);
  if (crmDeleted) return deletedInCrm(ctx, ids);
  return undefined;
}

function deletedInPropstreet<R extends PropstreetRecord>(ctx: PlanContext<R>, ids: PairedIds): PairPlan<R> {
  const { pair, settings, mapper, fields } = ctx;
  const policy = settings.deletes.fromPropstreet;
  switch (policy) {
    case 'archive':
    case 'delete': {
      if (settings.direction === 'from-crm')
        return planned(ctx, {
          ...fields,
          ...ids,
          action: 'unlink',
          reason: 'deleted in Propstreet (direction is from-crm)',
        });
      const held = dependantsHold(ctx, 'crm');
      const edited = pair.crm ? editedFields(ctx.crmValues(pair.crm), pair.link?.shadow ?? null, mapper) : [];
      if (edited.length > 0 && reportsEdit(ctx, held)) return againstEdit(ctx, ids, 'Propstreet', edited);
      if (held) return keptForDependants(ctx, ids, 'Propstreet', held);
      return planned(ctx, {
        ...fields,
        ...ids,
        action: 'delete-in-crm',
        reason: `deleted in Propstreet (policy ${policy})`,
      });
    }
    case 'unlink':
      return planned(ctx, {
        ...fields,
        ...ids,
        action: 'unlink',
        reason: 'deleted in Propstreet (policy unlink)',
      });
    case 'ignore':
      // The CRM record is left as it is, its key included; the link ends at once, so no later
      // CRM edit is sent to the deleted contact. That edit does not create or revive the
      // contact either: the record's key names a contact that is gone (pair-resolver.ts).
      return planned(ctx, {
        ...fields,
        ...ids,
        action: 'unlink',
        reason: 'deleted in Propstreet (policy ignore): the link ends, the CRM record is kept as it is',
      });
  }
}

function deletedInCrm<R extends PropstreetRecord>(ctx: PlanContext<R>, ids: PairedIds): PairPlan<R> {
  const { pair, settings, mapper, fields } = ctx;
  switch (settings.deletes.fromCrm) {
    case 'delete': {
      if (settings.direction === 'to-crm')
        return endsForGood(ctx, {
          ...fields,
          ...ids,
          action: 'unlink',
          reason: 'deleted in the CRM (direction is to-crm)',
        });
      const held = dependantsHold(ctx, 'propstreet');
      // Kept for its dependants, the record is not deleted: nothing to wait for.
      if (!held && pair.siblingsBehind?.length) return heldForSiblings(ctx, ids, pair.siblingsBehind);
      const edited =
        pair.propstreet && !pair.propstreetEcho
          ? editedFields(mapper.fromPropstreet(pair.propstreet), pair.link?.shadow ?? null, mapper)
          : [];
      // In a bridge, a version another connection wrote since this one synced carries an edit of
      // the other CRM, maybe of fields this connection does not map (HubSpot's tags, which the
      // Salesforce mapping leaves out): an edit all the same, or the delete would reach the record
      // just edited there (bug 60).
      const siblingEdit =
        pair.propstreet !== null &&
        !pair.propstreetEcho &&
        pair.propstreetEditedAt !== undefined &&
        (pair.propstreet.etag ?? null) !== (pair.link?.propstreetEtag ?? null);
      const what =
        edited.length > 0 ? edited : siblingEdit ? ['through another connection of the bridge'] : [];
      if (what.length > 0 && reportsEdit(ctx, held)) return againstEdit(ctx, ids, 'the CRM', what);
      if (held) return keptForDependants(ctx, ids, 'the CRM', held);
      return planned(ctx, {
        ...fields,
        ...ids,
        action: 'delete-in-propstreet',
        reason: 'deleted in the CRM (policy delete)',
      });
    }
    case 'unlink':
      return endsForGood(ctx, {
        ...fields,
        ...ids,
        action: 'unlink',
        reason: 'deleted in the CRM (policy unlink)',
      });
    case 'ignore':
      // The contact is left as it is, our ref included; the link ends at once (and a tombstone
      // keeps the contact from being created in the CRM again), so no later edit is sent to the
      // missing record. A CRM record restored with its key pairs again by that key.
      return endsForGood(ctx, {
        ...fields,
        ...ids,
        action: 'unlink',
        reason: `deleted in the CRM (policy ignore): the link ends, the ${ctx.mapper.kind.noun.one} is kept as it is`,
      });
  }
}

/**
 * Whether a delete against an edit is the conflict it is, when the record also has dependants:
 * kept as edited, it is (the person's edit is what the report must say; both records stay
 * either way); deleted anyway, the dependants still hold the delete back.
 */
function reportsEdit<R extends PropstreetRecord>(ctx: PlanContext<R>, held: string | undefined): boolean {
  return held === undefined || ctx.settings.deletes.againstEdit === 'keep-edited';
}

/**
 * A CRM deletion another connection of the bridge may still have an edit against
 * (sibling-lag.ts): nothing is written, the link stays, and the run keeps the deletion to plan it
 * again once they have read their CRMs past it.
 */
function heldForSiblings<R extends PropstreetRecord>(
  ctx: PlanContext<R>,
  ids: PairedIds,
  behind: readonly string[],
): PairPlan<R> {
  const names = behind.join(', ');
  const reason = `deleted in the CRM; held until ${names} ${behind.length === 1 ? 'has' : 'have'} synced what changed there since (an edit made there must not be lost to this delete)`;
  const notice: Notice = {
    kind: 'delete-held',
    text: reason,
    propstreetIds: [ids.propstreetId],
    crmId: ids.crmId,
  };
  return planned(ctx, { ...ctx.fields, ...ids, action: 'skip', reason, notice, heldFor: behind });
}

/** A delete on one side against an edit on the other since the last sync. */
function againstEdit<R extends PropstreetRecord>(
  ctx: PlanContext<R>,
  ids: PairedIds,
  deleted: 'Propstreet' | 'the CRM',
  edited: readonly string[],
): PairPlan<R> {
  const where = deleted === 'Propstreet' ? 'the CRM' : 'Propstreet';
  const what = `deleted in ${deleted}, but edited in ${where} since the last sync (${edited.join(', ')})`;
  const keep = ctx.settings.deletes.againstEdit === 'keep-edited';
  const reason = keep
    ? `${what}: the edited record is kept and unlinked (deletes.againstEdit: keep-edited)`
    : `${what}: deleted anyway (deletes.againstEdit: delete)`;
  const notice: Notice = {
    kind: 'delete-vs-edit',
    text: reason,
    propstreetIds: [ids.propstreetId],
    crmId: ids.crmId,
  };
  const action: PairedPlan['action'] = keep
    ? 'unlink'
    : deleted === 'Propstreet'
      ? 'delete-in-crm'
      : 'delete-in-propstreet';
  const plan: RecordPlan = { ...ctx.fields, ...ids, action, reason, notice };
  // A CRM deletion kept against a Propstreet edit ends the link for good too; the notice
  // text is the reason, so it is left as it is.
  return keep && deleted === 'the CRM' ? endsForGood(ctx, plan, false) : planned(ctx, plan);
}
