/**
 * Decides what to do with one contact pair: create, update, link, delete, unlink or nothing.
 * Pure: everything it needs is in its input, so the same input always gives the same plan,
 * which is what lets a dry run show exactly what a real run will do.
 */
import type { CrmRecord } from '../crm/port.js';
import type { Contact } from '../propstreet/schema.js';
import type { CanonicalValues, ConflictResolution, Link, Tombstone } from '../state/port.js';
import type { RecordMapper } from './record-mapper.js';
import { type MergeResult, threeWayMerge } from './three-way-merge.js';
import type {
  FieldChange,
  FieldConflict,
  MatchRule,
  Notice,
  RecordAction,
  RecordPlan,
  SyncSettings,
} from './types.js';

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
   * The CRM record was merged into a record that another contact keeps (or that is gone): the
   * link ends with this reason, and neither side is written.
   */
  readonly mergedAway?: string | undefined;
  /** What the report must tell a person about this pair (a CRM merge of linked records). */
  readonly notice?: Notice | undefined;
  /** A person's resolutions of this pair's conflicts, by field (`propsync resolve`). */
  readonly resolutions?: ReadonlyMap<string, ConflictResolution> | undefined;
  /** An unlinked contact whose last link a CRM deletion or merge ended: it is not created again. */
  readonly tombstone?: Tombstone | undefined;
}

export interface PairPlan {
  readonly plan: RecordPlan;
  readonly pair: PairState;
  /** Values to store as the shadow once every write of the plan has succeeded. */
  readonly shadow: CanonicalValues | null;
  /** CRM properties to send (mapped from `plan.toCrm`, with the key when creating). */
  readonly crmProperties: Record<string, string | null>;
}

function labelOf(pair: PairState, mapper: RecordMapper): string {
  const ps = pair.propstreet;
  if (ps) {
    const name = [ps.firstName, ps.lastName].filter(Boolean).join(' ');
    return name || ps.email || ps.id;
  }
  if (pair.crm) return crmLabelOf(pair.crm, mapper);
  return pair.link?.propstreetId ?? '?';
}

function crmLabelOf(crm: CrmRecord, mapper: RecordMapper): string {
  const v = mapper.fromCrm(crm);
  const name = [v.firstName, v.lastName].filter(Boolean).join(' ');
  return name || v.email || crm.id;
}

/** A pair renamed in the CRM is listed under both current names, not the Propstreet one only. */
function crmLabelIf(pair: PairState, mapper: RecordMapper, label: string): { crmLabel?: string } {
  if (!pair.propstreet || !pair.crm || pair.crm.deleted) return {};
  const crmLabel = crmLabelOf(pair.crm, mapper);
  return crmLabel === label ? {} : { crmLabel };
}

const allChanges = (values: CanonicalValues): FieldChange[] =>
  Object.entries(values)
    .filter(([, v]) => v !== null)
    .map(([field, after]) => ({ field, before: null, after }));

const toValues = (changes: readonly FieldChange[]): Record<string, string | null> =>
  Object.fromEntries(changes.map((c) => [c.field, c.after]));

