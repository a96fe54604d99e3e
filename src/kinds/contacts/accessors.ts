/**
 * The ways a mapping may read or write a Propstreet contact (mapping files name these; see
 * mappings/README.md). Values here are raw: the mapping normalises them.
 */
import type { AccessorSet, AccessorWrite, RawValue } from '../../mapping/accessor-set.js';
import { isIso6391 } from '../../mapping/language-codes.js';
import { tagsToWrite } from '../../mapping/tag-list.js';
import type { Transform } from '../../mapping/transforms.js';
import type { Contact, ContactWrite } from '../../propstreet/schema.js';

const NAMES = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'mobilePhone',
  'linkedInUrl',
  'primaryLanguage',
  'tags',
  'strategy',
  'company.name',
  'company.jobTitle',
] as const;

type ContactAccessor = (typeof NAMES)[number];

/** Every field of every record read asks this: a set, not a scan of the list. */
const KNOWN: ReadonlySet<string> = new Set(NAMES);

const isContactAccessor = (name: string): name is ContactAccessor => KNOWN.has(name);

type Company = Contact['companies'][number];

function primaryCompany(contact: Contact): Company | undefined {
  // No guess at "the first company" when none is marked: a wrong employer is worse than none.
  return (
    contact.companies.find((c) => c.isPrimary === true) ??
    (contact.primaryCompanyId ? contact.companies.find((c) => c.id === contact.primaryCompanyId) : undefined)
  );
}

function isMobile(entry: { type?: string | null | undefined }): boolean {
  return entry.type?.trim().toLowerCase() === 'mobile';
}

export function readContact(contact: Contact, accessor: string): RawValue {
  if (!isContactAccessor(accessor)) return null;
  switch (accessor) {
    case 'firstName':
    case 'lastName':
    case 'linkedInUrl':
    case 'primaryLanguage':
    case 'strategy':
      return contact[accessor] ?? null;
    case 'email':
      // `email` is the primary; the list copy covers payloads that only carry `emails[]`.
      return contact.email ?? contact.emails.find((e) => e.isPrimary === true)?.address ?? null;
    case 'phone':
      return contact.phone ?? contact.phones.find((p) => p.isPrimary === true)?.number ?? null;
    case 'mobilePhone':
      return contact.phones.find(isMobile)?.number ?? null;
    case 'tags':
      return contact.tags;
    case 'company.name':
      return primaryCompany(contact)?.name ?? null;
    case 'company.jobTitle':
      return primaryCompany(contact)?.jobTitle ?? null;
  }
}

type PhoneEntry = NonNullable<ContactWrite['phones']>[number];

/**
 * `phones` is replaced as a whole on write, so the mobile number is set inside the current list:
 * the first mobile entry is replaced in place (or one is appended); clearing removes every mobile
 * entry, else the next one would surface as "the" mobile and the value would not round-trip.
 */
function phonesWithMobile(current: Contact | null, mobile: string | null): PhoneEntry[] {
  const kept: PhoneEntry[] = [];
  let placed = false;
  for (const entry of current?.phones ?? []) {
    if (!isMobile(entry)) {
      kept.push({ number: entry.number, type: entry.type ?? null });
    } else if (mobile !== null && !placed) {
      kept.push({ number: mobile, type: entry.type ?? 'mobile' });
      placed = true;
    } else if (mobile !== null) {
      kept.push({ number: entry.number, type: entry.type ?? null });
    }
  }
  if (mobile !== null && !placed) kept.push({ number: mobile, type: 'mobile' });
  return kept;
}

function writeContact(writes: readonly AccessorWrite[], current: Contact | null): ContactWrite {
  const out: ContactWrite = {};
  let mobile: { value: string | null } | undefined;
  for (const { accessor, value } of writes) {
    if (!isContactAccessor(accessor)) continue;
    switch (accessor) {
      case 'firstName':
      case 'lastName':
      case 'email':
      case 'phone':
      case 'linkedInUrl':
      case 'primaryLanguage':
      case 'strategy':
        out[accessor] = value;
        break;
      case 'tags':
        out.tags = value === null ? null : tagsToWrite(value, current?.tags);
        break;
      case 'mobilePhone':
        mobile = { value };
        break;
      case 'company.name':
      case 'company.jobTitle':
        // Read-only: the loader never lets such a field write to Propstreet.
        break;
    }
  }
  if (mobile !== undefined) {
    out.phones = phonesWithMobile(current, mobile.value);
    // Sent explicitly: with `phones` but no `phone`, Propstreet copies the first entry into `phone`.
    if (!('phone' in out)) out.phone = current?.phone ?? null;
  }
  return out;
}

function defaultTransform(accessor: string): Transform {
  switch (accessor) {
    case 'email':
      return 'email';
    case 'phone':
    case 'mobilePhone':
      return 'phone';
    case 'tags':
      return 'tags';
    case 'primaryLanguage':
      return 'language';
    default:
      return 'trim';
  }
}

export const CONTACT_ACCESSORS: AccessorSet<Contact, ContactWrite> = {
  names: NAMES,
  // Company data comes from `companies[]`, which a contact PATCH cannot change.
  readOnly: new Set(['company.name', 'company.jobTitle']),
  lists: new Set(['tags']),
  needCurrent: new Set(['mobilePhone']),
  // UpdateContactRequest and the limits page (docs/VENDOR-BEHAVIOUR.md P7, P10): a value beyond
  // them is left out of the Propstreet write and noted, where it failed the whole contact, its
  // other edits with it, on every run (bug 63). Creates send longer values than the upsert takes
  // in the PATCH by id that follows it (write-models.ts splitCreate), so the PATCH's limits hold.
  propstreetLimits: {
    maxLength: new Map([
      ['firstName', 255],
      ['lastName', 255],
      ['email', 255],
      ['phone', 50],
      // An entry of the phones list (UpsertContactRequest: number 30).
      ['mobilePhone', 30],
      ['linkedInUrl', 500],
      ['strategy', 4000],
    ]),
    required: new Set(),
    form: new Map([['primaryLanguage', { expected: 'an ISO 639-1 code', test: isIso6391 }]]),
  },
  defaultTransform,
  read: readContact,
  write: writeContact,
};
