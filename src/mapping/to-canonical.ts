/** Propstreet records and CRM records into canonical values (normalised, keyed by field name). */
import type { CanonicalValues } from '../state/port.js';
import type { AccessorSet } from './accessor-set.js';
import { fieldsFor } from './field-sets.js';
import type { Mapping } from './mapping-schema.js';
import { normalise } from './normalise.js';

/** Fields that read from Propstreet (`both | to-crm`), through the accessors of the mapping's kind. */
export function propstreetToCanonical<R>(
  record: R,
  mapping: Mapping,
  accessors: AccessorSet<R, unknown>,
): CanonicalValues {
  const out: Record<string, string | null> = {};
  for (const field of fieldsFor(mapping, 'propstreet', 'read')) {
    if (field.propstreet === null) continue;
    const value = normalise(field, accessors.read(record, field.propstreet));
    // A both-ways field reads its placeholder as none on both sides (crmToCanonical), so a
    // Propstreet value equal to it never looks cleared by the CRM's reading of the same value.
    out[field.name] =
      field.direction === 'both' && field.default !== null && value === field.default ? null : value;
  }
  return out;
}

/**
 * Fields that read from the CRM (`both | from-crm`). A property the record lacks reads as null
 * (HubSpot leaves empty properties out). A value equal to the field's `default` also reads as
 * null: it is the placeholder the connector wrote for "no value", not data.
 */
export function crmToCanonical(
  record: { readonly properties: Readonly<Record<string, string | null>> },
  mapping: Mapping,
): CanonicalValues {
  const out: Record<string, string | null> = {};
  for (const field of fieldsFor(mapping, 'crm', 'read')) {
    const value = normalise(field, record.properties[field.crm]);
    out[field.name] = field.default !== null && value === field.default ? null : value;
  }
  return out;
}
