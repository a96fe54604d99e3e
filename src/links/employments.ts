/**
 * Who works where, per contact, in Propstreet ids: the companies a contact is linked to, which
 * one is primary, and the job title at each. The shadow (what both sides held after the last
 * sync of the contact) is kept in the StateStore as a link row of the links scope: `propstreetId`
 * the contact, `crmId` its CRM record, `shadow` = { primary, companies: JSON } — plain canonical
 * values, so no migration is needed. Where the CRM gives its links ids of their own (Salesforce's
 * indirect AccountContactRelations), the shadow also keeps those it read (`crmLinks: JSON`): a
 * link deleted for good is listed by its id alone, and this is how its contact is found.
 */
import type { CanonicalValues } from '../state/port.js';

export interface Employments {
  /** The primary company, or null. */
  readonly primary: string | null;
  /** Company id → job title there. */
  readonly companies: ReadonlyMap<string, string | null>;
  /**
   * A shadow's: the CRM company each company was synced with ('' none: the CRM could not hold
   * it). Absent in shadows written before 12-04 (company-links.ts).
   */
  readonly crmCompanies?: ReadonlyMap<string, string>;
}

/**
 * What the CRM holds of a contact, mapped to Propstreet company ids. `secondary: false` means the
 * CRM holds only the primary company (Salesforce without AccountContactRelation). `primaryTitle`
 * is the contact's title in the CRM (HubSpot `jobtitle`, Salesforce `Title`), the job title at its
 * primary company; undefined when not read.
 */
export interface CrmEmployments {
  readonly primary: string | null;
  readonly companies: ReadonlySet<string>;
  readonly primaryTitle: string | null | undefined;
  /** The CRM's own ids of the links it holds (Salesforce's indirect relations) → Propstreet company id. */
  readonly linkIds?: ReadonlyMap<string, string>;
}

/** The shadow's key for the CRM's own link ids. */
const CRM_LINKS = 'crmLinks';
/** The shadow's key for the CRM company each company was synced with. */
const CRM_COMPANIES = 'crmCompanies';

export function toShadow(e: Employments, crmLinks: readonly string[] = []): CanonicalValues {
  const companies = [...e.companies]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, jobTitle]) => ({ id, jobTitle }));
  const shadow: CanonicalValues = {
    primary: e.primary,
    companies: JSON.stringify(companies),
    ...(e.crmCompanies
      ? {
          [CRM_COMPANIES]: JSON.stringify(
            Object.fromEntries([...e.crmCompanies].sort(([a], [b]) => a.localeCompare(b))),
          ),
        }
      : {}),
  };
  // No key without ids: a HubSpot shadow stays as it always was (no rewrite of every row).
  return crmLinks.length === 0 ? shadow : { ...shadow, [CRM_LINKS]: JSON.stringify([...crmLinks].sort()) };
}

/** The CRM link ids a shadow keeps (none for a shadow written before they were kept). */
export function shadowLinkIds(shadow: CanonicalValues | null): string[] {
  const raw = shadow?.[CRM_LINKS];
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Unreadable ids are none: the contact's next read stores them again.
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
}

/**
 * The CRM link ids to keep with employments `e`: those read of companies `e` still holds. A
 * link to a company the phase just removed was deleted by it (our own deletion, not to be
 * traced back), and a link written by the phase has no id yet: the next read of the contact,
 * which the relation delta brings about, adds it.
 */
export function linkIdsFor(e: Employments, crm: CrmEmployments): string[] {
  return [...(crm.linkIds ?? [])].flatMap(([id, company]) => (e.companies.has(company) ? [id] : []));
}

/** Whether two lists of link ids hold the same ids (order aside). */
export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

export function fromShadow(shadow: CanonicalValues | null): Employments | null {
  if (!shadow) return null;
  const parsed = JSON.parse(shadow.companies ?? '[]') as { id: string; jobTitle: string | null }[];
  const companies = new Map(parsed.map((c) => [c.id, c.jobTitle]));
  const recorded = shadow[CRM_COMPANIES];
  if (!recorded) return { primary: shadow.primary ?? null, companies };
  const crm = JSON.parse(recorded) as Record<string, unknown>;
  const crmCompanies = new Map(
    Object.entries(crm).flatMap(([c, id]) => (typeof id === 'string' ? [[c, id] as const] : [])),
  );
  return { primary: shadow.primary ?? null, companies, crmCompanies };
}

/** Blank titles are no title: formatting never looks like a change. */
export function normTitle(t: string | null | undefined): string | null {
  const v = t?.trim() ?? '';
  return v === '' ? null : v;
}
