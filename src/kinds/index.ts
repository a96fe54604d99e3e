/** The object kinds the connector syncs, by the name a mapping file's `object` gives. */
import type { AccessorSet } from '../mapping/accessor-set.js';
import type { Company, CompanyWrite } from '../propstreet/company-schema.js';
import type { Contact, ContactWrite } from '../propstreet/schema.js';
import { COMPANIES } from './companies/spec.js';
import { CONTACTS } from './contacts/spec.js';
import type { KindSpec } from './kind-spec.js';
import type { KindName } from './names.js';

/** Each kind's Propstreet record and write body. */
interface KindTypes {
  readonly contacts: { readonly record: Contact; readonly write: ContactWrite };
  readonly companies: { readonly record: Company; readonly write: CompanyWrite };
}
export type RecordOf<K extends KindName> = KindTypes[K]['record'];
export type WriteOf<K extends KindName> = KindTypes[K]['write'];

export const KINDS: { readonly [K in KindName]: KindSpec<RecordOf<K>, WriteOf<K>> } = {
  contacts: CONTACTS,
  companies: COMPANIES,
};

/** The accessors a mapping of kind `name` may name. */
export function accessorsOf<K extends KindName>(name: K): AccessorSet<RecordOf<K>, WriteOf<K>> {
  return KINDS[name].accessors;
}

export { KIND_NAMES, type KindName } from './names.js';
export type { KindSpec };
