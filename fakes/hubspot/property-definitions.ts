/**
 * How the fake describes a property, for every object: HubSpot's property definition as the
 * properties API lists it (`type`, `fieldType`, `groupName`, `hasUniqueValue`, `options`…),
 * and the value rules the store applies on write. An `enumeration` with options takes only
 * their values (INVALID_OPTION otherwise).
 */
export type PropertyType = 'string' | 'number' | 'datetime' | 'date' | 'enumeration' | 'bool';

/** One choice of an enumeration property, as the properties API lists it. */
export interface PropertyOption {
  readonly label: string;
  readonly value: string;
  readonly displayOrder: number;
  readonly hidden: boolean;
}

export interface PropertyDefinition {
  readonly name: string;
  readonly label: string;
  readonly type: PropertyType;
  readonly fieldType: string;
  readonly groupName: string;
  readonly hasUniqueValue: boolean;
  /** Set by HubSpot itself (`hs_object_id`, `lastmodifieddate`…): writes are rejected. */
  readonly readOnly: boolean;
  /**
   * HubSpot computes the value itself (`num_associated_contacts`): listed with `calculated: true`,
   * always read-only, its value worked out by the store when read (`ObjectStore.calculate`).
   */
  readonly calculated?: boolean;
  readonly hubspotDefined: boolean;
  readonly createdAt: string;
  /** The allowed values of an enumeration (empty: any value, as for the read-only lists). */
  readonly options: readonly PropertyOption[];
}

const EPOCH = '2019-08-06T02:43:14.491Z';

/** A HubSpot-defined property of one object's own group (`contactinformation`, `companyinformation`). */
export function standardProperty(
  groupName: string,
  name: string,
  label: string,
  type: PropertyType,
  fieldType: string,
  readOnly = false,
  options: readonly PropertyOption[] = [],
): PropertyDefinition {
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    hasUniqueValue: false,
    readOnly,
    hubspotDefined: true,
    createdAt: EPOCH,
    options,
  };
}

export function optionsOf(values: readonly (readonly [value: string, label: string])[]): PropertyOption[] {
  return values.map(([value, label], displayOrder) => ({ label, value, displayOrder, hidden: false }));
}

/**
 * The values of `raw` an enumeration with options refuses: a `checkbox` (multiple choice)
 * takes `;`-separated values, each of which must be an option; `""` clears and is fine.
 */
export function invalidOptions(def: PropertyDefinition, raw: string): string[] {
  if (def.type !== 'enumeration' || def.options.length === 0 || raw === '') return [];
  const allowed = new Set(def.options.map((o) => o.value));
  const values = def.fieldType === 'checkbox' ? raw.split(';') : [raw];
  return values.filter((v) => !allowed.has(v));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isValidEmail(value: string): boolean {
  return EMAIL.test(value);
}
