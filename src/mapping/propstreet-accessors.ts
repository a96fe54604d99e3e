/**
 * The fixed set of ways a mapping may read or write a Propstreet contact. Mapping files name
 * an accessor; they never carry code. Values here are raw: callers normalise them.
 */
import type { Contact, ContactWrite } from '../propstreet/schema.js';

export const PROPSTREET_ACCESSORS = [
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

export type PropstreetAccessor = (typeof PROPSTREET_ACCESSORS)[number];

/** Company data comes from `companies[]`, which a contact PATCH cannot change. */
export const READ_ONLY_ACCESSORS: ReadonlySet<PropstreetAccessor> = new Set([
  'company.name',
  'company.jobTitle',
]);

export type RawValue = string | readonly string[] | null;

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

export function readAccessor(contact: Contact, accessor: PropstreetAccessor): RawValue {
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

export interface AccessorWrite {
  readonly accessor: PropstreetAccessor;
  /** Already normalised; tags as the canonical `;`-list. */
  readonly value: string | null;
}

type PhoneEntry = NonNullable<ContactWrite['phones']>[number];

/**
 * `phones` is replaced as a whole on write, so the mobile number is set inside the current list:
 * the first mobile entry is replaced in place (or one is appended); clearing removes every mobile
 * entry, else the next one would surface as "the" mobile and the value would not round-trip.
 */
function phonesWithMobile(current: Contact | undefined, mobile: string | null): PhoneEntry[] {
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

/**
 * Builds a Propstreet write from accessor values. `current` is the contact as last read (for
 * updates); without it (creates) list-backed values start from an empty list.
 */
export function writeAccessors(writes: readonly AccessorWrite[], current?: Contact): ContactWrite {
  const out: ContactWrite = {};
  let mobile: { value: string | null } | undefined;
  for (const { accessor, value } of writes) {
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
        out.tags = value === null ? null : value.split(';');
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
