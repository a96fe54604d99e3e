/**
 * Links the CRM deleted for good since the last phase, traced to their contacts. Salesforce
 * deletes an indirect AccountContactRelation for good: no query lists it and no Contact is
 * stamped, only its id is listed (the `deleted` replication resource, for 15 days). The shadows
 * keep the ids of the links they were last read with (employments.ts), so a listed id names the
 * contact whose shadow keeps it; that contact is read again and its merge carries the removal.
 * Our own deletions are listed too, but no shadow keeps their ids: they trace to no one.
 */
import { compareStamps, isStamp } from '../run/quiet-window.js';
import { shadowLinkIds } from './employments.js';
import type { LinksPorts } from './ports.js';
import { linkPages } from './store-lookup.js';

/** Where the next read of deleted links starts, in the links scope's meta. */
export const DELETED_LINKS_META = 'links.deletedCheckpoint';

const MINUTE = 60_000;

export interface DeletedLinkContacts {
  /** Propstreet ids of the contacts whose shadows keep a deleted link's id. */
  readonly contacts: readonly string[];
  /** The meta value to keep (DELETED_LINKS_META) once the phase is done. */
  readonly checkpoint: string;
  /** Deletions may be missing (none listed since the checkpoint): only a full scan finds them. */
  readonly incomplete: boolean;
}

/** The kept fact: where the next read starts (the CRM's stamp) and when we last asked (ours). */
interface Kept {
  readonly covered: string;
  readonly askedAt: string;
}

export async function deletedLinkContacts(
  deleted: NonNullable<LinksPorts['deletedLinks']>,
  ports: Pick<LinksPorts, 'store' | 'scope' | 'contacts'>,
  readAt: Date,
  overlapMs: number,
): Promise<DeletedLinkContacts> {
  const kept = parseKept(await ports.store.getMeta(ports.scope, DELETED_LINKS_META));
  if (!kept) {
    // No fact (a first phase, or one lost): start at this read, less the overlap (a minute at
    // least) for deletions listed late. Shadows kept before it may hold ids deleted since: a full
    // scan reads them (and stores the ids of shadows from before ids were kept).
    const covered = new Date(readAt.getTime() - Math.max(overlapMs, MINUTE)).toISOString();
    const shadows = await ports.store.countLinks(ports.scope);
    return {
      contacts: [],
      checkpoint: factOf({ covered, askedAt: readAt.toISOString() }),
      incomplete: shadows > 0,
    };
  }
  // At most one call a minute by our own clock, whatever Salesforce's says.
  if (readAt.getTime() - Date.parse(kept.askedAt) < MINUTE)
    return { contacts: [], checkpoint: factOf(kept), incomplete: false };
  const answer = await deleted(kept.covered);
  // Never back: a start already read from is not read again (an answer never covers less).
  const covered = compareStamps(answer.covered, kept.covered) > 0 ? answer.covered : kept.covered;
  const contacts = answer.ids.length > 0 ? await holders(ports, new Set(answer.ids)) : [];
  return {
    contacts,
    checkpoint: factOf({ covered, askedAt: readAt.toISOString() }),
    incomplete: !answer.complete,
  };
}

const factOf = (k: Kept): string => JSON.stringify({ covered: k.covered, askedAt: k.askedAt });

/** An unreadable fact is no fact (as the relation checkpoint's). */
function parseKept(raw: string | null): Kept | null {
  if (raw === null) return null;
  try {
    const { covered, askedAt } = JSON.parse(raw) as Partial<Record<keyof Kept, unknown>>;
    return isStamp(covered) && isStamp(askedAt) ? { covered, askedAt } : null;
  } catch {
    return null;
  }
}

/**
 * The contacts whose shadows keep any of these link ids: every shadow of the scope, a page at a
 * time. A shadow of a CRM record the contact is no longer linked to (the contacts kind ended or
 * moved its link) is not the contact's any more: its CRM side is not read through it.
 */
async function holders(
  ports: Pick<LinksPorts, 'store' | 'scope' | 'contacts'>,
  ids: ReadonlySet<string>,
): Promise<string[]> {
  const found: { propstreetId: string; crmId: string }[] = [];
  for await (const page of linkPages(ports.store, ports.scope))
    for (const l of page) if (shadowLinkIds(l.shadow).some((id) => ids.has(id))) found.push(l);
  if (found.length === 0) return [];
  const current = await ports.contacts.crmIds(found.map((l) => l.propstreetId));
  return found.filter((l) => current.get(l.propstreetId) === l.crmId).map((l) => l.propstreetId);
}
