/**
 * The companies kind: Propstreet network companies ⇄ HubSpot `companies` / Salesforce
 * `Account`. A company that still has linked contacts is never deleted to follow its
 * partner's deletion: Propstreet lists them in `contacts[]`, HubSpot counts them in the
 * read-only `num_associated_contacts`; a Salesforce Account does not say, so such a delete is
 * held there (and Salesforce would delete the Account's contacts with it).
 */
import { type Company, type CompanyWrite, companySchema } from '../../propstreet/company-schema.js';
import type { KindSpec } from '../kind-spec.js';
import { COMPANY_ACCESSORS } from './accessors.js';
import { companyCreateProblem } from './create-minimum.js';
import { labelOfCompany, labelOfCompanyValues } from './label.js';
import { COMPANY_MATCH_FIELDS } from './match-fields.js';
import { companyWrites } from './writes.js';

const COMPANIES_PATH = '/api/v1/network/companies';

export const COMPANIES: KindSpec<Company, CompanyWrite> = {
  name: 'companies',
  noun: { one: 'company', many: 'companies' },
  propstreet: { path: COMPANIES_PATH, schema: companySchema },
  crm: {
    hubspot: {
      objectType: 'companies',
      keyProperty: 'propstreet_id',
      dependantsCount: 'num_associated_contacts',
    },
    salesforce: { sObject: 'Account', keyField: 'Propstreet_Id__c' },
  },
  mappingFile: (crm) =>
    crm === 'hubspot' ? 'mappings/hubspot.companies.yaml' : 'mappings/salesforce.accounts.yaml',
  labelOfRecord: labelOfCompany,
  labelOfValues: labelOfCompanyValues,
  createProblem: companyCreateProblem,
  matchFields: COMPANY_MATCH_FIELDS,
  dependants: { noun: 'linked contacts', count: (company) => company.contacts.length },
  writes: companyWrites,
  accessors: COMPANY_ACCESSORS,
};
