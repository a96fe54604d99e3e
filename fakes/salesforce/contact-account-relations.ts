/**
 * AccountContactRelation, in an org that lets users relate a contact to multiple accounts
 * (Setup → Account Settings; the `contactsToMultipleAccounts` option). The platform keeps one
 * relation per (account, contact):
 * - setting or changing `Contact.AccountId` makes the relation to the new primary account direct
 *   (creating it when missing) and keeps the one to the old account as indirect;
 * - the API creates indirect relations only: the pair must be new (DUPLICATE_VALUE) and the
 *   contact must have a primary account; a direct relation cannot be deleted (change the contact's
 *   primary account or delete the contact instead);
 * - a relation's delete is for good (no recycle bin); deleting a contact or an account deletes its
 *   relations; merges move the losers' relations to the master, dropping pairs it already has.
 */
import { pairKey } from './object-behaviours.js';
import { duplicateValueError, type RecordError } from './save-rules.js';
import type { Relations, SObjectStore } from './sobject-store.js';
import type { SObjectRow } from './soql-eval.js';

function live(store: SObjectStore, index: string, key: string): SObjectRow[] {
  return [...store.liveIds(index, key)].flatMap((id) => {
    const row = store.get(id);
    return row && !row.IsDeleted ? [row] : [];
  });
}

export interface RelationHooks {
  readonly contacts: Relations;
  readonly accounts: Relations;
  readonly relations: Relations;
}

export function contactAccountRelations(contacts: SObjectStore, relations: SObjectStore): RelationHooks {
  const relationOf = (accountId: unknown, contactId: unknown) =>
    live(relations, 'pair', pairKey(accountId, contactId))[0];
  const dropAll = (index: 'contact' | 'account', id: string) => {
    for (const r of live(relations, index, id)) relations.dropRow(r.Id as string);
  };
  /** Moves a loser's relations to the master, unless the master already has that pair. */
  const moveAll = (index: 'contact' | 'account', loser: string, master: string, userId: string) => {
    for (const r of live(relations, index, loser)) {
      const moved = index === 'contact' ? { ContactId: master } : { AccountId: master };
      const target = { ...r, ...moved };
      const twin = relationOf(target.AccountId, target.ContactId);
      if (twin) {
        if (r.IsDirect === true) relations.touchRow(twin, { IsDirect: true }, userId);
        relations.dropRow(r.Id as string);
      } else relations.touchRow(r, moved, userId);
    }
  };
  return {
    contacts: {
      afterSave(before, after, userId) {
        const contactId = after.Id as string;
        if (after.IsDeleted || (before && before.AccountId === after.AccountId)) return;
        const old = before?.AccountId ? relationOf(before.AccountId, contactId) : undefined;
        if (old) relations.touchRow(old, { IsDirect: false }, userId);
        if (typeof after.AccountId !== 'string' || after.AccountId === '') return;
        const current = relationOf(after.AccountId, contactId);
        if (current) relations.touchRow(current, { IsDirect: true }, userId);
        else
          relations.insertRow({ AccountId: after.AccountId, ContactId: contactId, IsDirect: true }, userId);
      },
      afterDelete: (contact) => dropAll('contact', contact.Id as string),
      afterMerge(masterId, loserIds, userId) {
        for (const loser of loserIds) moveAll('contact', loser, masterId, userId);
      },
    },
    accounts: {
      // The account's contacts went to the recycle bin with it, each through `contacts.afterDelete`.
      afterDelete: (account) => dropAll('account', account.Id as string),
      afterMerge(masterId, loserIds, userId) {
        for (const loser of loserIds) moveAll('account', loser, masterId, userId);
      },
    },
    relations: {
      validate(row, existing): RecordError | undefined {
        if (existing) return undefined;
        const twin = relationOf(row.AccountId, row.ContactId);
        if (twin) return duplicateValueError('AccountId, ContactId', twin.Id as string);
        const contact = contacts.get(String(row.ContactId));
        if (contact && !contact.AccountId) {
          return {
            statusCode: 'FIELD_INTEGRITY_EXCEPTION',
            message: 'A contact needs a primary account before it can be related to other accounts',
            fields: ['ContactId'],
          };
        }
        return undefined;
      },
      deleteBlocker(row) {
        if (row.IsDirect !== true) return undefined;
        return {
          statusCode: 'DELETE_FAILED',
          message:
            "You can't remove the relationship between a contact and its primary account: change the contact's primary account or delete the contact",
          fields: [],
        };
      },
    },
  };
}
