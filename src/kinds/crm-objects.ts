/**
 * A kind's CRM port over a CRM adapter opened for that kind's object (HubSpot `contacts` or
 * `companies`, Salesforce `Contact` or `Account`): the members that are about the object; the
 * rest (identity, setup, usage) is the account's.
 */
import type { CrmAdapter } from '../crm/port.js';
import type { CrmObjects } from '../engine/ports.js';

export type CrmObjectMembers = Pick<
  CrmAdapter,
  | 'keyProperty'
  | 'limits'
  | 'deletionsVisibleForMs'
  | 'readChanges'
  | 'readByIds'
  | 'readByKeys'
  | 'findByMatch'
  | 'upsertByKey'
  | 'update'
  | 'delete'
  | 'allowedValues'
>;

export function crmObjects(crm: CrmObjectMembers): CrmObjects {
  return {
    keyProperty: crm.keyProperty,
    limits: crm.limits,
    deletionsVisibleForMs: crm.deletionsVisibleForMs,
    readChanges: (checkpoint, o) => crm.readChanges(checkpoint, o),
    readByIds: (ids) => crm.readByIds(ids),
    readByKeys: (keys) => crm.readByKeys(keys),
    findByMatch: (property, values) => crm.findByMatch(property, values),
    upsertByKey: (inputs) => crm.upsertByKey(inputs),
    update: (inputs) => crm.update(inputs),
    delete: (ids) => crm.delete(ids),
    ...(crm.allowedValues
      ? { allowedValues: () => crm.allowedValues?.() ?? Promise.resolve(new Map()) }
      : {}),
  };
}
