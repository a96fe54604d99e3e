/**
 * The contacts kind's ports, as thin adapters over the Propstreet client and the CRM adapter
 * as they are: the run reads and writes contacts through these, never through the clients.
 */
import type { CrmAdapter } from '../../crm/port.js';
import type { CrmObjects, PropstreetRecords } from '../../engine/ports.js';
import type { PropstreetApi } from '../../propstreet/port.js';
import type { Contact, ContactWrite } from '../../propstreet/schema.js';
import { CONTACTS } from './spec.js';

export function propstreetContacts(api: PropstreetApi): PropstreetRecords<Contact, ContactWrite> {
  return {
    list: (o) => pages(api, o),
    get: (id) => api.getContact(id),
    patch: (id, body, o) => api.patchContact(id, body, o),
    upsertByExternalRef: async (namespace, externalId, body) => {
      const { contact, action } = await api.upsertByExternalRef(namespace, externalId, body);
      return { record: contact, action };
    },
    delete: (id, o) => api.deleteContact(id, o),
  };
}

async function* pages(
  api: PropstreetApi,
  o: { readonly updatedSince?: string | undefined; readonly includeDeleted: boolean },
) {
  for await (const page of api.listContacts({
    updatedSince: o.updatedSince,
    includeDeleted: o.includeDeleted,
  }))
    yield { records: page.contacts, invalid: page.invalid };
}

/** The members of the CRM adapter that are about its contacts object (the rest is the account's). */
export type CrmContactMembers = Pick<
  CrmAdapter,
  | 'keyProperty'
  | 'limits'
  | 'deletionsVisibleForMs'
  | 'readChanges'
  | 'readByIds'
  | 'readByKeys'
  | 'findByEmails'
  | 'upsertByKey'
  | 'update'
  | 'delete'
  | 'allowedValues'
>;

export function crmContacts(crm: CrmContactMembers): CrmObjects {
  const field = CONTACTS.matchField?.name;
  return {
    keyProperty: crm.keyProperty,
    limits: crm.limits,
    deletionsVisibleForMs: crm.deletionsVisibleForMs,
    readChanges: (checkpoint, o) => crm.readChanges(checkpoint, o),
    readByIds: (ids) => crm.readByIds(ids),
    readByKeys: (keys) => crm.readByKeys(keys),
    findByMatch: async (name, values) => (name === field ? crm.findByEmails(values) : []),
    upsertByKey: (inputs) => crm.upsertByKey(inputs),
    update: (inputs) => crm.update(inputs),
    delete: (ids) => crm.delete(ids),
    ...(crm.allowedValues
      ? { allowedValues: () => crm.allowedValues?.() ?? Promise.resolve(new Map()) }
      : {}),
  };
}

/** Everything a run of the contacts kind takes from the clients: the kind and its ports. */
export function contactRunPorts(propstreet: PropstreetApi, crm: CrmAdapter) {
  return {
    kind: CONTACTS,
    propstreet: propstreetContacts(propstreet),
    propstreetAccount: propstreet,
    crm: crmContacts(crm),
    crmAccount: crm,
  };
}
