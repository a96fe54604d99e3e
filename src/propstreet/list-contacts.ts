/** The contact list: the shared paging (list-pages.ts) over `/network/contacts`. */
import type { Transport } from './http.js';
import { listPages } from './list-pages.js';
import type { ContactPage, ListContactsOptions } from './port.js';
import { contactSchema } from './schema.js';

export const CONTACTS_PATH = '/api/v1/network/contacts';

const CONTACTS = { path: CONTACTS_PATH, schema: contactSchema, noun: 'contact' };

export async function* listContacts(
  transport: Transport,
  options: ListContactsOptions,
  defaultPageSize: number,
): AsyncGenerator<ContactPage> {
  for await (const { items, invalid, nextCursor } of listPages(transport, CONTACTS, options, defaultPageSize))
    yield { contacts: items, invalid, nextCursor };
}
