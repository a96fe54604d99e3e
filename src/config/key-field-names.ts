/**
 * The CRM key receives every linked contact's Propstreet id, so it must be a property/field
 * of its own. These names hold people's data (or are the CRM's own), and a tenant file that
 * names one is refused before any API is called. The run checks the definition online too
 * (src/engine/key-field-check.ts): this list only catches the obvious early, with file:line:col.
 */
import type { ConfigProblem } from './config-problems.js';

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

export function hubspotKeyProblem(value: unknown, path: readonly (string | number)[]): ConfigProblem[] {
  if (typeof value !== 'string') return [];
  const name = value.toLowerCase();
  if (!HUBSPOT_STANDARD.has(name) && !name.startsWith('hs_')) return [];
  return [
    {
      path,
      message: `expected a property of its own for Propstreet ids (e.g. propstreet_id, created by \`propsync validate --check --setup\`), got "${value}", one of HubSpot's own contact properties: the run would overwrite it`,
    },
  ];
}

/** Salesforce custom fields end in `__c`; every other Contact field (Id, Email, Phone, Name…) is standard. */
export function salesforceKeyProblem(value: unknown, path: readonly (string | number)[]): ConfigProblem[] {
  if (typeof value !== 'string' || /__c$/i.test(value)) return [];
  return [
    {
      path,
      message: `expected a custom External ID field for Propstreet ids (API name ending in __c, e.g. Propstreet_Id__c), got "${value}", a standard Contact field: the run would overwrite it`,
    },
  ];
}
