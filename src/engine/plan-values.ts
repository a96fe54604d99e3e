/** Small pure helpers the planner's pieces share: field changes, values and shadows. */
import type { CanonicalValues } from '../state/port.js';
import type { RecordMapper } from './record-mapper.js';
import type { FieldChange } from './types.js';

export const toValues = (changes: readonly FieldChange[]): Record<string, string | null> =>
  Object.fromEntries(changes.map((c) => [c.field, c.after]));

/**
 * A create's changes: every non-empty value of a field that may flow `towards` the other side,
 * as a change from nothing, and the same values keyed by field (what the write is built from).
 * One pass over the mapper's fields, every record of a first sync comes through here.
 */
export function createChanges(
  values: CanonicalValues,
  mapper: Pick<RecordMapper, 'fields'>,
  towards: 'to-crm' | 'from-crm',
): { changes: FieldChange[]; values: Record<string, string | null> } {
  const changes: FieldChange[] = [];
  const sent: Record<string, string | null> = {};
  for (const f of mapper.fields) {
    if (f.direction !== 'both' && f.direction !== towards) continue;
    const after = values[f.name] ?? null;
    if (after === null) continue;
    changes.push({ field: f.name, before: null, after });
    sent[f.name] = after;
  }
  return { changes, values: sent };
}

export type Skipped = readonly { readonly field: string; readonly message: string }[];

export function withoutSkipped(changes: readonly FieldChange[], skipped: Skipped): readonly FieldChange[] {
  // Nearly every write skips nothing: the changes themselves, no set and no copy (plans never mutate them).
  if (skipped.length === 0) return changes;
  const left = new Set(skipped.map((s) => s.field));
  return changes.filter((c) => !left.has(c.field));
}

/**
 * A field left out of the CRM write keeps its last-synced shadow value (null when never
 * synced): the CRM still holds that value, and a shadow claiming otherwise would make the
 * next run take the CRM's old value for a change and write it over Propstreet's.
 */
export function keepShadowOf(
  shadow: CanonicalValues | null,
  skipped: Skipped,
  before: CanonicalValues | null,
): CanonicalValues | null {
  if (skipped.length === 0 || shadow === null) return shadow;
  const out: Record<string, string | null> = { ...shadow };
  for (const s of skipped) out[s.field] = before?.[s.field] ?? null;
  return out;
}

/**
 * Mapped fields whose value is not the last synced one: a person's edit (our own writes come
 * back equal to the shadow). Without a shadow, or for a field never synced (added to the
 * mapping since), nothing can be told apart, so nothing counts. Nor does a field the side's
 * values do not carry: a one-way field is not read from the side it never flows from (the
 * CRM's copy of a `to-crm` job title), and its absence is no edit.
 */
export function editedFields(
  values: CanonicalValues,
  shadow: CanonicalValues | null,
  mapper: Pick<RecordMapper, 'fields'>,
): string[] {
  if (!shadow) return [];
  return mapper.fields
    .map((f) => f.name)
    .filter((name) => name in shadow && name in values && (values[name] ?? null) !== (shadow[name] ?? null));
}
