/**
 * The CRM record each match rule finds for unlinked Propstreet records: by the record's
 * externalRef, by the CRM key (the record's id), or (opt-in: `email`, `domain`, `name`) by a
 * unique value of the kind's match field of that name, compared in canonical form
 * (match-values.ts). A match that is not unique is reported as ambiguous, never guessed. From
 * staging when every live CRM record is staged (a first sync), else through the CRM port.
 */
import type { MatchFieldRule } from '../core/vocabulary.js';
import type { CrmRecord } from '../crm/port.js';
import { matchables, matchKey, stagedHolders } from './match-values.js';
import type { ResolverDeps } from './pair-resolver.js';
import { externalRefFor, type PropstreetRecord } from './records.js';
import type { MatchRule } from './types.js';

export type Candidate = { readonly record: CrmRecord } | { readonly ambiguous: string };

/** Candidates by Propstreet id. */
export async function candidatesBy<R extends PropstreetRecord>(
  rule: MatchRule,
  remaining: readonly R[],
  deps: ResolverDeps<R>,
): Promise<Map<string, Candidate>> {
  switch (rule) {
    case 'externalRef':
      return byExternalRef(remaining, deps);
    case 'key':
      return byKey(remaining, deps);
    case 'email':
    case 'domain':
    case 'name':
      return byMatchField(rule, remaining, deps);
  }
}

async function byExternalRef<R extends PropstreetRecord>(
  remaining: readonly R[],
  deps: ResolverDeps<R>,
): Promise<Map<string, Candidate>> {
  const found = new Map<string, Candidate>();
  const wanted = new Map<string, string>();
  for (const c of remaining) {
    const ref = externalRefFor(c, deps.settings.namespace);
    if (ref) wanted.set(ref, c.id);
  }
  if (wanted.size === 0) return found;
  const records = await readCrmByIds([...wanted.keys()], deps);
  for (const r of records) {
    const id = wanted.get(r.id);
    if (id !== undefined && !r.deleted) found.set(id, { record: r });
  }
  // A ref to a record merged into one that another contact keeps: the link ended with the
  // merge (merge-pairs.ts); creating the contact again would undo the CRM's merge. The merge's
  // tombstone holds the contact back first; this still holds when it was relinked or the
  // tenant recreates (deletes.recreate).
  const merged = records.flatMap((r) => (r.mergedInto ? [{ id: r.id, into: r.mergedInto }] : []));
  if (merged.length === 0) return found;
  const survivors = merged.map((m) => m.into);
  const kept = new Map((await deps.store.linksByCrmIds(deps.scope, survivors)).map((l) => [l.crmId, l]));
  for (const m of merged) {
    const other = kept.get(m.into);
    const id = wanted.get(m.id);
    if (other && id !== undefined)
      found.set(id, {
        ambiguous: `merged in the CRM: its record ${m.id} is now ${m.into}, linked to Propstreet ${deps.mapper.kind.noun.one} ${other.propstreetId}; merge the ${deps.mapper.kind.noun.many} in Propstreet`,
      });
  }
  return found;
}

async function byKey<R extends PropstreetRecord>(
  remaining: readonly R[],
  deps: ResolverDeps<R>,
): Promise<Map<string, Candidate>> {
  const found = new Map<string, Candidate>();
  const ids = remaining.map((c) => c.id);
  const records = deps.crmFullyStaged ? deps.staging.crmByKeys(ids) : await deps.crm.readByKeys(ids);
  for (const r of records) {
    const key = r.properties[deps.crm.keyProperty];
    if (key && !r.deleted) found.set(key, { record: r });
  }
  return found;
}

/** By the kind's match field named like the rule, when the kind has one and the mapping reads it from the CRM. */
async function byMatchField<R extends PropstreetRecord>(
  rule: MatchFieldRule,
  remaining: readonly R[],
  deps: ResolverDeps<R>,
): Promise<Map<string, Candidate>> {
  const found = new Map<string, Candidate>();
  const matchable = matchables(deps.mapper).find((m) => m.field.name === rule);
  if (!matchable) return found;
  const { field, property } = matchable;
  const key = (raw: string | null | undefined) => matchKey(deps.mapper, field, raw);
  const byValue = new Map<string, R[]>();
  for (const c of remaining) {
    const v = key(field.propstreetValue(c));
    if (v) byValue.set(v, [...(byValue.get(v) ?? []), c]);
  }
  if (byValue.size === 0) return found;
  const values = [...byValue.keys()];
  // A value Propstreet may hold twice: every record of the run holding it counts, not only this
  // chunk's (a first sync's other acme.se may sit in another chunk).
  const mine = new Set(remaining.map((c) => c.id));
  const holdersOf = field.uniqueInPropstreet
    ? undefined
    : new Map(
        [...stagedHolders(deps.staging, deps.mapper, field, values)].map(([v, ids]) => [
          v,
          ids.filter((id) => !mine.has(id)).length,
        ]),
      );
  // A first sync compares staged records by key; a search asks for every spelling of it.
  const asked = field.spellings ? [...new Set(values.flatMap((v) => field.spellings?.(v) ?? [v]))] : values;
  const records = deps.crmFullyStaged
    ? deps.staging.crmByMatch(rule, values)
    : await deps.crm.findByMatch(property, asked);
  const recordsByValue = new Map<string, CrmRecord[]>();
  for (const r of records) {
    // The CRM's search compares what it stores; only records equal in canonical form pair.
    const v = key(r.properties[property]);
    if (v && !r.deleted && byValue.has(v)) recordsByValue.set(v, [...(recordsByValue.get(v) ?? []), r]);
  }
  // Values about to pair one to one: on a later run, ask Propstreet for every holder (once a run).
  const sure =
    holdersOf && deps.propstreetHolders
      ? [...byValue].filter(
          ([v, h]) => (recordsByValue.get(v)?.length ?? 0) === 1 && h.length + (holdersOf.get(v) ?? 0) === 1,
        )
      : [];
  const listed =
    sure.length > 0 && deps.propstreetHolders
      ? await deps.propstreetHolders(
          rule,
          sure.map(([v]) => v),
        )
      : undefined;
  const { many } = deps.mapper.kind.noun;
  for (const [value, holders] of byValue) {
    const matches = recordsByValue.get(value) ?? [];
    const [only] = matches;
    if (!only) continue;
    const held = Math.max(holders.length + (holdersOf?.get(value) ?? 0), listed?.get(value)?.length ?? 0);
    for (const c of holders)
      found.set(
        c.id,
        matches.length > 1 || held > 1
          ? {
              ambiguous: `${field.name} ${value} matches ${matches.length} CRM records and ${held} ${many}`,
            }
          : { record: only },
      );
  }
  return found;
}

/** CRM records by id: staged ones first, the rest read (none when every live record is staged). */
export async function readCrmByIds(
  ids: readonly string[],
  deps: Pick<ResolverDeps, 'staging' | 'crm' | 'crmFullyStaged'>,
): Promise<CrmRecord[]> {
  const staged = deps.staging.peekCrm(ids);
  const missing = deps.crmFullyStaged ? [] : ids.filter((id) => !staged.has(id));
  const read = missing.length > 0 ? await deps.crm.readByIds(missing) : [];
  return [...staged.values(), ...read];
}
