/**
 * Who works where, per contact, in Propstreet ids: the companies a contact is linked to, which
 * one is primary, and the job title at each. The shadow (what both sides held after the last
 * sync of the contact) is kept in the StateStore as a link row of the links scope: `propstreetId`
 * the contact, `crmId` its CRM record, `shadow` = { primary, companies: JSON } — plain canonical
 * values, so no migration is needed.
 */
import type { CanonicalValues } from '../state/port.js';

export interface Employments {
  /** The primary company, or null. */
  readonly primary: string | null;
  /** Company id → job title there. */
  readonly companies: ReadonlyMap<string, string | null>;
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
}

export function toShadow(e: Employments): CanonicalValues {
  const companies = [...e.companies]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, jobTitle]) => ({ id, jobTitle }));
  return { primary: e.primary, companies: JSON.stringify(companies) };
}

export function fromShadow(shadow: CanonicalValues | null): Employments | null {
  if (!shadow) return null;
  const parsed = JSON.parse(shadow.companies ?? '[]') as { id: string; jobTitle: string | null }[];
  return { primary: shadow.primary ?? null, companies: new Map(parsed.map((c) => [c.id, c.jobTitle])) };
}

/** Blank titles are no title: formatting never looks like a change. */
export function normTitle(t: string | null | undefined): string | null {
  const v = t?.trim() ?? '';
  return v === '' ? null : v;
}
