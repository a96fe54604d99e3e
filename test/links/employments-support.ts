/**
 * Who works where in a tenant run on the fakes: a tenant of one connection syncing companies,
 * contacts and links, people seeded at companies in Propstreet, and what the tests read back.
 */
import { expect } from 'vitest';
import { type E2E, startE2E, writes } from '../e2e/support.js';

export type Crm = 'hubspot' | 'salesforce';

/** A tenant of one connection syncing companies, contacts and links, for `body`; closed after it. */
export async function inTenant(crm: Crm, body: (e: E2E) => Promise<void>, relations = true): Promise<void> {
  const e = await startE2E(
    crm === 'hubspot'
      ? { salesforce: false }
      : { hubspot: false, salesforceOptions: { contactsToMultipleAccounts: relations } },
    { tenant: 'acme', connections: [crm], connection: { objects: ['companies', 'contacts', 'links'] } },
  );
  try {
    e.sb.propstreet.setRateLimit(600_000);
    await body(e);
  } finally {
    await e.close();
  }
}

/**
 * People at companies, seeded in Propstreet: each person's jobs as [company, title], the first
 * one their primary. Companies are named once (domain: the name, lower case, `.se`). `id` gives
 * the Propstreet id of a person or company by name, `link` a person's link to a company.
 */
export function employ(
  e: E2E,
  jobs: Readonly<Record<string, readonly (readonly [string, (string | null)?])[]>>,
) {
  const ps = e.sb.propstreet;
  const names = [...new Set(Object.values(jobs).flatMap((list) => list.map(([company]) => company)))];
  const ids = new Map<string, string>();
  const seeded = ps.seedCompanies(names.map((name) => ({ name, domain: `${name.toLowerCase()}.se` })));
  for (const [i, c] of seeded.entries()) ids.set(names[i] ?? '', c.id);

  const id = (name: string) => {
    const found = ids.get(name);
    if (!found) throw new Error(`nothing seeded as ${name}`);
    return found;
  };
  const links = new Map<string, ReturnType<typeof ps.linkAsUser>>();
  for (const [first, list] of Object.entries(jobs)) {
    const [person] = ps.seed([
      { firstName: first, lastName: 'P', email: `${first.toLowerCase()}@${list[0]?.[0].toLowerCase()}.se` },
    ]);
    if (!person) throw new Error('seed');
    ids.set(first, person.id);
    for (const [i, [company, jobTitle]] of list.entries())
      links.set(
        `${first} ${company}`,
        ps.linkAsUser(person.id, id(company), {
          ...(i === 0 ? { isPrimary: true } : {}),
          ...(jobTitle === undefined ? {} : { jobTitle }),
        }),
      );
  }
  const link = (person: string, company: string) => {
    const found = links.get(`${person} ${company}`);
    if (!found) throw new Error(`no job of ${person} at ${company}`);
    return found;
  };
  return { id, link };
}

/** `employ`, then the first sync and the run after it: the jobs are in the CRM and settled. */
export async function employed(e: E2E, jobs: Parameters<typeof employ>[1]) {
  const seeded = employ(e, jobs);
  await e.run();
  await e.run();
  return seeded;
}

export function salesforce(e: E2E) {
  const sf = e.sb.salesforce?.control;
  if (!sf) throw new Error('no Salesforce fake');
  return sf;
}

export const liveLinks = (e: E2E, contact: string) =>
  e.sb.propstreet.allLinks().filter((l) => l.contactId === contact && !l.deletedUtc);

/** Runs `times` more and checks none of them writes anything, on any side; the last run. */
export async function writesNothing(e: E2E, options: Parameters<E2E['run']>[0] = {}, times = 1) {
  const settled = writes(e.sb);
  let last = await e.run(options);
  for (let i = 1; i < times; i++) last = await e.run(options);
  expect(writes(e.sb)).toEqual(settled);
  return last;
}

/** A contact's job titles in Propstreet, by company id. */
export const titlesOf = (e: E2E, contact: string) =>
  Object.fromEntries(liveLinks(e, contact).map((l) => [l.companyId, l.jobTitle ?? null]));

export function hubspot(e: E2E) {
  const hs = e.sb.hubspot?.control;
  if (!hs) throw new Error('no HubSpot fake');
  const contact = (propstreetId: string) =>
    hs.dump().find((r) => r.properties.propstreet_id === propstreetId)?.id ?? '';
  const company = (propstreetId: string) =>
    hs.companies.dump().find((k) => k.properties.propstreet_id === propstreetId && !k.archived)?.id ?? '';
  return { hs, contact, company };
}
