/**
 * Decides what to do with one pair: create, update, link, delete, unlink or nothing.
 * Pure: everything it needs is in its input, so the same input always gives the same plan,
 * which is what lets a dry run show exactly what a real run will do.
 */
import type { CrmRecord } from '../crm/port.js';
import type { Contact } from '../propstreet/schema.js';
import type { CanonicalValues, ConflictResolution, Link, Tombstone } from '../state/port.js';
import { planDeleted } from './plan-deleted.js';
import { planLinked } from './plan-linked.js';
import { planUnlinked } from './plan-unlinked.js';
import type { RecordMapper } from './record-mapper.js';
import type { MatchRule, Notice, PlanFields, RecordPlan, SyncSettings } from './types.js';

export interface PairState {
  /** Current Propstreet version when known (from the delta, or read for this pair). */
  readonly propstreet: Contact | null;
  /** Current CRM version when known. */
  readonly crm: CrmRecord | null;
  /** The stored link, or one found in this run (`linkedBy` says how). */
  readonly link: Link | null;
  readonly linkedBy?: MatchRule | 'merge' | undefined;
  /** The Propstreet version is our own write coming back (etag or changeOrigin). */
  readonly propstreetEcho: boolean;
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

export interface PairPlan<P extends RecordPlan = RecordPlan> {
  readonly plan: P;
  readonly pair: PairState;
  /** Values to store as the shadow once every write of the plan has succeeded. */
  readonly shadow: CanonicalValues | null;
  /** CRM properties to send (mapped from `plan.toCrm`, with the key when creating). */
  readonly crmProperties: Record<string, string | null>;
}

/** What each piece of the planner reads: the pair, the tenant's settings and the mapping. */
export interface PlanContext {
  readonly pair: PairState;
  readonly settings: SyncSettings;
  readonly mapper: RecordMapper;
  readonly crmKeyProperty: string;
  /** The fields every plan of this pair starts from (label, notice; nothing to write). */
  readonly fields: PlanFields;
}

export function planPair(
  pair: PairState,
  settings: SyncSettings,
  mapper: RecordMapper,
  crmKeyProperty: string,
): PairPlan {
  const ctx: PlanContext = { pair, settings, mapper, crmKeyProperty, fields: fieldsOf(pair, mapper) };
  if (pair.skipReason)
    return planned(ctx, { ...ctx.fields, ...quietIds(pair), action: 'skip', reason: pair.skipReason });
  if (!pair.link) return planUnlinked(ctx);
  const ids = pairedIds(pair, pair.link);
  if (pair.mergedAway)
    return endsForGood(ctx, { ...ctx.fields, ...ids, action: 'unlink', reason: pair.mergedAway });
  return planDeleted(ctx, ids) ?? planLinked(ctx, ids);
}

/** The plan with what executing it needs; the shadow stays the stored one unless given. */
export function planned<P extends RecordPlan>(
  ctx: PlanContext,
  plan: P,
  shadow: CanonicalValues | null = ctx.pair.link?.shadow ?? null,
  crmProperties: Record<string, string | null> = {},
): PairPlan<P> {
  return { plan, pair: ctx.pair, shadow, crmProperties };
}

export interface PairedIds {
  readonly propstreetId: string;
  readonly crmId: string;
}

/** The ids of a linked pair: the versions read, else the link's. */
export function pairedIds(pair: PairState, link: Link): PairedIds {
  return { propstreetId: pair.propstreet?.id ?? link.propstreetId, crmId: pair.crm?.id ?? link.crmId };
}

/** The ids a plan that writes nothing names: whatever the pair knows. */
export function quietIds(pair: PairState): { propstreetId: string | null; crmId: string | null } {
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
export function endsForGood(ctx: PlanContext, plan: RecordPlan, say = true): PairPlan {
  const psDeleted = Boolean(ctx.pair.propstreet?.deletedUtc);
  if (ctx.settings.deletes.recreate || psDeleted) return planned(ctx, plan);
  return planned(ctx, {
    ...plan,
    tombstone: plan.reason,
    reason: say ? `${plan.reason}; ${NOT_AGAIN}` : plan.reason,
  });
}

function fieldsOf(pair: PairState, mapper: RecordMapper): PlanFields {
  return {
    label: labelOf(pair, mapper),
    reason: '',
    linkedBy: pair.linkedBy,
    toCrm: [],
    toPropstreet: [],
    conflicts: [],
    writeCrmKey: false,
    writePropstreetRef: false,
    problems: [],
    ...(pair.notice ? { notice: pair.notice } : {}),
  };
}

function labelOf(pair: PairState, mapper: RecordMapper): string {
  const ps = pair.propstreet;
  if (ps) {
    const name = [ps.firstName, ps.lastName].filter(Boolean).join(' ');
    return name || ps.email || ps.id;
  }
  if (pair.crm) {
    const v = mapper.fromCrm(pair.crm);
    const name = [v.firstName, v.lastName].filter(Boolean).join(' ');
    return name || v.email || pair.crm.id;
  }
  return pair.link?.propstreetId ?? '?';
}
