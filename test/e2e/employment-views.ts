/**
 * Who works where, as each side of the sandbox holds it, in Propstreet ids: Propstreet's
 * contacts and links, HubSpot's contact→company associations (Primary label, `jobtitle`),
 * Salesforce's `AccountId`, AccountContactRelation rows and `Title`. The acceptance test compares
 * the three; `disagreements` lists every difference, so a failure names the contacts.
 */
import type { Sandbox } from '../../fakes/sandbox/sandbox.js';

/** One contact's employments: companies (sorted), the primary one, the CRM-visible title. */
export interface EmploymentView {
  readonly companies: readonly string[];
  readonly primary: string | null;
  /** The job title at the primary company (the CRMs' contact title); null without one. */
  readonly title: string | null;
}

export type SideView = ReadonlyMap<string, EmploymentView>;

const blank = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function propstreetView(sb: Sandbox): SideView {
  const out = new Map<string, EmploymentView>();
  for (const c of sb.propstreet.allContacts()) {
    if (c.deletedUtc) continue;
    const primary = c.primaryCompanyId;
    const title = c.companies.find((k) => k.id === primary)?.jobTitle ?? null;
    out.set(c.id, { companies: c.companies.map((k) => k.id).sort(), primary, title: blank(title) });
  }
  return out;
}

export function hubspotView(sb: Sandbox): SideView {
  const hs = sb.hubspot;
  if (!hs) throw new Error('no HubSpot fake');
  const companyOf = new Map(
    hs.control.companies
      .dump()
      .filter((c) => !c.archived)
      .map((c) => [c.id, c.properties.propstreet_id ?? `unkeyed:${c.id}`]),
  );
  const out = new Map<string, EmploymentView>();
  for (const r of hs.control.dump()) {
    const key = r.properties.propstreet_id;
    if (r.archived || !key) continue;
    const assoc = hs.control.associatedCompanies(r.id);
    const primary = assoc.find((a) => a.primary)?.companyId;
    out.set(key, {
      companies: assoc.map((a) => companyOf.get(a.companyId) ?? `gone:${a.companyId}`).sort(),
      primary: primary === undefined ? null : (companyOf.get(primary) ?? `gone:${primary}`),
      title: blank(r.properties.jobtitle),
    });
  }
  return out;
}

export function salesforceView(sb: Sandbox): SideView {
  const sf = sb.salesforce;
  const relations = sf?.control.accountContactRelations;
  if (!sf || !relations) throw new Error('no Salesforce fake with AccountContactRelation');
  const accountOf = new Map(
    sf.control.accounts
      .dump()
      .map((a) => [a.Id as string, (a.Propstreet_Id__c as string) ?? `unkeyed:${a.Id}`]),
  );
  const accountsOf = new Map<string, string[]>();
  for (const r of relations.dump()) {
    const list = accountsOf.get(r.ContactId as string) ?? [];
    list.push(accountOf.get(r.AccountId as string) ?? `gone:${r.AccountId}`);
    accountsOf.set(r.ContactId as string, list);
  }
  const out = new Map<string, EmploymentView>();
  for (const c of sf.control.dump()) {
    const key = c.Propstreet_Id__c as string | null;
    if (!key) continue;
    const account = c.AccountId as string | null;
    out.set(key, {
      companies: (accountsOf.get(c.Id as string) ?? []).sort(),
      primary: account ? (accountOf.get(account) ?? `gone:${account}`) : null,
      title: blank(c.Title),
    });
  }
  return out;
}

/** Every contact whose employments differ between `expected` and `actual`, described. */
export function disagreements(side: string, expected: SideView, actual: SideView): string[] {
  const out: string[] = [];
  for (const [id, want] of expected) {
    const got = actual.get(id);
    if (!got) out.push(`${side} ${id}: missing`);
    else if (JSON.stringify(got) !== JSON.stringify(want))
      out.push(`${side} ${id}: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  for (const id of actual.keys()) if (!expected.has(id)) out.push(`${side} ${id}: not in Propstreet`);
  return out;
}
