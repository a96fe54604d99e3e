/**
 * The fake's Contact fields. Lengths follow Salesforce's standard Contact (LastName 80,
 * FirstName 40…); `AccountId` is a lookup to Account, checked on save.
 */
import {
  type CustomFieldOptions,
  type FieldDef,
  field,
  SObjectSchema,
  SYSTEM_FIELDS,
} from './sobject-schema.js';

const STANDARD: readonly FieldDef[] = [
  field('Id', 'Contact ID', 'id', 18, { nillable: false }),
  field('IsDeleted', 'Deleted', 'boolean', 0, { nillable: false }),
  field('MasterRecordId', 'Master Record ID', 'reference', 18, { createable: false, updateable: false }),
  field('AccountId', 'Account ID', 'reference', 18, { referenceTo: 'Account' }),
  field('LastName', 'Last Name', 'string', 80, { nillable: false }),
  field('FirstName', 'First Name', 'string', 40),
  field('Salutation', 'Salutation', 'string', 40),
  field('Name', 'Full Name', 'string', 121, { createable: false, updateable: false, nillable: false }),
  field('Email', 'Email', 'email', 80),
  field('Phone', 'Business Phone', 'phone', 40),
  field('MobilePhone', 'Mobile Phone', 'phone', 40),
  field('Title', 'Title', 'string', 128),
  field('Department', 'Department', 'string', 80),
  field('MailingStreet', 'Mailing Street', 'textarea', 255),
  field('MailingCity', 'Mailing City', 'string', 40),
  field('MailingState', 'Mailing State/Province', 'string', 80),
  field('MailingPostalCode', 'Mailing Zip/Postal Code', 'string', 20),
  field('MailingCountry', 'Mailing Country', 'string', 80),
  field('Description', 'Contact Description', 'textarea', 32000),
  ...SYSTEM_FIELDS,
];

export class ContactSchema extends SObjectSchema {
  constructor(externalIdField: string | null, others: readonly CustomFieldOptions[] = []) {
    super('Contact', '003', STANDARD, ['LastName'], externalIdField, others);
  }
}