export function planPair(
  pair: PairState,
  settings: SyncSettings,
  mapper: RecordMapper,
  crmKeyProperty: string,
): PairPlan {
  const label = labelOf(pair, mapper);
  const psId = pair.propstreet?.id ?? pair.link?.propstreetId ?? null;
  const crmId = pair.crm?.id ?? pair.link?.crmId ?? null;
  const base: Omit<RecordPlan, 'action' | 'reason'> = {
    propstreetId: psId,
    crmId,
    label,
    ...crmLabelIf(pair, mapper, label),
    linkedBy: pair.linkedBy,
    toCrm: [],
    toPropstreet: [],
    conflicts: [],
    writeCrmKey: false,
    writePropstreetRef: false,
    problems: [],
    ...(pair.notice ? { notice: pair.notice } : {}),
  };
  const done = (
    plan: RecordPlan,
    shadow: CanonicalValues | null = pair.link?.shadow ?? null,
    crmProperties = {},
  ) => ({
    plan,
    pair,
    shadow,
    crmProperties,
  });
  const psDeleted = Boolean(pair.propstreet?.deletedUtc);
  const crmDeleted = Boolean(pair.crm?.deleted);

  // A link that ends because the CRM record went away leaves a tombstone, so the contact's
  // next change (or the ref removal itself) does not create the person in the CRM again.
  const endsForGood = (plan: RecordPlan, say = true): PairPlan =>
    done(
      settings.deletes.recreate || psDeleted
        ? plan
        : { ...plan, tombstone: plan.reason, reason: say ? `${plan.reason}; ${NOT_AGAIN}` : plan.reason },
    );

  if (pair.skipReason) return done({ ...base, action: 'skip', reason: pair.skipReason });
  if (pair.mergedAway) return endsForGood({ ...base, action: 'unlink', reason: pair.mergedAway });

  if (!pair.link) {
    if (pair.tombstone && pair.propstreet && !psDeleted)
      return done({ ...base, action: 'skip', reason: tombstoneReason(pair.tombstone) });
    if (pair.propstreet && !psDeleted) {
      if (settings.direction === 'from-crm')
        return done({ ...base, action: 'skip', reason: 'direction is from-crm' });
      const values = mapper.fromPropstreet(pair.propstreet);
      const changes = allChanges(pickFields(values, mapper, 'to-crm'));
      const { properties, problems, skipped = [] } = mapper.toCrm(toValues(changes), { create: true });
      if (problems.length > 0)
        return done({
          ...base,
          action: 'invalid',
          reason: 'cannot be created in the CRM',
          problems,
          toCrm: changes,
        });
      const sent = withoutSkipped(changes, skipped);
      return done(
        {
          ...base,
          action: 'create-in-crm',
          reason: 'new in Propstreet',
          toCrm: sent,
          writePropstreetRef: true,
          ...notSent(skipped),
        },
        keepShadowOf(mergedShadow(values, sent), skipped, null),
        properties,
      );
    }
    if (pair.crm && !crmDeleted) {
      if (settings.direction === 'to-crm')
        return done({ ...base, action: 'skip', reason: 'direction is to-crm' });
      const values = mapper.fromCrm(pair.crm);
      const changes = allChanges(pickFields(values, mapper, 'from-crm'));
      const write = toValues(changes);
      if (!write.firstName && !write.lastName && !write.email && !write.phone)
        return done({
          ...base,
          action: 'invalid',
          reason: 'cannot be created in Propstreet',
          problems: ['Propstreet needs at least one of name, email or phone'],
          toPropstreet: changes,
        });
      return done(
        {
          ...base,
          action: 'create-in-propstreet',
          reason: 'new in the CRM',
          toPropstreet: changes,
          writeCrmKey: true,
        },
        mergedShadow(values, changes),
      );
    }
    return done({ ...base, action: 'noop', reason: 'deleted before it was ever linked' }, null);
  }

  // A linked pair.
  if (psDeleted && crmDeleted) return done({ ...base, action: 'unlink', reason: 'deleted on both sides' });
  // A delete that races an edit on the other side (values moved off the shadow: not our echo).
  const againstEdit = (deleted: 'Propstreet' | 'the CRM', edited: string[], action: RecordAction) => {
    const where = deleted === 'Propstreet' ? 'the CRM' : 'Propstreet';
    const what = `deleted in ${deleted}, but edited in ${where} since the last sync (${edited.join(', ')})`;
    const keep = settings.deletes.againstEdit === 'keep-edited';
    const reason = keep
      ? `${what}: the edited record is kept and unlinked (deletes.againstEdit: keep-edited)`
      : `${what}: deleted anyway (deletes.againstEdit: delete)`;
    const notice: Notice = { kind: 'delete-vs-edit', text: reason, propstreetIds: psId ? [psId] : [], crmId };
    const plan: RecordPlan = { ...base, action: keep ? 'unlink' : action, reason, notice };
    // A CRM deletion kept against a Propstreet edit ends the link for good too; the notice
    // text is the reason, so it is left as it is.
    return keep && deleted === 'the CRM' ? endsForGood(plan, false) : done(plan);
  };
  if (psDeleted) {
    switch (settings.deletes.fromPropstreet) {
      case 'archive':
      case 'delete': {
        if (settings.direction === 'from-crm')
          return done({ ...base, action: 'unlink', reason: 'deleted in Propstreet (direction is from-crm)' });
        const edited = pair.crm ? editedFields(mapper.fromCrm(pair.crm), pair.link.shadow, mapper) : [];
        if (edited.length > 0) return againstEdit('Propstreet', edited, 'delete-in-crm');
        return done({
          ...base,
          action: 'delete-in-crm',
          reason: `deleted in Propstreet (policy ${settings.deletes.fromPropstreet})`,
        });
      }
      case 'unlink':
        return done({ ...base, action: 'unlink', reason: 'deleted in Propstreet (policy unlink)' });
      case 'ignore':
        return done({ ...base, action: 'skip', reason: 'deleted in Propstreet (policy ignore)' });
    }
  }
  if (crmDeleted) {
    switch (settings.deletes.fromCrm) {
      case 'delete': {
        if (settings.direction === 'to-crm')
          return endsForGood({
            ...base,
            action: 'unlink',
            reason: 'deleted in the CRM (direction is to-crm)',
          });
        const edited =
          pair.propstreet && !pair.propstreetEcho
            ? editedFields(mapper.fromPropstreet(pair.propstreet), pair.link.shadow, mapper)
            : [];
        if (edited.length > 0) return againstEdit('the CRM', edited, 'delete-in-propstreet');
        return done({
          ...base,
          action: 'delete-in-propstreet',
          reason: 'deleted in the CRM (policy delete)',
        });
      }
      case 'unlink':
        return endsForGood({ ...base, action: 'unlink', reason: 'deleted in the CRM (policy unlink)' });
      case 'ignore':
        return done({ ...base, action: 'skip', reason: 'deleted in the CRM (policy ignore)' });
    }
  }

  const shadow = pair.link.shadow;
  const psValues =
    pair.propstreet && !pair.propstreetEcho ? mapper.fromPropstreet(pair.propstreet) : (shadow ?? {});
  const crmValues = pair.crm ? mapper.fromCrm(pair.crm) : (shadow ?? {});
  const newer =
    pair.propstreet && pair.crm && Date.parse(pair.propstreet.updatedUtc) < Date.parse(pair.crm.modifiedAt)
      ? 'crm'
      : pair.propstreet
        ? 'propstreet'
        : 'crm';
  const merge = threeWayMerge({
    fields: mapper.fields,
    propstreet: psValues,
    crm: crmValues,
    shadow,
    direction: settings.direction,
    policy: settings.conflictPolicy,
    newer,
    resolutions: pair.resolutions,
  });
  const hasRef = pair.propstreet
    ? pair.propstreet.externalRefs.some(
        (r) => r.namespace.toLowerCase() === settings.namespace.toLowerCase() && r.id === pair.link?.crmId,
      )
    : true;
  // The link is mirrored on both sides whenever a side we read lacks it: a new match, or a
  // write-back lost to a crash or a failure in an earlier run.
  const writePropstreetRef = !hasRef && settings.direction !== 'to-crm';
  const writeCrmKey =
    pair.crm !== null &&
    !pair.crm.deleted &&
    (pair.crm.properties[crmKeyProperty] ?? null) !== psId &&
    settings.direction !== 'from-crm';
  const mirrors = writePropstreetRef || writeCrmKey;
  const { properties, problems, skipped = [] } = mapper.toCrm(toValues(merge.toCrm));
  const toCrm = withoutSkipped(merge.toCrm, skipped);
  const changed = toCrm.length + merge.toPropstreet.length > 0;
  // Nothing else to write, only a value the CRM does not take: say so rather than hide it as a noop.
  const onlySkipped = !changed && !mirrors && !pair.linkedBy && skipped.length > 0;
  const plan: RecordPlan = {
    ...base,
    action:
      problems.length > 0
        ? 'invalid'
        : pair.linkedBy
          ? 'link'
          : changed || mirrors
            ? 'update'
            : onlySkipped
              ? 'skip'
              : 'noop',
    reason:
      problems.length > 0
        ? 'a value the CRM would reject'
        : onlySkipped
          ? 'the only change is a value the CRM does not accept'
          : reasonFor(pair, merge, settings, { propstreet: writePropstreetRef, crm: writeCrmKey }),
    toCrm,
    toPropstreet: merge.toPropstreet,
    conflicts: merge.conflicts,
    writeCrmKey,
    writePropstreetRef,
    problems,
    ...notSent(skipped),
  };
  return done(plan, keepShadowOf(merge.shadow, skipped, shadow), properties);
}

