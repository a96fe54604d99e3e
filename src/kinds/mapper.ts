/**
 * Adapts a loaded mapping (src/mapping) to the engine's RecordMapper port for a kind: the
 * mapping's fields, read and written through the kind's accessors, plus what the kind's rules
 * need of the CRM (the property counting a record's dependants, read with every record).
 */
import { ValidationError } from '../core/errors.js';
import type { CrmRecord } from '../crm/port.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { AccessorSet } from '../mapping/accessor-set.js';
import {
  type AllowedValues,
  canonicalToCrm,
  canonicalToPropstreet,
  crmProperties,
  crmToCanonical,
  type FieldMapping,
  type Mapping,
  normalise,
  propstreetToCanonical,
} from '../mapping/index.js';
import type { CanonicalValues } from '../state/port.js';
import { KINDS, type RecordOf, type WriteOf } from './index.js';
import type { KindSpec } from './kind-spec.js';
import type { KindName } from './names.js';

/**
 * The mapper of `kind` for `mapping`, which must map that kind (its `object`).
 * `allowed`: the CRM's fixed options per property, when read (values are fitted to them).
 */
export function mapperFor<R extends PropstreetRecord, W>(
  kind: KindSpec<R, W>,
  mapping: Mapping,
  allowed?: AllowedValues,
): RecordMapper<R, W> {
  if (mapping.object !== kind.name)
    throw new ValidationError(
      `${mapping.source}: maps ${mapping.object}, but the ${kind.name} kind needs a mapping with object: ${kind.name}`,
      { [`${mapping.source} object`]: [`expected ${kind.name}, got ${mapping.object}`] },
      { code: 'MAPPING_INVALID' },
    );
  const { accessors } = kind;
  // Looked up per record (canonical values, list fields): indexed once, the first field of a name winning.
  const byName = new Map<string, FieldMapping>();
  const readFromCrm = new Map<string, string>();
  for (const f of mapping.fields) {
    if (!byName.has(f.name)) byName.set(f.name, f);
    if (f.direction !== 'to-crm' && !readFromCrm.has(f.name)) readFromCrm.set(f.name, f.crm);
  }
  const field = (name: string) => byName.get(name);
  const dependantsCount = kind.crm[mapping.crm].dependantsCount;
  return {
    kind,
    fields: mapping.fields.map((f) => ({ name: f.name, direction: f.direction, crm: f.crm })),
    crmProperties: [...crmProperties(mapping), ...(dependantsCount ? [dependantsCount] : [])],
    crmPropertyOf: (name) => readFromCrm.get(name),
    fromPropstreet: (record: R) => propstreetToCanonical(record, mapping, accessors),
    fromCrm: (record: CrmRecord) => crmToCanonical(record, mapping),
    canonical: (name, raw) => {
      const f = field(name);
      return f ? normalise(f, raw) : raw?.trim() || null;
    },
    ...(kind.dependants ? { crmDependants: (record: CrmRecord) => countIn(record, dependantsCount) } : {}),
    toCrm: (values: CanonicalValues, options?: { create?: boolean }) => {
      const { properties, problems, cut, skipped } = canonicalToCrm(
        values,
        mapping,
        allowed ? { ...options, allowed } : options,
      );
      return {
        properties,
        problems: problems.map((p) => `${p.field}: ${p.message}`),
        ...(cut.length > 0 ? { cut: cut.map((c) => `${c.field}: ${c.message}`) } : {}),
        skipped: skipped.map((s) => ({ field: s.field, message: s.message })),
      };
    },
    withAllowedValues: (values) => mapperFor(kind, mapping, values),
    needsCurrent: (fields: readonly string[]) =>
      fields.some((name) => {
        const accessor = field(name)?.propstreet;
        return accessor != null && accessors.needCurrent.has(accessor);
      }),
    toPropstreet: (values: CanonicalValues, current: R | null) =>
      canonicalToPropstreet(values, mapping, accessors, current),
    ...(accessors.propstreetLimits
      ? {
          propstreetRefuses: (values: CanonicalValues) =>
            refusedByPropstreet(values, mapping, accessors.propstreetLimits),
        }
      : {}),
  };
}

/** A count property's value; undefined when the CRM does not have it, or it is not a count. */
function countIn(record: CrmRecord, property: string | undefined): number | undefined {
  const raw = property ? record.properties[property]?.trim() : undefined;
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The mapper for the kind the mapping's `object` names. */
export function mapperFromMapping<K extends KindName>(
  mapping: Mapping<K>,
  allowed?: AllowedValues,
): RecordMapper<RecordOf<K>, WriteOf<K>> {
  return mapperFor(KINDS[mapping.object], mapping, allowed);
}

/** The values Propstreet would refuse (kinds' `propstreetLimits`), each with why. */
function refusedByPropstreet(
  values: CanonicalValues,
  mapping: Mapping,
  limits: AccessorSet<unknown, unknown>['propstreetLimits'],
): { field: string; message: string }[] {
  if (!limits) return [];
  const out: { field: string; message: string }[] = [];
  for (const f of mapping.fields) {
    if (f.direction === 'to-crm' || f.propstreet === null || !Object.hasOwn(values, f.name)) continue;
    const value = values[f.name];
    const max = limits.maxLength.get(f.propstreet);
    const form = limits.form?.get(f.propstreet);
    if (value == null && limits.required.has(f.propstreet))
      out.push({ field: f.name, message: `${f.propstreet}: Propstreet does not clear it; not sent` });
    else if (value != null && form && !form.test(value))
      out.push({
        field: f.name,
        message: `${f.propstreet}: ${JSON.stringify(value)} is not ${form.expected}; not sent`,
      });
    else if (value != null && max !== undefined && value.length > max)
      out.push({
        field: f.name,
        message: `${f.propstreet}: Propstreet takes ${max} characters, the value has ${value.length}; not sent`,
      });
  }
  return out;
}
