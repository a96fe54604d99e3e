/**
 * In a bridge (a tenant with several connections), when a Propstreet version is another
 * connection's own write, its values came from that connection's CRM: the person's edit was made
 * there, at that CRM record's modified time, not at the `updatedUtc` our write gave it.
 * `newest-wins` compares that time; with our write's, the first connection to run won every race,
 * newer edit or not (RELIABILITY.md bug 31). The sibling's link keeps the CRM record's modified
 * time as of its sync; it is used only while the Propstreet version is still that sibling's write.
 */
import type { Scope, StateStore } from '../state/port.js';
import type { PropstreetRecord } from './records.js';

export function createSiblingEdits(
  store: StateStore,
  siblings: readonly Scope[],
): (chunk: readonly PropstreetRecord[]) => Promise<ReadonlyMap<string, string>> {
  return async (chunk) => {
    const out = new Map<string, string>();
    const withEtag = chunk.flatMap((c) => (c.etag ? [{ propstreetId: c.id, etag: c.etag }] : []));
    if (withEtag.length === 0) return out;
    for (const sibling of siblings) {
      const written = [...(await store.ownEtags(sibling, withEtag))].filter((id) => !out.has(id));
      if (written.length === 0) continue;
      for (const link of await store.linksByPropstreetIds(sibling, written))
        if (link.crmModifiedAt) out.set(link.propstreetId, link.crmModifiedAt);
    }
    return out;
  };
}
