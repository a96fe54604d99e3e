/**
 * Reads both sides of the touched contacts: Propstreet's employments from the contact
 * (`companies[]` with `isPrimary` and `jobTitle`: a link carries no primary flag), the CRM's from
 * its associations (and the contact's title), mapped to Propstreet company ids. A CRM company
 * with no Propstreet link yet is a missing dependency: the contact is deferred.
 */
import { labelOfContact } from '../kinds/contacts/label.js';
import type { CrmEmployments, Employments } from './employments.js';
import { normTitle } from './employments.js';
import type { LinksPorts } from './ports.js';

export interface ContactSides {
  readonly propstreetId: string;
  readonly crmId: string;
  /** The contact's name in Propstreet, for the report's rows. */
  readonly label: string | undefined;
  /** Names of the contact's Propstreet companies, by id, for the report's rows. */
  readonly companyNames: ReadonlyMap<string, string>;
  readonly propstreet: Employments;
  readonly crm: CrmEmployments;
  /** CRM companies not linked to a Propstreet company: why the contact waits. */
  readonly unmappedCrmCompanies: readonly string[];
}

export interface ReadResult {
  readonly sides: ContactSides[];
  /** Contacts with no CRM link, or gone in Propstreet: nothing to merge now. */
  readonly deferred: { readonly propstreetId: string; readonly reason: string }[];
}

export async function readSides(ports: LinksPorts, propstreetIds: readonly string[]): Promise<ReadResult> {
  const crmOf = await ports.contacts.crmIds(propstreetIds);
  const deferred: ReadResult['deferred'] = [];
  const present: Omit<ContactSides, 'crm' | 'unmappedCrmCompanies'>[] = [];
  for (const id of propstreetIds) {
    const crmId = crmOf.get(id);
    if (!crmId) {
      deferred.push({ propstreetId: id, reason: 'the contact is not linked to a CRM record yet' });
      continue;
    }
    const contact = await ports.propstreet.getContact(id);
    // A deleted contact is the contacts kind's business (its delete policy), not this phase's.
    if (!contact || contact.deletedUtc) continue;
    const companies = new Map(contact.companies.map((c) => [c.id, normTitle(c.jobTitle)]));
    const primary =
      contact.primaryCompanyId ?? contact.companies.find((c) => c.isPrimary === true)?.id ?? null;
    const companyNames = new Map(contact.companies.flatMap((c) => (c.name ? [[c.id, c.name] as const] : [])));
    present.push({
      propstreetId: id,
      crmId,
      label: labelOfContact(contact),
      companyNames,
      propstreet: { primary, companies },
    });
  }
  const crmIds = present.map((p) => p.crmId);
  const associations = crmIds.length > 0 ? await ports.crm.read(crmIds) : [];
  const titles = ports.titles && crmIds.length > 0 ? await ports.titles.read(crmIds) : undefined;
  const companyIds = await ports.companies.propstreetIds([...new Set(associations.map((a) => a.toId))]);
  const sides: ContactSides[] = present.map((p) => {
    const mine = associations.filter((a) => a.fromId === p.crmId);
    const companies = new Set<string>();
    const unmapped: string[] = [];
    let primary: string | null = null;
    for (const a of mine) {
      const company = companyIds.get(a.toId);
      if (!company) {
        unmapped.push(a.toId);
        continue;
      }
      companies.add(company);
      if (a.primary) primary = company;
    }
    return {
      ...p,
      crm: { primary, companies, primaryTitle: titles ? (titles.get(p.crmId) ?? null) : undefined },
      unmappedCrmCompanies: unmapped,
    };
  });
  return { sides, deferred };
}
