/**
 * The demo's story: a Propstreet network of people and the companies they work at, a HubSpot
 * portal and a Salesforce org that overlap with it (people by email, companies by domain), a
 * few true conflicts, then a day of user edits and deletions on every side.
 */
import { generateCompanies, planLinks } from '../../fakes/propstreet/generate.js';
import { person } from '../../fakes/sandbox/people.js';
import type { Sandbox } from '../../fakes/sandbox/sandbox.js';

/** The demo's CRM fakes: it starts both, so a missing one is a bug in the demo. */
export function crmFakes(sb: Sandbox): {
  hubspot: NonNullable<Sandbox['hubspot']>;
  salesforce: NonNullable<Sandbox['salesforce']>;
} {
  if (!sb.hubspot || !sb.salesforce)
    throw new Error('the demo runs with both the HubSpot and the Salesforce fake');
  return { hubspot: sb.hubspot, salesforce: sb.salesforce };
}

export interface DemoSizes {
  readonly propstreet: number;
  readonly hubspot: number;
  readonly salesforce: number;
  /** People present on two sides. */
  readonly overlap: number;
  /** Propstreet companies: one per five people (400 for 2,000). */
  readonly companies: number;
  /** Of those, the ones HubSpot and Salesforce already have (same domain): paired, not created. */
  readonly companyOverlap: number;
}

export function demoSizes(contacts: number): DemoSizes {
  return {
    propstreet: contacts,
    hubspot: Math.max(10, Math.round(contacts / 5)),
    salesforce: Math.max(10, Math.round(contacts / 7)),
    overlap: Math.max(4, Math.round(contacts / 20)),
    companies: Math.max(4, Math.round(contacts / 5)),
    companyOverlap: Math.max(2, Math.round(contacts / 100)),
  };
}

/** What the seeding made, per side. */
export interface DemoIds {
  readonly propstreet: string[];
  readonly hubspot: string[];
  readonly salesforce: string[];
  readonly companies: {
    readonly propstreet: string[];
    readonly hubspot: string[];
    readonly salesforce: string[];
  };
  /** People at two companies, and at none. */
  readonly atTwo: number;
  readonly atNone: number;
}

/** Seeds all three sides; returns the ids it created, per side. */
export function seedDemo(sb: Sandbox, s: DemoSizes): DemoIds {
  // Propstreet: persons [0, P). HubSpot: [P - overlap, P - overlap + H). Salesforce starts
  // inside HubSpot's range, so some of its people reach Propstreet only through HubSpot.
  const hsFrom = s.propstreet - s.overlap;
  const sfFrom = hsFrom + s.hubspot - s.overlap;
  const propstreet = sb.propstreet
    .seed(
      Array.from({ length: s.propstreet }, (_, i) => {
        const p = person(i);
        return {
          firstName: p.firstName,
          lastName: p.lastName,
          email: p.email,
          phone: p.phone,
          tags: i % 4 === 0 ? ['investor'] : i % 4 === 1 ? ['broker', 'nordics'] : [],
        };
      }),
    )
    .map((c) => c.id);
  // Who works where: most people at one company, one in six at two, one in ten at none.
  const companies = sb.propstreet.seedCompanies(generateCompanies(s.companies)).map((c) => c.id);
  const links = planLinks(propstreet, companies);
  sb.propstreet.seedLinks(links);
  const companiesOf = new Map<string, number>();
  for (const l of links) companiesOf.set(l.contactId, (companiesOf.get(l.contactId) ?? 0) + 1);
  const fakes = crmFakes(sb);
  const hubspot = fakes.hubspot.control.seed(
    Array.from({ length: s.hubspot }, (_, k) => {
      const i = hsFrom + k;
      const p = person(i);
      // A few people have another phone number in HubSpot than in Propstreet: true conflicts.
      const phone = k < 3 ? `+46 8 555 010 ${String(k).padStart(2, '0')}` : p.phone;
      return { properties: { firstname: p.firstName, lastname: p.lastName, email: p.email, phone } };
    }),
  );
  const salesforce = fakes.salesforce.control.seed(
    Array.from({ length: s.salesforce }, (_, k) => {
      const p = person(sfFrom + k);
      return { FirstName: p.firstName, LastName: p.lastName, Email: p.email, Phone: p.phone };
    }),
  );
  // A few of the companies are in both CRMs already (same name, the domain written as each CRM
  // keeps it): the first sync pairs them by domain (the tenant opts in) instead of creating them.
  const known = companies.slice(0, s.companyOverlap).map((id, i) => ({
    name: sb.propstreet.company(id)?.name ?? `Company ${i}`,
    domain: `company${i}.example`,
  }));
  const hubspotCompanies = fakes.hubspot.control.companies.seed(
    known.map((k) => ({ properties: { name: k.name, domain: k.domain } })),
  );
  const salesforceAccounts = fakes.salesforce.control.accounts.seed(
    known.map((k) => ({ Name: k.name, Website: `https://${k.domain}/` })),
  );
  return {
    propstreet,
    hubspot,
    salesforce,
    companies: { propstreet: companies, hubspot: hubspotCompanies, salesforce: salesforceAccounts },
    atTwo: [...companiesOf.values()].filter((n) => n > 1).length,
    atNone: propstreet.length - companiesOf.size,
  };
}

