/**
 * Links the CRM deleted for good since the last phase, traced to their contacts. Salesforce
 * deletes an indirect AccountContactRelation for good: no query lists it and no Contact is
 * stamped, only its id is listed (the `deleted` replication resource, for 15 days). The shadows
 * keep the ids of the links they were last read with (employments.ts), so a listed id names the
 * contact whose shadow keeps it; that contact is read again and its merge carries the removal.
 * Our own deletions are listed too, but no shadow keeps their ids: they trace to no one.
 */
import { compareStamps } from '../run/quiet-window.js';
import { shadowLinkIds } from './employments.js';
import type { LinksPorts } from './ports.js';

/** Where the next read of deleted links starts, in the links scope's meta. */
export const DELETED_LINKS_META = 'links.deletedCheckpoint';

const MINUTE = 60_000;
/** The links scope's shadows read a page at a time while tracing ids. */
const PAGE = 500;

export interface DeletedLinkContacts {
  /** Propstreet ids of the contacts whose shadows keep a deleted link's id. */
  readonly contacts: readonly string[];
  /** The checkpoint to keep (DELETED_LINKS_META) once the phase is done. */
  readonly checkpoint: string;
  /** The CRM no longer lists every deletion since the checkpoint: only a full scan finds them. */
  readonly incomplete: boolean;
}

export async function deletedLinkContacts(
  deleted: NonNullable<LinksPorts['deletedLinks']>,
  ports: Pick<LinksPorts, 'store' | 'scope'>,
  readAt: Date,
  overlapMs: number,
): Promise<DeletedLinkContacts> {
  const kept = await ports.store.getMeta(ports.scope, DELETED_LINKS_META);
  // An unreadable fact is no fact (as the relation checkpoint's).
  const readable = kept !== null && /^\d{4}-\d{2}-\d{2}T/.test(kept) && !Number.isNaN(Date.parse(kept));
  // A first phase: no shadow keeps an id yet, so nothing before it can be traced; start at its
  // read, less the overlap (a minute at least) for deletions the CRM lists late.
  if (!readable) {
    const start = new Date(readAt.getTime() - Math.max(overlapMs, MINUTE)).toISOString();
    return { contacts: [], checkpoint: start, incomplete: false };
  }
  // The resource covers whole minutes: within the minute it last covered, there is nothing new.
  if (Math.floor(readAt.getTime() / MINUTE) * MINUTE <= Date.parse(kept))
    return { contacts: [], checkpoint: kept, incomplete: false };
  const answer = await deleted(kept);
  const checkpoint = compareStamps(answer.covered, kept) > 0 ? answer.covered : kept;
  const contacts = answer.ids.length > 0 ? await holders(ports, new Set(answer.ids)) : [];
  return { contacts, checkpoint, incomplete: !answer.complete };
}

/** The contacts whose shadows keep any of these link ids: every shadow of the scope, a page at a time. */
async function holders(
  ports: Pick<LinksPorts, 'store' | 'scope'>,
  ids: ReadonlySet<string>,
): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await ports.store.listLinks(ports.scope, {
      ...(after === undefined ? {} : { after }),
      limit: PAGE,
    });
    if (page.length === 0) return out;
    for (const l of page) if (shadowLinkIds(l.shadow).some((id) => ids.has(id))) out.push(l.propstreetId);
    after = page[page.length - 1]?.propstreetId;
  }
}
