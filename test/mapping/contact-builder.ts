/**
 * Test helpers: a Propstreet contact builder, and `applyWrite`, a model of how the Propstreet
 * API applies a PATCH (partial update, null clears, primary email/phone flags computed from
 * `email`/`phone`, the primary copied into the lists, `phones` without `phone` fills `phone`);
 * and the mapping's two directions for contacts.
 */
import { CONTACT_ACCESSORS } from '../../src/kinds/contacts/accessors.js';
import { canonicalToPropstreet, type Mapping, propstreetToCanonical } from '../../src/mapping/index.js';
import { type Contact, type ContactWrite, contactSchema } from '../../src/propstreet/schema.js';
import type { CanonicalValues } from '../../src/state/port.js';

/** A contact's canonical values under `mapping` (the contacts kind's accessors). */
export const fromContact = (c: Contact, mapping: Mapping): CanonicalValues =>
  propstreetToCanonical(c, mapping, CONTACT_ACCESSORS);

/** The contact write for canonical values under `mapping`; `current` as read, null on create. */
export const contactWrite = (
  values: Partial<CanonicalValues>,
  mapping: Mapping,
  current: Contact | null,
): ContactWrite => canonicalToPropstreet(values, mapping, CONTACT_ACCESSORS, current);

export function contact(fields: Partial<Record<keyof Contact, unknown>> = {}): Contact {
  return contactSchema.parse({
    id: 'c1',
    createdUtc: '2025-01-01T00:00:00Z',
    updatedUtc: '2025-01-01T00:00:00Z',
    ...fields,
  });
}

export function applyWrite(current: Contact, write: ContactWrite): Contact {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(write)) {
    if (value !== undefined) next[key] = value;
  }
  if (write.phones != null && write.phone === undefined) next.phone = write.phones[0]?.number ?? null;
  if (write.emails != null && write.email === undefined) next.email = write.emails[0]?.address ?? null;
  const merged = contactSchema.parse(next);
  const { email, phone } = merged;
  const emails = merged.emails.map((e) => ({ ...e, isPrimary: email != null && e.address === email }));
  if (email != null && !emails.some((e) => e.isPrimary))
    emails.unshift({ address: email, type: null, isPrimary: true });
  const phones = merged.phones.map((p) => ({ ...p, isPrimary: phone != null && p.number === phone }));
  if (phone != null && !phones.some((p) => p.isPrimary))
    phones.unshift({ number: phone, type: null, isPrimary: true });
  return { ...merged, emails, phones };
}
