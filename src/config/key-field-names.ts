/**
 * The CRM key receives every linked record's Propstreet id, so it must be a property/field
 * of its own. These names hold people's data (or are the CRM's own), and a tenant file that
 * names one is refused before any API is called. The run checks the definition online too
 * (src/engine/key-field-check.ts): this list only catches the obvious early, with file:line:col.
 */
import type { ConfigProblem } from './config-problems.js';
import { crmObjectName, type ObjectKind } from './object-kinds.js';

/**
 * HubSpot's default contact properties that a key could be mistaken for (HubSpot's "default
 * contact properties" list; the fake's contact-properties.ts), and every `hs_` name, which
 * HubSpot reserves for its own properties.
 */
const HUBSPOT_STANDARD = new Set([
  'email',
  'firstname',
  'lastname',
  'phone',
  'mobilephone',
  'fax',
  'website',
  'company',
  'jobtitle',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'industry',
  'salutation',
  'twitterhandle',
  'linkedinbio',
  'message',
  'lifecyclestage',
  'hubspot_owner_id',
  'createdate',
  'lastmodifieddate',
  'associatedcompanyid',
  'annualrevenue',
  'numemployees',
]);

/**
 * HubSpot's default company properties that a key could be mistaken for (HubSpot's companies
 * guide and its "default company properties" list), besides every `hs_` name.
 */
const HUBSPOT_COMPANY_STANDARD = new Set([
  'name',
  'domain',
  'website',
  'description',
  'phone',
  'industry',
  'type',
  'address',
  'address2',
  'city',
  'state',
  'zip',
  'country',
  'timezone',
  'annualrevenue',
  'numberofemployees',
  'founded_year',
  'is_public',
  'about_us',
  'linkedin_company_page',
  'facebook_company_page',
  'twitterhandle',
  'lifecyclestage',
  'hubspot_owner_id',
  'createdate',
  'num_associated_contacts',
  'total_money_raised',
  'web_technologies',
]);

const HUBSPOT_STANDARD_BY_KIND: Readonly<Record<ObjectKind, ReadonlySet<string>>> = {
  contacts: HUBSPOT_STANDARD,
  companies: HUBSPOT_COMPANY_STANDARD,
};

export function hubspotKeyProblem(
  value: unknown,
  path: readonly (string | number)[],
  kind: ObjectKind = 'contacts',
): ConfigProblem[] {
  if (typeof value !== 'string') return [];
  const name = value.toLowerCase();
  if (!HUBSPOT_STANDARD_BY_KIND[kind].has(name) && !name.startsWith('hs_')) return [];
  return [
    {
      path,
      message: `expected a property of its own for Propstreet ids (e.g. propstreet_id, created by \`propsync validate --check --setup\`), got "${value}", one of HubSpot's own ${crmObjectName(kind, 'hubspot')} properties: the run would overwrite it`,
    },
  ];
}

/** Salesforce custom fields end in `__c`; every other field (Id, Email, Phone, Name…) is standard. */
export function salesforceKeyProblem(
  value: unknown,
  path: readonly (string | number)[],
  kind: ObjectKind = 'contacts',
): ConfigProblem[] {
  if (typeof value !== 'string' || /__c$/i.test(value)) return [];
  return [
    {
      path,
      message: `expected a custom External ID field for Propstreet ids (API name ending in __c, e.g. Propstreet_Id__c), got "${value}", a standard ${crmObjectName(kind, 'salesforce')} field: the run would overwrite it`,
    },
  ];
}
