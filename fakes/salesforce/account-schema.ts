/**
 * The fake's Account fields (Salesforce Field Reference, Account: Name 255, Phone 40, BillingCity 40,
 * BillingCountry 80, BillingStreet 255, Description 32000; Website 255 and Industry's open picklist
 * are modelled, see docs/VENDOR-BEHAVIOUR.md). `Name` is the one required field of a business account.
 */
import {
  type CustomFieldOptions,
  type FieldDef,
  field,
  SObjectSchema,
  SYSTEM_FIELDS,
} from './sobject-schema.js';

const STANDARD: readonly FieldDef[] = [
  field('Id', 'Account ID', 'id', 18, { nillable: false }),
  field('IsDeleted', 'Deleted', 'boolean', 0, { nillable: false }),
  field('MasterRecordId', 'Master Record ID', 'reference', 18, { createable: false, updateable: false }),
  field('Name', 'Account Name', 'string', 255, { nillable: false }),
  field('Website', 'Website', 'url', 255),
  field('Phone', 'Account Phone', 'phone', 40),
  field('Industry', 'Industry', 'picklist', 255),
  field('BillingStreet', 'Billing Street', 'textarea', 255),
  field('BillingCity', 'Billing City', 'string', 40),
  field('BillingState', 'Billing State/Province', 'string', 80),
  field('BillingPostalCode', 'Billing Zip/Postal Code', 'string', 20),
  field('BillingCountry', 'Billing Country', 'string', 80),
  field('Description', 'Account Description', 'textarea', 32000),
  ...SYSTEM_FIELDS,
];

export class AccountSchema extends SObjectSchema {
  constructor(externalIdField: string | null, others: readonly CustomFieldOptions[] = []) {
    super('Account', '001', STANDARD, ['Name'], externalIdField, others);
  }
}
