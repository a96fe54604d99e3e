/**
 * CRM contacts whose associations changed, as a webhook said (HubSpot's
 * `contact.associationChange`): such an edit stamps no contact, so no delta shows it. `serve`
 * marks each one in the links scope's meta, one key per event (`links.touched:<crm id>:<uuid>`),
 * and the next links phase reads the marked contacts like the CRM delta's, then removes the
 * keys it read once its commit is done. A key per event, never one per contact: a mark made
 * while a phase runs is a new key, which that phase neither read nor removes, so no change is
 * lost between the phase's read and its clean-up. A crash in between leaves the keys: the
 * contacts are read again, which writes nothing.
 */
import { randomUUID } from 'node:crypto';

export const ASSOCIATION_MARK_PREFIX = 'links.touched:';

export function associationMarkKey(crmContactId: string): string {
  return `${ASSOCIATION_MARK_PREFIX}${crmContactId}:${randomUUID()}`;
}

/** The marked CRM contact ids and the keys that marked them, from a scope's meta facts. */
export function associationMarks(meta: readonly { readonly key: string }[]): {
  readonly crmIds: ReadonlySet<string>;
  readonly keys: readonly string[];
} {
  const crmIds = new Set<string>();
  const keys: string[] = [];
  for (const { key } of meta) {
    if (!key.startsWith(ASSOCIATION_MARK_PREFIX)) continue;
    const rest = key.slice(ASSOCIATION_MARK_PREFIX.length);
    const at = rest.lastIndexOf(':');
    if (at <= 0) continue;
    crmIds.add(rest.slice(0, at));
    keys.push(key);
  }
  return { crmIds, keys };
}
