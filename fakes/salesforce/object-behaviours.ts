/**
 * What the fake's Contact and Account stores do differently: their duplicate rules, how a
 * record is named in messages, whether `Name` is computed, and the indexes relations use.
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
