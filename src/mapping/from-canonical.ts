/** Canonical values back into a CRM property set or a Propstreet write. */
import type { CanonicalValues } from '../state/port.js';
import type { AccessorSet, AccessorWrite } from './accessor-set.js';
import { type AllowedValues, fitListToOptions, fitToOptions, notAnOptionMessage } from './crm-options.js';
import { fieldsFor } from './field-sets.js';
import type { FieldMapping, Mapping } from './mapping-schema.js';
import { normalise } from './normalise.js';

export type CrmProblemCode = 'too-long' | 'truncated' | 'required-missing' | 'not-an-option';

export interface CrmProblem {
  /** Canonical field name. */
  readonly field: string;
  /** CRM property name. */
  readonly crm: string;
  readonly code: CrmProblemCode;
  readonly message: string;
}

export interface CrmWrite {
  readonly properties: Record<string, string | null>;
  /** `too-long` and `required-missing`: the property left out, and the record fails. */
  readonly problems: CrmProblem[];
  /**
   * `truncated`: a value cut to the property's `maxLength` (`truncate: true`) and sent so. Not a
   * reason to fail the record: the field asks for the cut (a notice, RELIABILITY.md bug 29).
   */
  readonly cut: CrmProblem[];
  /**
   * `not-an-option`: values the CRM's property does not accept, left out of `properties`. Not
   * a reason to fail the record: the other fields are still written.
   */
  readonly skipped: CrmProblem[];
}

export interface CanonicalToCrmOptions {
  /** A create: fields absent from `values` count as null, so defaults and required apply. */
  readonly create?: boolean;
  /** The CRM's fixed options per property (read from the CRM once per run). */
  readonly allowed?: AllowedValues;
}

function present(values: Partial<CanonicalValues>, name: string): boolean {
  return Object.hasOwn(values, name) && values[name] !== undefined;
}

/**
 * A value as a field that cuts (`truncate` with `maxLength`) sends it: cut when longer; as it is
 * otherwise, and for a field that does not cut. The links phase writes the contact's title so.
 */
export function cutToFit(
  field: Pick<FieldMapping, 'truncate' | 'maxLength' | 'transform' | 'region'>,
  value: string,
): string | null {
  return field.truncate && field.maxLength !== null && value.length > field.maxLength
    ? cut(field, value, field.maxLength)
    : value;
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair, then re-normalises. */
function cut(field: Pick<FieldMapping, 'transform' | 'region'>, value: string, max: number): string | null {
  let out = '';
  for (const ch of value) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return normalise(field, out);
}

/** Fields written to the CRM (`both | to-crm`) that are present in `values` (all of them on create). */
export function canonicalToCrm(
  values: Partial<CanonicalValues>,
  mapping: Mapping,
  options: CanonicalToCrmOptions = {},
): CrmWrite {
  const properties: Record<string, string | null> = {};
  const problems: CrmProblem[] = [];
  const cutValues: CrmProblem[] = [];
  const skipped: CrmProblem[] = [];
  for (const field of fieldsFor(mapping, 'crm', 'write')) {
    if (!present(values, field.name) && !options.create) continue;
    let value = normalise(field, values[field.name]) ?? field.default;
    if (value === null) {
      if (field.required) {
        problems.push({
          field: field.name,
          crm: field.crm,
          code: 'required-missing',
          message: `${field.crm} is required and has no value`,
        });
      } else if (!options.create) {
        properties[field.crm] = null;
      }
      continue;
    }
    if (field.maxLength !== null && value.length > field.maxLength) {
      const message = `${field.crm} allows ${field.maxLength} characters, the value has ${value.length}`;
      if (!field.truncate) {
        problems.push({ field: field.name, crm: field.crm, code: 'too-long', message });
        continue;
      }
      cutValues.push({
        field: field.name,
        crm: field.crm,
        code: 'truncated',
        message: `${message}; sent cut`,
      });
      value = cutToFit(field, value);
    }
    const choices = options.allowed?.get(field.crm);
    if (value !== null && choices !== undefined) {
      const fitted =
        field.transform === 'tags'
          ? fitListToOptions(field, value, choices)
          : fitToOptions(field, value, choices);
      if (fitted === undefined) {
        skipped.push({
          field: field.name,
          crm: field.crm,
          code: 'not-an-option',
          message: notAnOptionMessage(field.crm, value, choices),
        });
        continue;
      }
      value = fitted;
    }
    properties[field.crm] = value;
  }
  return { properties, problems, cut: cutValues, skipped };
}

/**
 * Fields written to Propstreet (`both | from-crm`) that are present in `values`; null clears.
 * `current` is the record as read for an update, null for a create: an accessor inside a list
 * Propstreet replaces as a whole (contacts' `mobilePhone` in `phones`) must start from the
 * current list or the write would drop the record's other entries. Required on purpose.
 */
export function canonicalToPropstreet<R, W>(
  values: Partial<CanonicalValues>,
  mapping: Mapping,
  accessors: AccessorSet<R, W>,
  current: R | null,
): W {
  const writes: AccessorWrite[] = [];
  for (const field of fieldsFor(mapping, 'propstreet', 'write')) {
    if (field.propstreet === null || !present(values, field.name)) continue;
    writes.push({ accessor: field.propstreet, value: normalise(field, values[field.name]) });
  }
  return accessors.write(writes, current);
}
