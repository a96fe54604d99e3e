/**
 * Propstreet refused a create because another contact holds the email (it keeps emails unique
 * per organisation). Nothing is paired behind the engine's back: the record fails with the
 * reason, and a person decides.
 */
import type { CrmRecord } from '../../crm/port.js';
import { isDuplicateEmail } from '../../propstreet/problem.js';

export function emailTaken(
  error: unknown,
  crm: CrmRecord | null,
  emailProperty: string | undefined,
): string | undefined {
  if (!isDuplicateEmail(error)) return undefined;
  const email = emailProperty ? crm?.properties[emailProperty]?.trim().toLowerCase() : undefined;
  return (
    `email ${email ?? '(mapped)'} is already held by another Propstreet contact; not paired automatically ` +
    `(pairing by email is the engine's: it matches a unique, unlinked contact when \`email\` is in the connection's match rules; ` +
    `otherwise link the two by hand or make the email unique) [${error instanceof Error ? error.message : String(error)}]`
  );
}
