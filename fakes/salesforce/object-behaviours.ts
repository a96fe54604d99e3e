/**
 * What the fake's Contact, Account and AccountContactRelation stores do differently: their
 * duplicate rules, how a record is named in messages, whether `Name` is computed, defaults, and
 * the indexes relations use.
 */
import { ACCOUNT_DUPLICATE_RULE } from './account-duplicate-rule.js';
import { CONTACT_DUPLICATE_RULE } from './duplicate-rule.js';
import type { ObjectBehaviour } from './sobject-store.js';
import type { SObjectRow } from './soql-eval.js';

function fullName(row: Readonly<SObjectRow>): string {
  return [row.FirstName, row.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
}

export const CONTACT_BEHAVIOUR: ObjectBehaviour = {
  duplicateRule: CONTACT_DUPLICATE_RULE,
  displayName: fullName,
  computedName: fullName,
  // Contacts by their account, for an Account's delete and merge (org-relations.ts).
  indexes: { account: (row) => (typeof row.AccountId === 'string' ? row.AccountId : '') },
};

export const ACCOUNT_BEHAVIOUR: ObjectBehaviour = {
  duplicateRule: ACCOUNT_DUPLICATE_RULE,
  displayName: (row) => (typeof row.Name === 'string' ? row.Name : ''),
};

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The key of an account–contact pair in the relation table's `pair` index. */
export function pairKey(accountId: unknown, contactId: unknown): string {
  return text(accountId) && text(contactId) ? `${text(accountId)}:${text(contactId)}` : '';
}

/** Relations are deleted for good: Salesforce Help says a removed relationship can't be restored. */
export const ACCOUNT_CONTACT_RELATION_BEHAVIOUR: ObjectBehaviour = {
  defaults: { IsActive: true, IsDirect: false },
  hardDelete: true,
  displayName: () => 'this relationship',
  indexes: {
    pair: (row) => pairKey(row.AccountId, row.ContactId),
    contact: (row) => text(row.ContactId),
    account: (row) => text(row.AccountId),
  },
};
