/**
 * The contact property schema the fake knows: HubSpot's default contact properties that
 * matter to a sync, plus custom ones created through the properties API. Writes to a name
 * not in here fail with PROPERTY_DOESNT_EXIST, as they do on HubSpot.
 */
export type PropertyType = 'string' | 'number' | 'datetime' | 'date' | 'enumeration' | 'bool';

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
}

const EPOCH = '2019-08-06T02:43:14.491Z';

function std(name: string, label: string, type: PropertyType, fieldType: string, readOnly = false) {
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
  } satisfies PropertyDefinition;
}

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
    std('hs_language', 'Preferred language', 'enumeration', 'select'),
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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isValidEmail(value: string): boolean {
  return EMAIL.test(value);
}
