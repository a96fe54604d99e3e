/**
 * The relation between the fake's Contacts and Accounts, as the platform keeps it:
 * - `Contact.AccountId` must name a live Account: a malformed value is MALFORMED_ID, an id of
 *   another object FIELD_INTEGRITY_EXCEPTION, an Account that does not exist or is in the
 *   recycle bin INVALID_CROSS_REFERENCE_KEY (fields: [AccountId]).
 * - Deleting an Account moves its Contacts to the recycle bin with it; it fails (DELETE_FAILED)
 *   while any of those contacts has a case.
 * - Merging Accounts moves the losers' Contacts to the master.
 * With Contacts to Multiple Accounts on, AccountContactRelation follows both (contact-account-relations.ts).
 */
import { contactAccountRelations } from './contact-account-relations.js';
import type { RecordError } from './save-rules.js';
import type { FieldDef } from './sobject-schema.js';
import { deleteFailedError, type SObjectStore } from './sobject-store.js';

const ID_SHAPE = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

function referenceError(def: FieldDef, value: string, target: SObjectStore): RecordError | undefined {
  if (!ID_SHAPE.test(value)) {
    return {
      statusCode: 'MALFORMED_ID',
      message: `${def.label}: id value of incorrect type: ${value}`,
      fields: [def.name],
    };
  }
  if (!value.startsWith(target.schema.keyPrefix)) {
    return {
      statusCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: `${def.label}: id value of incorrect type: ${value}`,
      fields: [def.name],
    };
  }
  const row = target.get(value);
  if (!row || row.IsDeleted) {
    return {
      statusCode: 'INVALID_CROSS_REFERENCE_KEY',
      message: 'invalid cross reference id',
      fields: [def.name],
    };
  }
  return undefined;
}

function liveContactsOf(contacts: SObjectStore, accountId: string) {
  return [...contacts.liveIds('account', accountId)].flatMap((id) => {
    const row = contacts.get(id);
    return row && !row.IsDeleted ? [row] : [];
  });
}

/**
 * Wires the objects' relations. `relations` is the AccountContactRelation store of an org with
 * Contacts to Multiple Accounts on, undefined otherwise.
 */
export function relateContactsToAccounts(
  contacts: SObjectStore,
  accounts: SObjectStore,
  relations?: SObjectStore,
): void {
  const stores: Readonly<Record<string, SObjectStore>> = { Account: accounts, Contact: contacts };
  const checkReference = (def: FieldDef, value: string) => {
    const target = def.referenceTo ? stores[def.referenceTo] : undefined;
    return target ? referenceError(def, value, target) : undefined;
  };
  const many = relations ? contactAccountRelations(contacts, relations) : undefined;
  contacts.relations = { checkReference, ...many?.contacts };
  accounts.relations = {
    checkReference,
    deleteBlocker(account) {
      const cases = liveContactsOf(contacts, account.Id as string).flatMap((c) =>
        contacts.casesFor(c.Id as string),
      );
      return cases.length ? deleteFailedError(String(account.Name ?? ''), cases) : undefined;
    },
    afterDelete(account, userId) {
      for (const c of liveContactsOf(contacts, account.Id as string)) {
        contacts.binRow(c, userId);
        many?.contacts.afterDelete?.(c, userId);
      }
      many?.accounts.afterDelete?.(account, userId);
    },
    afterMerge(masterId, loserIds, userId) {
      for (const loser of loserIds)
        for (const c of liveContactsOf(contacts, loser))
          contacts.touchRow(c, { AccountId: masterId }, userId);
      many?.accounts.afterMerge?.(masterId, loserIds, userId);
    },
  };
  if (relations && many) relations.relations = { checkReference, ...many.relations };
}
