/**
 * The contacts kind's ports, as thin adapters over the Propstreet client and the CRM adapter
 * as they are: the run reads and writes contacts through these, never through the clients.
 */
import type { CrmAdapter } from '../../crm/port.js';
import type { PropstreetRecords } from '../../engine/ports.js';
import type { PropstreetApi } from '../../propstreet/port.js';
import type { Contact, ContactWrite } from '../../propstreet/schema.js';
import { runPorts } from '../run-ports.js';
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
    upsertManyByExternalRef: (namespace, items) => api.upsertContactsByExternalRef(namespace, items),
    batchFallback: () => api.batchUpsertFallback(),
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

/** Everything a run of the contacts kind takes from the clients: the kind and its ports. */
export function contactRunPorts(propstreet: PropstreetApi, crm: CrmAdapter) {
  return runPorts(CONTACTS, propstreetContacts(propstreet), propstreet, crm);
}
