/** A contact's display name in reports: its name, else its email (the engine falls back to its id). */
import type { Contact } from '../../propstreet/schema.js';
import type { CanonicalValues } from '../../state/port.js';

export function labelOfContact(contact: Contact): string | undefined {
  return nameOrEmail(contact.firstName, contact.lastName, contact.email);
}

/** From canonical values (a CRM record's, mapped). */
export function labelOfContactValues(values: CanonicalValues): string | undefined {
  return nameOrEmail(values.firstName, values.lastName, values.email);
}

function nameOrEmail(
  first: string | null | undefined,
  last: string | null | undefined,
  email: string | null | undefined,
): string | undefined {
  // Every plan is labelled: joined without building an array.
  const name = first ? (last ? `${first} ${last}` : first) : last || '';
  return name || email || undefined;
}
