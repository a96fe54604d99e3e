/**
 * The demo's story: a Propstreet network, a HubSpot portal and a Salesforce org that overlap
 * by email, a few true conflicts, then a day of user edits and deletions on every side.
 */
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
}

export function demoSizes(contacts: number): DemoSizes {
  return {
    propstreet: contacts,
    hubspot: Math.max(10, Math.round(contacts / 5)),
    salesforce: Math.max(10, Math.round(contacts / 7)),
    overlap: Math.max(4, Math.round(contacts / 20)),
  };
}

/** Seeds all three sides; returns the ids it created, per side. */
export function seedDemo(
  sb: Sandbox,
  s: DemoSizes,
): { propstreet: string[]; hubspot: string[]; salesforce: string[] } {
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
          companies: [
            { id: String(1000 + (i % 8)), uri: null, name: p.company, jobTitle: p.jobTitle, isPrimary: true },
          ],
        };
      }),
    )
    .map((c) => c.id);
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
  return { propstreet, hubspot, salesforce };
}

/** A day of user work on every side; returns one line per edit, for the demo's narration. */
export function simulateUserEdits(
  sb: Sandbox,
  ids: { propstreet: string[]; hubspot: string[]; salesforce: string[] },
): string[] {
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
