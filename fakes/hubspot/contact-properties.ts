/**
 * The contact property schema the fake knows: HubSpot's default contact properties that
 * matter to a sync, plus custom ones created through the properties API. Writes to a name
 * not in here fail with PROPERTY_DOESNT_EXIST, as they do on HubSpot; an `enumeration` with
 * options takes only their values (INVALID_OPTION otherwise).
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
  readonly hubspotDefined: boolean;
  readonly createdAt: string;
  /** The allowed values of an enumeration (empty: any value, as for the read-only lists). */
  readonly options: readonly PropertyOption[];
}

const EPOCH = '2019-08-06T02:43:14.491Z';

function std(
  name: string,
  label: string,
  type: PropertyType,
  fieldType: string,
  readOnly = false,
  options: readonly PropertyOption[] = [],
) {
  return {
    name,
    label,
    type,
    fieldType,
    groupName: 'contactinformation',
    hasUniqueValue: false,
    readOnly,
    hubspotDefined: true,
    createdAt: EPOCH,
    options,
  } satisfies PropertyDefinition;
}

export function optionsOf(values: readonly (readonly [value: string, label: string])[]): PropertyOption[] {
  return values.map(([value, label], displayOrder) => ({ label, value, displayOrder, hidden: false }));
}

/**
 * `hs_language` ("Preferred language"): HubSpot's own list of language and locale codes. A
 * portal has dozens; these are the ones the tests need, in HubSpot's style (lower-case
 * `en`, `en-us`, `pt-br`). The full list is not published as data, so this subset is a guess
 * in its extent, not in its form.
 */
const HS_LANGUAGE_OPTIONS = optionsOf([
  ['da', 'Danish'],
  ['de', 'German'],
  ['en', 'English'],
  ['en-gb', 'English - United Kingdom'],
  ['en-us', 'English - United States'],
  ['es', 'Spanish'],
  ['fr', 'French'],
  ['nl', 'Dutch'],
  ['no', 'Norwegian'],
  ['pt-br', 'Portuguese - Brazil'],
  ['sv', 'Swedish'],
]);

export function standardContactProperties(): PropertyDefinition[] {
  return [
    std('hs_object_id', 'Record ID', 'number', 'number', true),
    std('createdate', 'Create Date', 'datetime', 'date', true),
    std('lastmodifieddate', 'Last Modified Date', 'datetime', 'date', true),
    std('hs_merged_object_ids', 'Merged Record IDs', 'enumeration', 'checkbox', true),
    std('hs_additional_emails', 'Additional email addresses', 'enumeration', 'checkbox', true),
    std('email', 'Email', 'string', 'text'),
    std('firstname', 'First Name', 'string', 'text'),
    std('lastname', 'Last Name', 'string', 'text'),
    std('phone', 'Phone Number', 'string', 'phonenumber'),
    std('mobilephone', 'Mobile Phone Number', 'string', 'phonenumber'),
    std('jobtitle', 'Job Title', 'string', 'text'),
    std('company', 'Company Name', 'string', 'text'),
    std('website', 'Website URL', 'string', 'text'),
    std('city', 'City', 'string', 'text'),
    std('country', 'Country/Region', 'string', 'text'),
    std('hs_language', 'Preferred language', 'enumeration', 'select', false, HS_LANGUAGE_OPTIONS),
    std('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio'),
  ];
}

/** Properties every search and batch result carries even when not asked for. */
export const ALWAYS_RETURNED = ['createdate', 'hs_object_id', 'lastmodifieddate'] as const;

/** What search, list and read return for contacts when `properties` is not given. */
export const DEFAULT_RETURNED = [
  'createdate',
  'email',
  'firstname',
  'hs_object_id',
  'lastmodifieddate',
  'lastname',
];

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
