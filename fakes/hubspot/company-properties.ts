/**
 * The company property schema the fake knows: HubSpot's default company properties that
 * matter to a sync, in the `companyinformation` group. Companies carry `hs_lastmodifieddate`
 * (not `lastmodifieddate`, which is the contacts' name), and nothing HubSpot keeps unique: the
 * API does not deduplicate companies by `domain`.
 */
import { optionsOf, type PropertyDefinition, standardProperty } from './property-definitions.js';

const std = standardProperty.bind(null, 'companyinformation');

/**
 * `industry` takes HubSpot's own upper-case codes (`COMPUTER_SOFTWARE`, `REAL_ESTATE`…), not
 * free text. HubSpot has some 150; these are the ones a property network meets, in HubSpot's
 * form. The full list is not published as data, so this subset is a guess in its extent.
 */
const INDUSTRY_OPTIONS = optionsOf([
  ['ACCOUNTING', 'Accounting'],
  ['ARCHITECTURE_PLANNING', 'Architecture & Planning'],
  ['BANKING', 'Banking'],
  ['COMMERCIAL_REAL_ESTATE', 'Commercial Real Estate'],
  ['COMPUTER_SOFTWARE', 'Computer Software'],
  ['CONSTRUCTION', 'Construction'],
  ['FINANCIAL_SERVICES', 'Financial Services'],
  ['INSURANCE', 'Insurance'],
  ['INVESTMENT_BANKING', 'Investment Banking'],
  ['INVESTMENT_MANAGEMENT', 'Investment Management'],
  ['LAW_PRACTICE', 'Law Practice'],
  ['MANAGEMENT_CONSULTING', 'Management Consulting'],
  ['REAL_ESTATE', 'Real Estate'],
  ['VENTURE_CAPITAL_PRIVATE_EQUITY', 'Venture Capital & Private Equity'],
]);

export function standardCompanyProperties(): PropertyDefinition[] {
  return [
    std('hs_object_id', 'Record ID', 'number', 'number', true),
    std('createdate', 'Create Date', 'datetime', 'date', true),
    std('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', true),
    std('hs_merged_object_ids', 'Merged Record IDs', 'enumeration', 'checkbox', true),
    std('name', 'Company name', 'string', 'text'),
    std('domain', 'Company Domain Name', 'string', 'text'),
    std('hs_additional_domains', 'Additional Domains', 'enumeration', 'checkbox'),
    std('website', 'Website URL', 'string', 'text'),
    std('phone', 'Phone Number', 'string', 'phonenumber'),
    std('address', 'Street Address', 'string', 'text'),
    std('city', 'City', 'string', 'text'),
    std('zip', 'Postal Code', 'string', 'text'),
    std('state', 'State/Region', 'string', 'text'),
    std('country', 'Country/Region', 'string', 'text'),
    std('industry', 'Industry', 'enumeration', 'select', false, INDUSTRY_OPTIONS),
    std('description', 'Description', 'string', 'textarea'),
    std('numberofemployees', 'Number of Employees', 'number', 'number'),
    std('annualrevenue', 'Annual Revenue', 'number', 'number'),
    std('linkedin_company_page', 'LinkedIn Company Page', 'string', 'text'),
    std('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio'),
    // HubSpot's rollup of the company's contact associations: calculated, never written. Its
    // value comes from the association store (hubspot-fake.ts wires `ObjectStore.calculate`).
    {
      ...std('num_associated_contacts', 'Number of Associated Contacts', 'number', 'number', true),
      calculated: true,
    },
  ];
}