/** A day of user work on every side; returns one line per edit, for the demo's narration. */
export function simulateUserEdits(sb: Sandbox, ids: DemoIds): string[] {
  const lines: string[] = [];
  const { hubspot, salesforce } = crmFakes(sb);
  for (const id of ids.propstreet.slice(10, 13)) {
    const c = sb.propstreet.editAsUser(id, { lastName: `${sb.propstreet.contact(id)?.lastName}-Berg` });
    lines.push(`Propstreet: renamed contact ${id} to ${c.firstName} ${c.lastName}`);
  }
  for (const id of ids.hubspot.slice(5, 8)) {
    hubspot.control.editAsUser(id, { phone: '+46 31 700 12 34' });
    lines.push(`HubSpot:    changed the phone of contact ${id}`);
  }
  for (const id of ids.salesforce.slice(5, 8)) {
    salesforce.control.edit(id, { FirstName: 'Alexandra' });
    lines.push(`Salesforce: changed the first name of ${id} to Alexandra`);
  }
  // The same person edited on two sides: a conflict that newest-wins resolves.
  const both = ids.propstreet.at(-1);
  if (both !== undefined) {
    sb.propstreet.editAsUser(both, { firstName: 'Propstreet-edit' });
    lines.push(`Propstreet: changed the first name of ${both} (also edited in HubSpot below)`);
  }
  const hsTwin =
    both === undefined ? undefined : hubspot.control.dump().find((r) => r.properties.propstreet_id === both);
  if (hsTwin) {
    hubspot.control.advanceClock(1000);
    hubspot.control.editAsUser(hsTwin.id, { firstname: 'HubSpot-edit' });
    lines.push(`HubSpot:    changed the first name of ${hsTwin.id} a moment later`);
  }
  const renamed = ids.companies.propstreet[ids.companies.propstreet.length - 1];
  if (renamed !== undefined) {
    const name = `${sb.propstreet.company(renamed)?.name ?? 'Company'} Holding`;
    sb.propstreet.editCompanyAsUser(renamed, { name });
    lines.push(`Propstreet: renamed company ${renamed} to ${name}`);
  }
  const described = hubspot.control.companies
    .dump()
    .find((c) => c.properties.propstreet_id === ids.companies.propstreet[1]);
  if (described) {
    hubspot.control.companies.editAsUser(described.id, {
      description: 'Logistics and light industry, Nordics',
    });
    lines.push(`HubSpot:    described company ${described.id} (its investment strategy in Propstreet)`);
  }
  for (const id of ids.propstreet.slice(20, 22)) {
    sb.propstreet.deleteAsUser(id);
    lines.push(`Propstreet: deleted contact ${id}`);
  }
  const hsDelete = ids.hubspot.at(-1);
  if (hsDelete !== undefined) {
    hubspot.control.deleteAsUser(hsDelete);
    lines.push(`HubSpot:    archived contact ${hsDelete}`);
  }
  return lines;
}
