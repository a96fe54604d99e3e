/**
 * What the engine needs of a field mapping. Built from a loaded mapping file
 * (src/mapping) by `mapperFromMapping`; tests may build one by hand.
 */
import type { CrmRecord } from '../crm/port.js';
import type { Contact, ContactWrite } from '../propstreet/schema.js';
import type { CanonicalValues } from '../state/port.js';

export type FieldDirection = 'both' | 'to-crm' | 'from-crm';

export interface RecordMapper {
  /** Canonical field names with their directions. */
  readonly fields: readonly { readonly name: string; readonly direction: FieldDirection }[];
  /** CRM properties to read. */
  readonly crmProperties: readonly string[];
  /** The CRM property holding the email, when mapped (for email matching). */
  readonly crmEmailProperty: string | undefined;
  fromPropstreet(contact: Contact): CanonicalValues;
  fromCrm(record: CrmRecord): CanonicalValues;
  /**
   * `create` fills defaults and constants for fields that are absent. `problems` fail the
   * record; `skipped` are fields left out because the CRM would refuse the value (outside a
   * property's options): the rest of the record is still written.
   */
  toCrm(
    values: CanonicalValues,
    options?: { create?: boolean },
  ): {
    properties: Record<string, string | null>;
    problems: string[];
    skipped?: readonly { readonly field: string; readonly message: string }[];
  };
  /**
   * The same mapper, with values fitted to the CRM properties' fixed options (`allowed`, by CRM
   * property name, as `CrmAdapter.allowedValues` reads them); a value no option fits is skipped.
   */
  withAllowedValues?(allowed: ReadonlyMap<string, readonly string[]>): RecordMapper;
  /** `current` is the contact as last read (null on create): list fields are rewritten from it. */
  toPropstreet(values: CanonicalValues, current: Contact | null): ContactWrite;
  /** Whether writing these fields to Propstreet needs the contact as it is now (a list field). */
  needsCurrent(fields: readonly string[]): boolean;
}
