/**
 * Applies a validated write to a contact's data: true PATCH semantics (absent = unchanged,
 * null = clear), phones normalised to E.164 when valid (invalid ones kept as sent), and the
 * primary email/phone kept in step with the `emails`/`phones` lists as the reference describes
 * ("If you provide emails array but not email, the primary email is automatically set to the
 * first entry"; the primary entry is listed with isPrimary=true).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { FakeContact, FakeEmail, FakePhone, ValidWrite } from './contact-types.js';

export type ContactData = Pick<
  FakeContact,
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phone'
  | 'linkedInUrl'
  | 'emails'
  | 'phones'
  | 'primaryLanguage'
  | 'tags'
  | 'strategy'
  | 'externalRefs'
>;

export const EMPTY_DATA: ContactData = {
  firstName: null,
  lastName: null,
  email: null,
  phone: null,
  linkedInUrl: null,
  emails: [],
  phones: [],
  primaryLanguage: null,
  tags: [],
  strategy: null,
  externalRefs: [],
};

function normalizePhone(input: string): string {
  // Already E.164: parsing cannot change it (valid stays, invalid is kept as sent).
  if (/^\+[1-9]\d{6,14}$/.test(input)) return input;
  const parsed = parsePhoneNumberFromString(input);
  return parsed?.isValid() ? parsed.number : input;
}

const same = (a: string | null, b: string | null) =>
  a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

export function applyWrite(current: ContactData, w: ValidWrite): ContactData {
  const next: ContactData = { ...current };
  if (w.firstName !== undefined) next.firstName = w.firstName;
  if (w.lastName !== undefined) next.lastName = w.lastName;
  if (w.linkedInUrl !== undefined) next.linkedInUrl = w.linkedInUrl;
  if (w.primaryLanguage !== undefined) next.primaryLanguage = w.primaryLanguage;
  if (w.strategy !== undefined) next.strategy = w.strategy;
  if (w.tags !== undefined) next.tags = w.tags ?? [];
  if (w.externalRefs !== undefined) next.externalRefs = w.externalRefs.map((r) => ({ ...r }));

  const emails = syncPrimary(
    current.email,
    current.emails.map((e) => ({ value: e.address, type: e.type })),
    w.email,
    w.emails?.map((e) => ({ value: e.address, type: e.type })),
    (v) => v,
  );
  next.email = emails.primary;
  next.emails = emails.list.map(
    (e): FakeEmail => ({ address: e.value, type: e.type, isPrimary: same(e.value, emails.primary) }),
  );

  const phones = syncPrimary(
    current.phone,
    current.phones.map((p) => ({ value: p.number, type: p.type })),
    w.phone,
    w.phones?.map((p) => ({ value: p.number, type: p.type })),
    normalizePhone,
  );
  next.phone = phones.primary;
  next.phones = phones.list.map(
    (p): FakePhone => ({ number: p.value, type: p.type, isPrimary: p.value === phones.primary }),
  );
  return next;
}

interface Entry {
  value: string;
  type: string | null;
}

function syncPrimary(
  oldPrimary: string | null,
  oldList: Entry[],
  primaryIn: string | null | undefined,
  listIn: Entry[] | null | undefined,
  normalize: (v: string) => string,
): { primary: string | null; list: Entry[] } {
  const norm = (v: string | null | undefined) => (typeof v === 'string' ? normalize(v) : v);
  const primaryWrite = norm(primaryIn);
  if (listIn !== undefined) {
    const list = (listIn ?? []).map((e) => ({ value: normalize(e.value), type: e.type }));
    const primary = primaryWrite !== undefined ? primaryWrite : (list[0]?.value ?? null);
    if (primary !== null && !list.some((e) => same(e.value, primary)))
      list.unshift({ value: primary, type: null });
    return { primary, list };
  }
  if (primaryWrite === undefined) return { primary: oldPrimary, list: oldList };
  // Only the primary changed: it replaces the old primary entry, other entries stay.
  const rest = oldList.filter((e) => !same(e.value, oldPrimary));
  if (primaryWrite === null) return { primary: null, list: rest };
  const kept = oldList.find((e) => same(e.value, oldPrimary));
  const existing = rest.find((e) => same(e.value, primaryWrite));
  if (existing) return { primary: primaryWrite, list: rest };
  return { primary: primaryWrite, list: [{ value: primaryWrite, type: kept?.type ?? null }, ...rest] };
}

export function hasIdentifier(d: ContactData): boolean {
  return [d.firstName, d.lastName, d.email, d.phone].some(
    (v) => typeof v === 'string' && v.trim().length > 0,
  );
}

export function dataOf(c: ContactData): ContactData {
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    linkedInUrl: c.linkedInUrl,
    emails: c.emails,
    phones: c.phones,
    primaryLanguage: c.primaryLanguage,
    tags: c.tags,
    strategy: c.strategy,
    externalRefs: c.externalRefs,
  };
}

export function sameData(a: ContactData, b: ContactData): boolean {
  return JSON.stringify(dataOf(a)) === JSON.stringify(dataOf(b));
}
