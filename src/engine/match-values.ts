/**
 * The values match rules compare (`email`, `domain`, `name`): each side's raw value through
 * the mapping's normaliser for the field, then the kind's comparison key. Both sides go
 * through the same steps, so a CRM's `https://www.acme.com/` pairs with Propstreet's
 * `acme.com`, and a raw string never decides a pairing.
 */
import type { CrmRecord } from '../crm/port.js';
import type { MatchField } from './kind-rules.js';
import type { RecordMapper } from './record-mapper.js';
import type { PropstreetRecord } from './records.js';
import type { StagedChanges } from './staged-changes.js';

/** A record's values per match rule, e.g. `[['domain', 'acme.com'], ['name', 'acme ab']]`. */
export type MatchValues = readonly (readonly [rule: string, value: string])[];

/** A match field the mapping reads from the CRM, with the CRM property holding it. */
export interface Matchable<R extends PropstreetRecord> {
  readonly field: MatchField<R>;
  readonly property: string;
}

/** The kind's match fields that can pair under this mapping (it reads them from the CRM). */
export function matchables<R extends PropstreetRecord>(mapper: RecordMapper<R, unknown>): Matchable<R>[] {
  return mapper.kind.matchFields.flatMap((field) => {
    const property = mapper.crmPropertyOf(field.name);
    return property ? [{ field, property }] : [];
  });
}

/**
 * The tenant's match rules on fields Propstreet does not keep unique (companies: domain, name):
 * two Propstreet records may share the value, so a record's pairing by it is only sure once every
 * record of the run is read (stream-plan.ts holds such records back until then).
 */
export function sharedValueRules<R extends PropstreetRecord>(
  mapper: RecordMapper<R, unknown>,
  match: readonly string[],
): Matchable<R>[] {
  return matchables(mapper).filter((m) => !m.field.uniqueInPropstreet && match.includes(m.field.name));
}

/** Per value, the ids of the live Propstreet records staged in this run holding it. */
export function stagedHolders<R extends PropstreetRecord>(
  staging: Pick<StagedChanges<R>, 'propstreetByMatch'>,
  mapper: RecordMapper<R, unknown>,
  field: MatchField<R>,
  values: readonly string[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of staging.propstreetByMatch(field.name, values)) {
    const v = matchKey(mapper, field, field.propstreetValue(c)) ?? '';
    out.set(v, [...(out.get(v) ?? []), c.id]);
  }
  return out;
}

/** The key `raw` compares under; undefined when there is nothing to compare. */
export function matchKey<R extends PropstreetRecord>(
  mapper: RecordMapper<R, unknown>,
  field: MatchField<R>,
  raw: string | null | undefined,
): string | undefined {
  const canonical = mapper.canonical(field.name, raw);
  if (canonical === null) return undefined;
  const key = field.key ? field.key(canonical) : canonical.toLowerCase();
  return key === '' ? undefined : key;
}

/** How to read each side's match values (staging indexes them for a first sync). */
export function matchValuesOf<R extends PropstreetRecord>(
  mapper: RecordMapper<R, unknown>,
): {
  /** The rules the values are given under, each at most once per record. */
  rules: string[];
  crm(record: CrmRecord): MatchValues;
  propstreet(record: R): MatchValues;
} {
  const fields = matchables(mapper);
  // Every record staged comes through here: one array a record, not one a field.
  const values = (read: (m: Matchable<R>) => string | null | undefined): MatchValues => {
    const out: (readonly [string, string])[] = [];
    for (const m of fields) {
      const key = matchKey(mapper, m.field, read(m));
      if (key !== undefined) out.push([m.field.name, key]);
    }
    return out;
  };
  return {
    rules: [...new Set(fields.map((m) => m.field.name))],
    crm: (record) => values((m) => record.properties[m.property]),
    propstreet: (record) => values((m) => m.field.propstreetValue(record)),
  };
}