const NOT_AGAIN = 'not created in the CRM again (deletes.recreate: false)';

function tombstoneReason(t: Tombstone): string {
  return `its link to CRM record ${t.crmId} ended ${t.endedAt} (${t.reason}): not created in the CRM again; \`propsync relink\` pairs it again`;
}

const RESOLVED_TAKES: Record<ConflictResolution['take'], string> = {
  propstreet: "Propstreet's value",
  crm: "the CRM's value",
  value: 'a value of their own',
};

const fieldList = (fields: readonly string[]) => `(${fields.join(', ')})`;

const POLICY_TAKES: Record<FieldConflict['winner'], string> = {
  propstreet: "Propstreet's value is kept",
  crm: "the CRM's value is kept",
  none: 'left for a person to resolve',
};

/**
 * Says which side changed which field since the last sync, and what follows from it. Built
 * from the merge itself, so a side that was only read (not changed) is never named.
 */
export function reasonFor(
  pair: PairState,
  merge: MergeResult,
  settings: Pick<SyncSettings, 'direction' | 'conflictPolicy'>,
  mirror: { readonly propstreet: boolean; readonly crm: boolean },
): string {
  const parts: string[] = [];
  if (pair.linkedBy) parts.push(`linked by ${pair.linkedBy}`);
  const open = merge.conflicts.filter((c) => !c.resolved);
  const conflicted = open.map((c) => c.field);
  const conflicts = open.length > 1 ? 'conflicts' : 'conflict';
  if (pair.link?.shadow === null) {
    // Never synced: there is no "since", only blanks filled from the other side.
    if (!pair.linkedBy) parts.push('never synced');
    const filled = (changes: readonly FieldChange[]) =>
      changes.map((c) => c.field).filter((f) => !merge.conflicts.some((c) => c.field === f));
    if (filled(merge.toCrm).length > 0) parts.push(`fills the CRM ${fieldList(filled(merge.toCrm))}`);
    if (filled(merge.toPropstreet).length > 0)
      parts.push(`fills Propstreet ${fieldList(filled(merge.toPropstreet))}`);
    if (conflicted.length > 0)
      parts.push(
        `values differ ${fieldList(conflicted)}: ${conflicts}, ${settings.conflictPolicy}: ${POLICY_TAKES[open[0]!.winner]}`,
      );
  } else {
    const held = (side: 'propstreet' | 'crm') =>
      (side === 'propstreet' && settings.direction === 'from-crm') ||
      (side === 'crm' && settings.direction === 'to-crm')
        ? `, not synced (direction is ${settings.direction})`
        : '';
    if (merge.changed.propstreet.length > 0)
      parts.push(`changed in Propstreet ${fieldList(merge.changed.propstreet)}${held('propstreet')}`);
    if (merge.changed.crm.length > 0)
      parts.push(`changed in the CRM ${fieldList(merge.changed.crm)}${held('crm')}`);
    if (merge.changed.same.length > 0)
      parts.push(`changed on both sides to the same value ${fieldList(merge.changed.same)}`);
    if (conflicted.length > 0)
      parts.push(
        `changed on both sides ${fieldList(conflicted)}: ${conflicts}, ${settings.conflictPolicy}: ${POLICY_TAKES[open[0]!.winner]}`,
      );
  }
  for (const c of merge.conflicts)
    if (c.resolved)
      parts.push(`conflict on ${c.field} resolved by a person: ${RESOLVED_TAKES[c.resolved.take]}`);
  const changedAnything = parts.length > (pair.linkedBy ? 1 : 0);
  const mirrorTo = [mirror.propstreet ? 'Propstreet' : '', mirror.crm ? 'the CRM' : ''].filter(Boolean);
  // A new link writes both mirrors anyway: "linked by" says it.
  if (mirrorTo.length > 0 && !pair.linkedBy)
    parts.push(
      changedAnything
        ? `writes the link back to ${mirrorTo.join(' and ')}`
        : `the link is missing in ${mirrorTo.join(' and ')}: write it back`,
    );
  else if (!changedAnything)
    parts.push(
      pair.linkedBy
        ? 'values already agree'
        : pair.propstreetEcho
          ? 'own write echoed from Propstreet: nothing changed'
          : 'nothing changed since the last sync',
    );
  return parts.join('; ');
}

