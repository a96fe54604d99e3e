/**
 * Plans for a linked pair with both sides live: a field-level three-way merge against the
 * shadow, the mirrors (externalRef, CRM key) written back where a side lacks them, and the
 * values the CRM would refuse or not take.
 */
import type { CanonicalValues } from '../state/port.js';
import {
  fieldsAsPlan,
  type PairedIds,
  type PairPlan,
  type PlanContext,
  planned,
  type SideValues,
} from './plan-pair.js';
import { reasonFor } from './plan-reason.js';
import { keepShadowOf, toValues, withoutSkipped } from './plan-values.js';
import type { PropstreetRecord } from './records.js';
import { threeWayMerge } from './three-way-merge.js';
import type { RecordPlan, RecordPlanShape } from './types.js';

export function planLinked<R extends PropstreetRecord>(ctx: PlanContext<R>, ids: PairedIds): PairPlan<R> {
  const { pair, settings, mapper } = ctx;
  const shadow = pair.link?.shadow ?? null;
  const merge = threeWayMerge({
    fields: mapper.fields,
    propstreet:
      pair.propstreet && !pair.propstreetEcho
        ? mapper.fromPropstreet(pair.propstreet)
        : unreadSide(shadow, pair.openConflicts, 'propstreet'),
    crm: pair.crm ? ctx.crmValues(pair.crm) : unreadSide(shadow, pair.openConflicts, 'crm'),
    shadow,
    direction: settings.direction,
    policy: settings.conflictPolicy,
    newer: newerSide(ctx),
    resolutions: pair.resolutions,
  });
  const mirror = mirrorsNeeded(ctx, ids);
  const { properties, problems, cut = [], skipped = [] } = mapper.toCrm(toValues(merge.toCrm));
  const toCrm = withoutSkipped(merge.toCrm, skipped);
  // Values Propstreet would refuse stay out of its write, as those the CRM would (bug 35).
  const refused = mapper.propstreetRefuses?.(toValues(merge.toPropstreet)) ?? [];
  const toPropstreet = withoutSkipped(merge.toPropstreet, refused);
  const changed = toCrm.length + toPropstreet.length > 0;
  const mirrors = mirror.propstreet || mirror.crm;
  const notSent = [...skipped, ...refused];
  // Nothing else to write, only a value a side does not take: say so rather than hide it as a noop.
  const onlySkipped = !changed && !mirrors && !pair.linkedBy && notSent.length > 0;
  const action = linkedAction({
    invalid: problems.length > 0,
    linked: Boolean(pair.linkedBy),
    writes: changed || mirrors,
    onlySkipped,
  });
  const reason =
    problems.length > 0
      ? 'a value the CRM would reject'
      : onlySkipped
        ? `the only change is a value ${skipped.length > 0 ? 'the CRM' : 'Propstreet'} does not accept`
        : reasonFor(pair, merge, settings, mirror);
  const plan = fieldsAsPlan<RecordPlanShape>(ctx);
  plan.reason = reason;
  plan.toCrm = toCrm;
  plan.toPropstreet = toPropstreet;
  plan.conflicts = merge.conflicts;
  plan.writeCrmKey = mirror.crm;
  plan.writePropstreetRef = mirror.propstreet;
  plan.problems = problems;
  plan.propstreetId = ids.propstreetId;
  plan.crmId = ids.crmId;
  plan.action = action;
  if (notSent.length + cut.length > 0) plan.notSent = [...notSent.map((s) => s.message), ...cut];
  return planned(ctx, plan as RecordPlan, keepShadowOf(merge.shadow, notSent, shadow), properties);
}

/**
 * What a side not read in this run (or whose version is our echo) holds: unchanged since the
 * last sync, so the shadow, except where a conflict is open: there the shadow keeps the old
 * agreement while the side holds its own value, which the conflict recorded when last planned
 * (every run that plans the pair records its open conflicts anew). Taking the shadow there
 * would make the other side's value look like the only change and write it over this one.
 */
function unreadSide(
  shadow: CanonicalValues | null,
  conflicts: ReadonlyMap<string, SideValues> | undefined,
  side: 'propstreet' | 'crm',
): CanonicalValues {
  if (!conflicts || conflicts.size === 0) return shadow ?? {};
  const values: Record<string, string | null> = { ...shadow };
  for (const [field, held] of conflicts) values[field] = held[side];
  return values;
}

function linkedAction(o: {
  readonly invalid: boolean;
  readonly linked: boolean;
  readonly writes: boolean;
  readonly onlySkipped: boolean;
}): 'invalid' | 'link' | 'update' | 'skip' | 'noop' {
  if (o.invalid) return 'invalid';
  if (o.linked) return 'link';
  if (o.writes) return 'update';
  return o.onlySkipped ? 'skip' : 'noop';
}

/**
 * For newest-wins: the side whose version is newer (Propstreet on a tie, or when only it was
 * read). A Propstreet version another connection wrote is as new as its CRM's edit.
 */
function newerSide({ pair }: PlanContext<PropstreetRecord>): 'propstreet' | 'crm' {
  if (pair.propstreet && pair.crm) {
    const propstreetAt = pair.propstreetEditedAt ?? pair.propstreet.updatedUtc;
    return Date.parse(propstreetAt) < Date.parse(pair.crm.modifiedAt) ? 'crm' : 'propstreet';
  }
  return pair.propstreet ? 'propstreet' : 'crm';
}

/**
 * The link is mirrored on both sides whenever a side we read lacks it: a new match, or a
 * write-back lost to a crash or a failure in an earlier run.
 */
function mirrorsNeeded({ pair, settings, crmKeyProperty }: PlanContext<PropstreetRecord>, ids: PairedIds) {
  const hasRef = pair.propstreet
    ? pair.propstreet.externalRefs.some(
        (r) => r.namespace.toLowerCase() === settings.namespace.toLowerCase() && r.id === pair.link?.crmId,
      )
    : true;
  return {
    propstreet: !hasRef && settings.direction !== 'to-crm',
    crm:
      pair.crm !== null &&
      !pair.crm.deleted &&
      (pair.crm.properties[crmKeyProperty] ?? null) !== ids.propstreetId &&
      settings.direction !== 'from-crm',
  };
}
