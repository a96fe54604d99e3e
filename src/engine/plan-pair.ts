/**
 * Decides what to do with one pair: create, update, link, delete, unlink or nothing.
 * Pure: everything it needs is in its input, so the same input always gives the same plan,
 * which is what lets a dry run show exactly what a real run will do.
 */
import type { CrmRecord } from '../crm/port.js';
import type { CanonicalValues, ConflictResolution, Link, Tombstone } from '../state/port.js';
import { planDeleted } from './plan-deleted.js';
import { planLinked } from './plan-linked.js';
import { planUnlinked } from './plan-unlinked.js';
import type { RecordMapper } from './record-mapper.js';
import type { PropstreetRecord } from './records.js';
import type { MatchRule, Notice, PlanFields, RecordPlan, SyncSettings } from './types.js';

export interface PairState<R extends PropstreetRecord = PropstreetRecord> {
  /** Current Propstreet version when known (from the delta, or read for this pair). */
  readonly propstreet: R | null;
  /** Current CRM version when known. */
  readonly crm: CrmRecord | null;
  /** The stored link, or one found in this run (`linkedBy` says how). */
  readonly link: Link | null;
  readonly linkedBy?: MatchRule | 'merge' | undefined;
  /** The Propstreet version is our own write coming back (etag or changeOrigin). */
  readonly propstreetEcho: boolean;
  /**
   * When the Propstreet version is another connection's write of its CRM's values (a bridge):
   * that CRM record's modified time, when the edit was made (sibling-edits.ts).
   */
  readonly propstreetEditedAt?: string | undefined;
  /**
   * A bridge's other connections that still link this pair's Propstreet record and have not read
   * their CRM's changes since the CRM deletion in this pair was made (sibling-lag.ts): an edit
   * there may be on its way to Propstreet, so the deletion waits for them.
   */
  readonly siblingsBehind?: readonly string[] | undefined;
  /** Why the pair cannot be planned (e.g. an ambiguous email match), when it cannot. */
  readonly skipReason?: string | undefined;
  /**
   * The CRM record was merged into a record that another record keeps (or that is gone): the
   * link ends with this reason, and neither side is written.
   */
  readonly mergedAway?: string | undefined;
  /**
   * The CRM answered a write of the linked record with not-found: it was deleted without the
   * deletion reaching this run's delta (it left the delta, or `deletes.fromCrm: ignore` kept the
   * link). `crm` is then that deletion.
   */
  readonly crmGone?: boolean | undefined;
  /**
   * Propstreet answered a write of the linked record with not-found: it was deleted without the
   * deletion reaching this run's delta (it left the delta, or was made during the run).
   * `propstreet` is then the version read before, if any; the pair is planned as deleted there.
   */
  readonly propstreetGone?: boolean | undefined;
  /** What the report must tell a person about this pair (a CRM merge of linked records). */
  readonly notice?: Notice | undefined;
  /** A person's resolutions of this pair's conflicts, by field (`propsync resolve`). */
  readonly resolutions?: ReadonlyMap<string, ConflictResolution> | undefined;
  /**
   * Open conflicts of a linked pair one side of which was not read in this run (or is our
   * echo), by field: what each side held when the conflict was last planned. The shadow keeps
   * the old agreement for such a field, so it cannot stand in for the unread side.
   */
  readonly openConflicts?: ReadonlyMap<string, SideValues> | undefined;
  /** An unlinked record whose last link a CRM deletion or merge ended: it is not created again. */
  readonly tombstone?: Tombstone | undefined;
}

/** What each side held for one field. */
export interface SideValues {
  readonly propstreet: string | null;
  readonly crm: string | null;
}

export interface PairPlan<R extends PropstreetRecord = PropstreetRecord, P extends RecordPlan = RecordPlan> {
  readonly plan: P;
  readonly pair: PairState<R>;
  /** Values to store as the shadow once every write of the plan has succeeded. */
  readonly shadow: CanonicalValues | null;
  /** CRM properties to send (mapped from `plan.toCrm`, with the key when creating). */
  readonly crmProperties: Record<string, string | null>;
}

/** What each piece of the planner reads: the pair, the tenant's settings and the mapping. */
export interface PlanContext<R extends PropstreetRecord> {
  readonly pair: PairState<R>;
  readonly settings: SyncSettings;
  readonly mapper: RecordMapper<R, unknown>;
  readonly crmKeyProperty: string;
  /** The fields every plan of this pair starts from (label, notice; nothing to write). */
  readonly fields: PlanFields;
  /**
   * `crm` (the pair's CRM record) mapped to canonical values, once a pair: the label reads
   * them, and so does the plan (the merge, a create in Propstreet).
   */
  readonly crmValues: (crm: CrmRecord) => CanonicalValues;
}