/**
 * Mapped fields whose value is not the last synced one: a person's edit (our own writes come
 * back equal to the shadow). Without a shadow, or for a field never synced (added to the
 * mapping since), nothing can be told apart, so nothing counts.
 */
function editedFields(
  values: CanonicalValues,
  shadow: CanonicalValues | null,
  mapper: RecordMapper,
): string[] {
  if (!shadow) return [];
  return mapper.fields
    .map((f) => f.name)
    .filter((name) => name in shadow && (values[name] ?? null) !== (shadow[name] ?? null));
}

/** Fields that a create may send in that direction. */
function pickFields(
  values: CanonicalValues,
  mapper: RecordMapper,
  towards: 'to-crm' | 'from-crm',
): CanonicalValues {
  const out: Record<string, string | null> = {};
  for (const f of mapper.fields)
    if (f.direction === 'both' || f.direction === towards) out[f.name] = values[f.name] ?? null;
  return out;
}

type Skipped = readonly { readonly field: string; readonly message: string }[];

function withoutSkipped(changes: readonly FieldChange[], skipped: Skipped): FieldChange[] {
  const left = new Set(skipped.map((s) => s.field));
  return changes.filter((c) => !left.has(c.field));
}

function notSent(skipped: Skipped): { notSent?: string[] } {
  return skipped.length > 0 ? { notSent: skipped.map((s) => s.message) } : {};
}

/**
 * A field left out of the CRM write keeps its last-synced shadow value (null when never
 * synced): the CRM still holds that value, and a shadow claiming otherwise would make the
 * next run take the CRM's old value for a change and write it over Propstreet's.
 */
function keepShadowOf(
  shadow: CanonicalValues | null,
  skipped: Skipped,
  before: CanonicalValues | null,
): CanonicalValues | null {
  if (skipped.length === 0 || shadow === null) return shadow;
  const out: Record<string, string | null> = { ...shadow };
  for (const s of skipped) out[s.field] = before?.[s.field] ?? null;
  return out;
}

/** After a create both sides hold the source's values for the fields it sent. */
function mergedShadow(values: CanonicalValues, changes: readonly FieldChange[]): CanonicalValues {
  const out: Record<string, string | null> = { ...values };
  for (const c of changes) out[c.field] = c.after;
  return out;
}
