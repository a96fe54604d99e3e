/**
 * CRM contacts whose associations changed, as a webhook said (HubSpot's
 * `contact.associationChange`): such an edit stamps no contact, so no delta shows it. `serve`
 * marks each one in the links scope's meta, before anything else is done with the event: one
 * key per event and contact (`links.touched:<crm id>:<hash of the event's key>`), so a
 * retried delivery writes the same key again instead of a new one. The next links phase reads
 * the marked contacts like the CRM delta's and drops, in its own commit, the marks it is done
 * with: those of contacts it read. A mark made while a phase runs is a key that phase did not
 * read, so it stays for the next one, which reads the contact after the change. A marked
 * contact not linked to a Propstreet contact (yet) keeps its mark, so the phase after its link
 * reads it, for UNLINKED_MARK_KEEP_MS at most (the links are made by the contacts kind, which
 * runs first: a contact still unlinked after a week is one the connector does not sync).
 */
import { createHash } from 'node:crypto';

const ASSOCIATION_MARK_PREFIX = 'links.touched:';
const UNLINKED_MARK_KEEP_MS = 7 * 24 * 3_600_000;

export interface AssociationMark {
  readonly key: string;
  readonly crmId: string;
  /** When the event was received (ISO), the fact's value. */
  readonly at: string;
}

/** The mark of one event (its dedup key) for one CRM contact: the same key every time. */
export function associationMarkKey(crmContactId: string, eventKey: string): string {
  const event = createHash('sha256').update(eventKey).digest('hex').slice(0, 24);
  return `${ASSOCIATION_MARK_PREFIX}${crmContactId}:${event}`;
}

/** The association marks among a scope's meta facts. */
export function associationMarks(
  meta: readonly { readonly key: string; readonly value: string }[],
): AssociationMark[] {
  const marks: AssociationMark[] = [];
  for (const { key, value } of meta) {
    if (!key.startsWith(ASSOCIATION_MARK_PREFIX)) continue;
    const rest = key.slice(ASSOCIATION_MARK_PREFIX.length);
    const at = rest.lastIndexOf(':');
    if (at <= 0) continue;
    marks.push({ key, crmId: rest.slice(0, at), at: value });
  }
  return marks;
}

/** The keys a phase that read the `linked` CRM contacts is done with, at `now`. */
export function marksDone(
  marks: readonly AssociationMark[],
  linked: (crmId: string) => boolean,
  now: Date,
): string[] {
  const expired = now.getTime() - UNLINKED_MARK_KEEP_MS;
  return marks.filter((m) => linked(m.crmId) || !(Date.parse(m.at) > expired)).map((m) => m.key);
}
