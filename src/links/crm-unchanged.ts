/**
 * Contacts touched only on the CRM's side (its contact delta, a full scan) whose employments
 * there still equal the shadow: our own association and title writes coming back in the next
 * delta, or an edit of some other field of the contact. Propstreet did not change them either
 * (its changes are in the link delta, read as such), so they need no Propstreet read — one GET
 * per contact, the phase's dearest call (600/min). Without this, the run after a first sync
 * re-read every contact it had associated, and every CRM edit of a name cost a Propstreet read.
 */
import type { Link as StateLink } from '../state/port.js';
import { fromShadow, sameLinkIds } from './employments.js';
import { type LinkConflictPolicy, mergeEmployments } from './merge-employments.js';
import type { LinksPorts } from './ports.js';
import { readCrm } from './read-sides.js';

export async function unchangedInCrm(
  ports: LinksPorts,
  propstreetIds: readonly string[],
  shadows: ReadonlyMap<string, StateLink>,
  secondary: boolean,
  policy: LinkConflictPolicy,
): Promise<Set<string>> {
  const withShadow = propstreetIds.flatMap((id) => {
    const link = shadows.get(id);
    const shadow = fromShadow(link?.shadow ?? null);
    return link && shadow ? [{ id, crmId: link.crmId, shadow, link }] : [];
  });
  if (withShadow.length === 0) return new Set();
  // The shadow's CRM id is the links phase's; the contacts kind's link decides (a merge moves it).
  const crmOf = await ports.contacts.crmIds(withShadow.map((c) => c.id));
  const current = withShadow.filter((c) => crmOf.get(c.id) === c.crmId);
  const crm = await readCrm(
    ports,
    current.map((c) => c.crmId),
  );
  const unchanged = new Set<string>();
  for (const c of current) {
    const held = crm.get(c.crmId);
    // Link ids the shadow does not keep yet (a relation the phase wrote, a shadow from before
    // they were kept) or no longer holds: a read is what stores them.
    if (!held || held.unmapped.length > 0 || !sameLinkIds(held.employments, c.link.shadow)) continue;
    // Propstreet as the shadow (it did not change): any op means the CRM holds something new.
    const merge = mergeEmployments({
      propstreet: c.shadow,
      crm: held.employments,
      shadow: c.shadow,
      secondary,
      titles: ports.titles !== undefined,
      policy,
    });
    if (merge.toPropstreet.length === 0 && merge.toCrm.length === 0) unchanged.add(c.id);
  }
  return unchanged;
}
