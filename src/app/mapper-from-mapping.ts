/** Adapts a loaded mapping (src/mapping) to the engine's RecordMapper port. */
import type { CrmRecord } from '../crm/port.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import { KINDS } from '../kinds/index.js';
import {
  type AllowedValues,
  canonicalToCrm,
  canonicalToPropstreet,
  crmProperties,
  crmToCanonical,
  type Mapping,
  propstreetToCanonical,
} from '../mapping/index.js';
import type { Contact, ContactWrite } from '../propstreet/schema.js';
import type { CanonicalValues } from '../state/port.js';

/** `allowed`: the CRM's fixed options per property, when read (values are fitted to them). */
export function mapperFromMapping(
  mapping: Mapping,
  allowed?: AllowedValues,
): RecordMapper<Contact, ContactWrite> {
  return {
    kind: KINDS[mapping.object],
    fields: mapping.fields.map((f) => ({ name: f.name, direction: f.direction })),
    crmProperties: crmProperties(mapping),
    crmPropertyOf: (name) => mapping.fields.find((f) => f.name === name && f.direction !== 'to-crm')?.crm,
    fromPropstreet: (contact: Contact) => propstreetToCanonical(contact, mapping),
    fromCrm: (record: CrmRecord) => crmToCanonical(record, mapping),
    toCrm: (values: CanonicalValues, options?: { create?: boolean }) => {
      const { properties, problems, skipped } = canonicalToCrm(values, mapping, {
        ...options,
        ...(allowed ? { allowed } : {}),
      });
      return {
        properties,
        problems: problems.map((p) => `${p.field}: ${p.message}`),
        skipped: skipped.map((s) => ({ field: s.field, message: s.message })),
      };
    },
    withAllowedValues: (values) => mapperFromMapping(mapping, values),
    // Only mobilePhone lives inside a list (`phones`) that Propstreet replaces whole.
    needsCurrent: (fields: readonly string[]) =>
      fields.some((name) => mapping.fields.find((f) => f.name === name)?.propstreet === 'mobilePhone'),
    toPropstreet: (values: CanonicalValues, current: Contact | null) =>
      canonicalToPropstreet(values, mapping, current),
  };
}
