/**
 * The fake's AccountContactRelation fields (Salesforce Field Reference and Object Reference,
 * AccountContactRelation, API 37.0+): the account and contact are set on create and never
 * changed after; `IsDirect` is the platform's (true for the contact's primary account); `IsActive`
 * defaults to true; `Roles` is a multi-select picklist.
 */
import { type FieldDef, field, SObjectSchema, SYSTEM_FIELDS } from './sobject-schema.js';

const CREATE_ONLY = { createable: true, updateable: false, nillable: false } as const;

const STANDARD: readonly FieldDef[] = [
  field('Id', 'Account Contact Relationship ID', 'id', 18, { nillable: false }),
  field('IsDeleted', 'Deleted', 'boolean', 0, { nillable: false }),
  field('AccountId', 'Account ID', 'reference', 18, { ...CREATE_ONLY, referenceTo: 'Account' }),
  field('ContactId', 'Contact ID', 'reference', 18, { ...CREATE_ONLY, referenceTo: 'Contact' }),
  field('IsDirect', 'Direct', 'boolean', 0, { nillable: false }),
  field('IsActive', 'Active', 'boolean', 0, { createable: true, updateable: true, nillable: false }),
  field('Roles', 'Roles', 'multipicklist', 4099),
  field('StartDate', 'Start Date', 'date'),
  field('EndDate', 'End Date', 'date'),
  // A relation has no owner: it is the contact's and the account's.
  ...SYSTEM_FIELDS.filter((f) => f.name !== 'OwnerId'),
];

export class AccountContactRelationSchema extends SObjectSchema {
  constructor() {
    super('AccountContactRelation', '07k', STANDARD, ['AccountId', 'ContactId'], null);
  }
}
