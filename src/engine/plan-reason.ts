/**
 * Says which side changed which field since the last sync, and what follows from it. Built
 * from the merge itself, so a side that was only read (not changed) is never named.
 */
import type { ConflictResolution } from '../state/port.js';
import type { PairState } from './plan-pair.js';
import type { PropstreetRecord } from './records.js';
import type { MergeResult } from './three-way-merge.js';
import type { FieldChange, FieldConflict, SyncSettings } from './types.js';

const RESOLVED_TAKES: Record<ConflictResolution['take'], string> = {
  propstreet: "Propstreet's value",
  crm: "the CRM's value",
  value: 'a value of their own',
};

const POLICY_TAKES: Record<FieldConflict['winner'], string> = {
  propstreet: "Propstreet's value is kept",
  crm: "the CRM's value is kept",
  none: 'left for a person to resolve',
};

const fieldList = (fields: readonly string[]) => `(${fields.join(', ')})`;

type ReasonSettings = Pick<SyncSettings, 'direction' | 'conflictPolicy'>;

export function reasonFor(
  pair: PairState<PropstreetRecord>,
  merge: MergeResult,
  settings: ReasonSettings,
  mirror: { readonly propstreet: boolean; readonly crm: boolean },
): string {
  const parts: string[] = pair.linkedBy ? [`linked by ${pair.linkedBy}`] : [];
  if (pair.link?.shadow === null) parts.push(...neverSynced(pair, merge, settings));
  else parts.push(...changedSince(merge, settings));
  for (const c of merge.conflicts)
    if (c.resolved)
      parts.push(`conflict on ${c.field} resolved by a person: ${RESOLVED_TAKES[c.resolved.take]}`);
  const changedAnything = parts.length > (pair.linkedBy ? 1 : 0);
  return [...parts, ...closing(pair, mirror, changedAnything)].join('; ');
}

/** "values differ"/"changed on both sides" with the open conflicts and what the policy did. */
function conflictPart(lead: string, merge: MergeResult, settings: ReasonSettings): string[] {
  const open = merge.conflicts.filter((c) => !c.resolved);
  const first = open[0];
  if (!first) return [];
  const conflicts = open.length > 1 ? 'conflicts' : 'conflict';
  const fields = fieldList(open.map((c) => c.field));
  return [`${lead} ${fields}: ${conflicts}, ${settings.conflictPolicy}: ${POLICY_TAKES[first.winner]}`];
}

/** Never synced: there is no "since", only blanks filled from the other side. */
function neverSynced(
  pair: PairState<PropstreetRecord>,
  merge: MergeResult,
  settings: ReasonSettings,
): string[] {
  const parts: string[] = pair.linkedBy ? [] : ['never synced'];
  const filled = (changes: readonly FieldChange[]) =>
    changes.map((c) => c.field).filter((f) => !merge.conflicts.some((c) => c.field === f));
  if (filled(merge.toCrm).length > 0) parts.push(`fills the CRM ${fieldList(filled(merge.toCrm))}`);
  if (filled(merge.toPropstreet).length > 0)
    parts.push(`fills Propstreet ${fieldList(filled(merge.toPropstreet))}`);
  return [...parts, ...conflictPart('values differ', merge, settings)];
}

function changedSince(merge: MergeResult, settings: ReasonSettings): string[] {
  const held = (side: 'propstreet' | 'crm') =>
    (side === 'propstreet' && settings.direction === 'from-crm') ||
    (side === 'crm' && settings.direction === 'to-crm')
      ? `, not synced (direction is ${settings.direction})`
      : '';
  const parts: string[] = [];
  const { changed } = merge;
  if (changed.propstreet.length > 0)
    parts.push(`changed in Propstreet ${fieldList(changed.propstreet)}${held('propstreet')}`);
  if (changed.crm.length > 0) parts.push(`changed in the CRM ${fieldList(changed.crm)}${held('crm')}`);
  if (changed.same.length > 0)
    parts.push(`changed on both sides to the same value ${fieldList(changed.same)}`);
  // Not a conflict: the direction says which value stays (the other side's is left where it is).
  if (changed.both.length > 0)
    parts.push(
      `changed on both sides ${fieldList(changed.both)}: direction ${settings.direction}, ${
        settings.direction === 'from-crm' ? "the CRM's value is kept" : "Propstreet's value is kept"
      }`,
    );
  return [...parts, ...conflictPart('changed on both sides', merge, settings)];
}

/** The mirrors to write back, or why nothing is written. */
function closing(
  pair: PairState<PropstreetRecord>,
  mirror: { readonly propstreet: boolean; readonly crm: boolean },
  changedAnything: boolean,
): string[] {
  const mirrorTo = [mirror.propstreet ? 'Propstreet' : '', mirror.crm ? 'the CRM' : ''].filter(Boolean);
  // A new link writes both mirrors anyway: "linked by" says it.
  if (mirrorTo.length > 0 && !pair.linkedBy)
    return [
      changedAnything
        ? `writes the link back to ${mirrorTo.join(' and ')}`
        : `the link is missing in ${mirrorTo.join(' and ')}: write it back`,
    ];
  if (changedAnything) return [];
  if (pair.linkedBy) return ['values already agree'];
  return [
    pair.propstreetEcho
      ? 'own write echoed from Propstreet: nothing changed'
      : 'nothing changed since the last sync',
  ];
}
