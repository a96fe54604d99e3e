/** The object kinds the connector syncs, by the name a mapping file's `object` gives. */
import type { Contact, ContactWrite } from '../propstreet/schema.js';
import { CONTACTS } from './contacts/spec.js';
import type { KindSpec } from './kind-spec.js';

export const KINDS = { contacts: CONTACTS } as const satisfies Record<
  string,
  KindSpec<Contact, ContactWrite>
>;

export type { KindSpec };
