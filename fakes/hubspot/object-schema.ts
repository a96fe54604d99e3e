/**
 * What differs between the objects the fake serves (contacts, companies): the default
 * properties, which property stamps a change, what HubSpot itself keeps unique, what a merge
 * keeps of the other record, what search returns without a property list, and the words its
 * messages use. The store, routes and control are one code path over these descriptors.
 */
import { standardCompanyProperties } from './company-properties.js';
import { standardContactProperties } from './contact-properties.js';
import type { PropertyDefinition } from './property-definitions.js';

export type FakeObjectType = 'contacts' | 'companies';

export interface FakeObjectSchema {
  readonly objectType: FakeObjectType;
  /** "contact", "company": messages and the OBJECT_NOT_FOUND text ("CONTACT objects"). */
  readonly noun: string;
  /** The object's own property group, where the control's `defineProperty` puts custom properties. */
  readonly groupName: string;
  readonly standardProperties: () => PropertyDefinition[];
  /** Bumped on every write: contacts `lastmodifieddate`, companies `hs_lastmodifieddate`. */
  readonly lastModified: string;
  /**
   * A property HubSpot keeps unique, case-insensitively, by itself (contacts: `email`, whose
   * clash reads "Contact already exists. Existing ID: N"); companies have none.
   */
  readonly primaryUnique: string | undefined;
  /**
   * On a merge the primary's value of `from` stays and the other's is added to `list`
   * (contacts: email → `hs_additional_emails`; companies: domain → `hs_additional_domains`).
   */
  readonly mergeKeepsOther: { readonly from: string; readonly list: string };
  /** Returned by search, list and read when no `properties` are asked for. */
  readonly defaultReturned: readonly string[];
  /** Properties every search and batch result carries even when not asked for. */
  readonly alwaysReturned: readonly string[];
  /** What a search `query` string is matched against. */
  readonly queryProperties: readonly string[];
}

const CONTACTS: FakeObjectSchema = {
  objectType: 'contacts',
  noun: 'contact',
  groupName: 'contactinformation',
  standardProperties: standardContactProperties,
  lastModified: 'lastmodifieddate',
  primaryUnique: 'email',
  mergeKeepsOther: { from: 'email', list: 'hs_additional_emails' },
  defaultReturned: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  alwaysReturned: ['createdate', 'hs_object_id', 'lastmodifieddate'],
  queryProperties: ['email', 'firstname', 'lastname', 'phone', 'company'],
};

const COMPANIES: FakeObjectSchema = {
  objectType: 'companies',
  noun: 'company',
  groupName: 'companyinformation',
  standardProperties: standardCompanyProperties,
  lastModified: 'hs_lastmodifieddate',
  primaryUnique: undefined,
  mergeKeepsOther: { from: 'domain', list: 'hs_additional_domains' },
  defaultReturned: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  alwaysReturned: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  queryProperties: ['name', 'domain', 'website', 'phone'],
};

export const OBJECT_SCHEMAS: Readonly<Record<FakeObjectType, FakeObjectSchema>> = {
  contacts: CONTACTS,
  companies: COMPANIES,
};

export function isObjectType(value: unknown): value is FakeObjectType {
  return value === 'contacts' || value === 'companies';
}