export function planPair<R extends PropstreetRecord>(
  pair: PairState<R>,
  settings: SyncSettings,
  mapper: RecordMapper<R, unknown>,
  crmKeyProperty: string,
): PairPlan<R> {
  let mappedCrm: CanonicalValues | undefined;
  const crmValues = (crm: CrmRecord): CanonicalValues => {
    if (mappedCrm === undefined) mappedCrm = mapper.fromCrm(crm);
    return mappedCrm;
  };
  const fields = fieldsOf(pair, mapper, crmValues);
  const ctx: PlanContext<R> = { pair, settings, mapper, crmKeyProperty, fields, crmValues };
  if (pair.skipReason)
    return planned(ctx, { ...ctx.fields, ...quietIds(pair), action: 'skip', reason: pair.skipReason });
  if (!pair.link) return planUnlinked(ctx);
  const ids = pairedIds(pair, pair.link);
  if (pair.mergedAway)
    return endsForGood(ctx, { ...ctx.fields, ...ids, action: 'unlink', reason: pair.mergedAway });
  return planDeleted(ctx, ids) ?? planLinked(ctx, ids);
}

/** The plan with what executing it needs; the shadow stays the stored one unless given. */
export function planned<R extends PropstreetRecord, P extends RecordPlan>(
  ctx: PlanContext<R>,
  plan: P,
  shadow: CanonicalValues | null = ctx.pair.link?.shadow ?? null,
  crmProperties: Record<string, string | null> = {},
): PairPlan<R, P> {
  return { plan, pair: ctx.pair, shadow, crmProperties };
}

/**
 * The pair's fields as the plan to fill in: every created or changed record comes through
 * here, and the fields are the pair's own object (fieldsOf), read by no other plan of the
 * pair, so they become the plan where a spread copied every key. Keys already there keep
 * their place and new ones follow, in the order a spread gave.
 */
export function fieldsAsPlan<P extends PlanFields>(
  ctx: PlanContext<PropstreetRecord>,
): { -readonly [K in keyof P]: P[K] } {
  return ctx.fields as { -readonly [K in keyof P]: P[K] };
}

export interface PairedIds {
  readonly propstreetId: string;
  readonly crmId: string;
}

/** The ids of a linked pair: the versions read, else the link's. */
function pairedIds(pair: PairState<PropstreetRecord>, link: Link): PairedIds {
  return { propstreetId: pair.propstreet?.id ?? link.propstreetId, crmId: pair.crm?.id ?? link.crmId };
}

/** The ids a plan that writes nothing names: whatever the pair knows. */
export function quietIds(pair: PairState<PropstreetRecord>): {
  propstreetId: string | null;
  crmId: string | null;
} {
  return {
    propstreetId: pair.propstreet?.id ?? pair.link?.propstreetId ?? null,
    crmId: pair.crm?.id ?? pair.link?.crmId ?? null,
  };
}

const NOT_AGAIN = 'not created in the CRM again (deletes.recreate: false)';

/**
 * A link that ends because the CRM record went away leaves a tombstone, so the record's next
 * change (or the ref removal itself) does not create it in the CRM again. `say`: add that to
 * the reason (a delete-against-edit notice already says why).
 */
export function endsForGood<R extends PropstreetRecord>(
  ctx: PlanContext<R>,
  plan: RecordPlan,
  say = true,
): PairPlan<R> {
  const psDeleted = Boolean(ctx.pair.propstreet?.deletedUtc) || ctx.pair.propstreetGone === true;
  if (ctx.settings.deletes.recreate || psDeleted) return planned(ctx, plan);
  return planned(ctx, {
    ...plan,
    tombstone: plan.reason,
    reason: say ? `${plan.reason}; ${NOT_AGAIN}` : plan.reason,
  });
}

function fieldsOf<R extends PropstreetRecord>(
  pair: PairState<R>,
  mapper: RecordMapper<R, unknown>,
  crmValues: (crm: CrmRecord) => CanonicalValues,
): PlanFields {
  const label = labelOf(pair, mapper, crmValues);
  // Every pair starts here: keys set one by one (the order reports show) rather than spread
  // from objects made only to be spread. A pair renamed in the CRM is listed under both
  // current names, not the Propstreet one only.
  const fields: { -readonly [K in keyof PlanFields]: PlanFields[K] } = { label } as PlanFields;
  if (pair.propstreet && pair.crm && !pair.crm.deleted) {
    const crmLabel = crmLabelOf(pair.crm, mapper, crmValues);
    if (crmLabel !== label) fields.crmLabel = crmLabel;
  }
  fields.reason = '';
  fields.linkedBy = pair.linkedBy;
  fields.toCrm = [];
  fields.toPropstreet = [];
  fields.conflicts = [];
  fields.writeCrmKey = false;
  fields.writePropstreetRef = false;
  fields.problems = [];
  if (pair.notice) fields.notice = pair.notice;
  return fields;
}

function labelOf<R extends PropstreetRecord>(
  pair: PairState<R>,
  mapper: RecordMapper<R, unknown>,
  crmValues: (crm: CrmRecord) => CanonicalValues,
): string {
  if (pair.propstreet) return mapper.kind.labelOfRecord(pair.propstreet) || pair.propstreet.id;
  if (pair.crm) return crmLabelOf(pair.crm, mapper, crmValues);
  return pair.link?.propstreetId ?? '?';
}

function crmLabelOf<R extends PropstreetRecord>(
  crm: CrmRecord,
  mapper: RecordMapper<R, unknown>,
  crmValues: (crm: CrmRecord) => CanonicalValues,
): string {
  return mapper.kind.labelOfValues(crmValues(crm)) || crm.id;
}
