/** The contacts kind: Propstreet network contacts ⇄ HubSpot `contacts` / Salesforce `Contact`. */
import { CONTACTS_PATH } from '../../propstreet/list-contacts.js';
import { type Contact, type ContactWrite, contactSchema } from '../../propstreet/schema.js';
import type { KindSpec } from '../kind-spec.js';
import { CONTACT_ACCESSORS } from './accessors.js';
import { contactCreateProblem } from './create-minimum.js';
import { labelOfContact, labelOfContactValues } from './label.js';
import { contactWrites } from './list-fields.js';

export const CONTACTS: KindSpec<Contact, ContactWrite> = {
  name: 'contacts',
  noun: { one: 'contact', many: 'contacts' },
  propstreet: { path: CONTACTS_PATH, schema: contactSchema },
  crm: {
    hubspot: { objectType: 'contacts', keyProperty: 'propstreet_id' },
    salesforce: { sObject: 'Contact', keyField: 'Propstreet_Id__c' },
  },
  mappingFile: (crm) => `mappings/${crm}.contacts.yaml`,
  labelOfRecord: labelOfContact,
  labelOfValues: labelOfContactValues,
  createProblem: contactCreateProblem,
  // Pairing by email is opt-in (`match: [..., email]`); Propstreet keeps emails unique.
  matchFields: [{ name: 'email', propstreetValue: (contact) => contact.email, uniqueInPropstreet: true }],
  writes: contactWrites,
  accessors: CONTACT_ACCESSORS,
};
