/**
 * Contacts touched only on the CRM's side (its contact delta, a full scan) whose employments
 * there still equal the shadow: our own association and title writes coming back in the next
 * delta, or an edit of some other field of the contact. Propstreet did not change them either
 * (its changes are in the link delta, read as such), so they need no Propstreet read — one GET
 * per contact, the phase's dearest call (600/min). Without this, the run after a first sync
 * re-read every contact it had associated, and every CRM edit of a name cost a Propstreet read.
 */
import type { Link as StateLink } from '../state/port.js';
import { type CompanyLinks, companiesOf } from './company-links.js';
import { fromShadow, linkIdsFor, sameIds, shadowLinkIds, toShadow } from './employments.js';
import { type LinkConflictPolicy, mergeEmployments } from './merge-employments.js';
import type { LinksPorts } from './ports.js';
import { readCrm } from './read-sides.js';

export interface Unchanged {
  /** Propstreet ids of the contacts the CRM holds as the shadow does. */
  readonly ids: Set<string>;
  /**
   * Of those, the shadows to store again with the CRM's link ids as read now (a relation the
   * phase wrote came back with its id; a shadow from before ids were kept): nothing else moved.
   */
  readonly relinked: StateLink[];
}

export async function unchangedInCrm(
  ports: LinksPorts,
  propstreetIds: readonly string[],
  shadows: ReadonlyMap<string, StateLink>,
  how: {
    readonly secondary: boolean;
    readonly policy: LinkConflictPolicy;
    readonly companyLinks: CompanyLinks;
  },
): Promise<Unchanged> {
  const { secondary, policy, companyLinks } = how;
  const withShadow = propstreetIds.flatMap((id) => {
    const link = shadows.get(id);
    const shadow = fromShadow(link?.shadow ?? null);
    return link && shadow ? [{ id, crmId: link.crmId, shadow, link }] : [];
  });
  const ids = new Set<string>();
  const relinked: StateLink[] = [];
  if (withShadow.length === 0) return { ids, relinked };
  // The shadow's CRM id is the links phase's; the contacts kind's link decides (a merge moves it).
  const crmOf = await ports.contacts.crmIds(withShadow.map((c) => c.id));
  const current = withShadow.filter((c) => crmOf.get(c.id) === c.crmId);
  const crm = await readCrm(
    ports,
    current.map((c) => c.crmId),
  );
  await companyLinks.learn(
    current.flatMap((c) => [...companiesOf(c.shadow), ...(crm.get(c.crmId)?.employments.companies ?? [])]),
  );
  await companyLinks.learnMerges(current.map((c) => c.shadow));
  const now = ports.clock.now().toISOString();
  for (const c of current) {
    const held = crm.get(c.crmId);
    if (!held || held.missing || held.unmapped.length > 0) continue;
    // Propstreet as the shadow (it did not change): any op means the CRM holds something new.
    const merge = mergeEmployments({
      propstreet: c.shadow,
      crm: held.employments,
      shadow: companyLinks.comparable(c.shadow),
      secondary,
      primaryFirst: ports.primaryFirst,
      titles: ports.titles !== undefined,
      fitTitle: ports.titles?.fit,
      policy,
      unknown: companyLinks.unknownFor(c.shadow),
      mergedPrimary: companyLinks.mergedPrimary(c.shadow),
    });
    if (merge.toPropstreet.length > 0 || merge.toCrm.length > 0) continue;
    ids.add(c.id);
    const linkIds = linkIdsFor(c.shadow, held.employments);
    if (!sameIds(linkIds, shadowLinkIds(c.link.shadow)))
      relinked.push({ ...c.link, shadow: toShadow(c.shadow, linkIds), updatedAt: now });
  }
  return { ids, relinked };
}
