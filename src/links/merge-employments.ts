/**
 * The three-way merge of one contact's employments (pure): Propstreet now, the CRM now, and the
 * shadow. Membership is merged per company (added on one side → added on the other; removed on
 * one side of a pair both sides had → removed on the other), the primary company and each job
 * title as single values (changed on one side only → it flows; changed on both → the policy).
 * An association a person made in the CRM is new to the shadow, so it is *added* to Propstreet,
 * never taken for a removal; only a pair in the shadow can be removed.
 *
 * A CRM that holds only the primary company (`secondary: false`) has no say about the others:
 * they count as unchanged there. Its primary moving to another company keeps the old one in
 * Propstreet (demoted); its primary cleared removes the company it was.
 *
 * A company the CRM cannot hold (`unknown`: its companies-kind link ended, the company "left as it
 * is") is no part of the merge: Propstreet's jobs there stay as they are and the shadow keeps them
 * as Propstreet has them; nothing is written to the CRM about it (a company relinked later is
 * compared as new: company-links.ts). A primary there stays Propstreet's: the CRM's primary gone
 * with it, or moved to the company its CRM company was merged into (`mergedPrimary`), is no edit.
 *
 * The CRM's title is the contact's one title, the title at its primary company: it changed when
 * it differs from the shadow's title at the shadow's primary, wherever the primary is now (a
 * primary moved with the title untouched is no title edit at the new company, unless the shadow
 * knows no title there).
 */
import { type CrmEmployments, type Employments, normTitle } from './employments.js';

export type LinkConflictPolicy = 'propstreet-wins' | 'crm-wins';

export type PropstreetOp =
  | { readonly op: 'create'; readonly company: string; readonly jobTitle: string | null }
  | { readonly op: 'delete'; readonly company: string }
  | { readonly op: 'primary'; readonly company: string; readonly clear?: true }
  | { readonly op: 'title'; readonly company: string; readonly jobTitle: string | null };

export type CrmOp =
  | { readonly op: 'associate'; readonly company: string; readonly primary: boolean }
  | { readonly op: 'dissociate'; readonly company: string }
  | { readonly op: 'title'; readonly jobTitle: string | null };

export interface EmploymentMerge {
  readonly result: Employments;
  readonly toPropstreet: readonly PropstreetOp[];
  readonly toCrm: readonly CrmOp[];
  /** What changed on both sides differently, and which side the policy kept. */
  readonly conflicts: readonly string[];
}

export interface MergeInput {
  readonly propstreet: Employments;
  readonly crm: CrmEmployments;
  readonly shadow: Employments | null;
  /** Whether the CRM holds companies besides the primary one. */
  readonly secondary: boolean;
  /** Whether the CRM's title is read and written by this phase. */
  readonly titles: boolean;
  /**
   * Whether the CRM relates a contact to other companies only once it has a primary one
   * (Salesforce: an indirect relation needs the contact's AccountId, S40).
   */
  readonly primaryFirst?: boolean | undefined;
  /** Propstreet companies the CRM has a record of now (absent: all); only those can become its primary. */
  readonly inCrm?: ReadonlySet<string> | undefined;
  readonly policy: LinkConflictPolicy;
  /** Propstreet companies the CRM cannot hold (their companies-kind link ended). */
  readonly unknown?: ReadonlySet<string>;
  /**
   * The company the CRM holds the shadow's primary as now, when that primary (one it cannot hold)
   * had its CRM company merged into this one's (company-links.ts `mergedPrimary`).
   */
  readonly mergedPrimary?: string | undefined;
  /** The title as the CRM holds it (cut to its property's length); absent: as it is. */
  readonly fitTitle?: ((title: string | null) => string | null) | undefined;
}

function pick<T>(ps: T, crm: T, shadow: T, policy: LinkConflictPolicy, what: string, conflicts: string[]): T {
  if (ps === crm || crm === shadow) return ps;
  if (ps === shadow) return crm;
  conflicts.push(
    `${what}: changed on both sides, ${policy === 'crm-wins' ? "the CRM's" : "Propstreet's"} value kept`,
  );
  return policy === 'crm-wins' ? crm : ps;
}

export function mergeEmployments(input: MergeInput): EmploymentMerge {
  const { propstreet: ps, crm, secondary, policy } = input;
  const shadow = input.shadow ?? { primary: null, companies: new Map<string, string | null>() };
  const unknown = input.unknown ?? new Set<string>();
  const conflicts: string[] = [];
  const crmKnows = (c: string) =>
    secondary || c === crm.primary || (c === shadow.primary && crm.primary === null);
  const inCrm = (c: string) => (crmKnows(c) ? crm.companies.has(c) : shadow.companies.has(c));

  const all = new Set([...ps.companies.keys(), ...crm.companies, ...shadow.companies.keys()]);
  const members = new Set<string>();
  for (const c of [...all].sort()) {
    if (unknown.has(c)) continue;
    const had = shadow.companies.has(c);
    const p = ps.companies.has(c);
    const r = inCrm(c);
    if (had ? p && r : p || r) members.add(c);
  }
  const kept = (c: string) => members.has(c) || (unknown.has(c) && ps.companies.has(c));

  const psPrimary = ps.primary;
  // The CRM's primary gone with a company it cannot hold any more is no change of the CRM's;
  // nor is Propstreet's gone with its job at such a company (the company deleted in Propstreet
  // takes its links): the other side's move wins, where "none" beat it as an edit (bug 56).
  const lostWith = shadow.primary !== null && unknown.has(shadow.primary) ? shadow.primary : null;
  const crmPrimary = crm.primary === null && lostWith !== null ? lostWith : crm.primary;
  // Nor is the CRM's primary at the company the old primary's CRM company was merged into: the
  // merge moved the label with the company (HubSpot), no CRM user chose it. Read as a move, it
  // took Propstreet's primary to the survivor whenever the contact happened to be read (bug 73).
  const crmSide =
    lostWith !== null && crm.primary !== null && crm.primary === input.mergedPrimary ? lostWith : crmPrimary;
  const psSide =
    psPrimary === null && lostWith !== null && !ps.companies.has(lostWith) ? lostWith : psPrimary;
  let primary = pick(psSide, crmSide, shadow.primary, policy, 'primary company', conflicts);
  if (primary !== null && !kept(primary)) primary = null;

  const crmTitle = input.titles && crm.primaryTitle !== undefined ? normTitle(crm.primaryTitle) : undefined;
  const titleBefore =
    shadow.primary !== null && shadow.companies.has(shadow.primary)
      ? normTitle(shadow.companies.get(shadow.primary))
      : undefined;
  const asHeld = input.fitTitle ?? ((t: string | null) => t);
  // What the contacts kind writes to the CRM's title: Propstreet's at its primary, none without.
  const psPrimaryTitle =
    psPrimary !== null && ps.companies.has(psPrimary) ? normTitle(ps.companies.get(psPrimary)) : null;
  // Our own cut of the shadow's title (the CRM holds no more) is no edit (RELIABILITY.md bug 29),
  // nor is the contacts kind's write of Propstreet's (a primary cleared clears it: bug 30).
  const crmTitleEdited =
    crmTitle !== undefined &&
    (titleBefore === undefined || (crmTitle !== titleBefore && crmTitle !== asHeld(titleBefore))) &&
    crmTitle !== asHeld(psPrimaryTitle);
  const companies = new Map<string, string | null>();
  for (const c of members) {
    const sh = shadow.companies.has(c) ? normTitle(shadow.companies.get(c)) : undefined;
    const psT = ps.companies.has(c) ? normTitle(ps.companies.get(c)) : undefined;
    // At a company new to the shadow the CRM's title is the only one it has there.
    let crmT = c === crm.primary && (crmTitleEdited || sh === undefined) ? crmTitle : undefined;
    // The CRM holding Propstreet's title cut (the contacts kind sent it so) agrees with it.
    if (crmT !== undefined && psT !== undefined && crmT !== psT && crmT === asHeld(psT)) crmT = psT;
    const base = sh !== undefined ? sh : (psT ?? crmT ?? null);
    // A cleared title (null) is a value, an unread one (undefined) none: `??` took a clear for
    // "not read" and wrote the old title back (RELIABILITY.md bug 28).
    const psSays = psT !== undefined ? psT : base;
    const crmSays = crmT !== undefined ? crmT : base;
    companies.set(c, pick(psSays, crmSays, base, policy, `job title at ${c}`, conflicts));
  }
  // Propstreet's jobs at a company the CRM cannot hold stand, and the shadow says so (it is what
  // both sides agree on: the CRM has no say there).
  for (const c of unknown) if (ps.companies.has(c)) companies.set(c, normTitle(ps.companies.get(c)));
  // The shadow's primary is what the CRM holds after the writes. None clears the CRM's primary:
  // a primary Propstreet cleared (the company kept) leaves the CRM's as it is, or the next run
  // would read it as the CRM setting it again (bug 30); one the CRM cannot hold stays
  // Propstreet's, the CRM keeping its own.
  const crmKeeps = crm.primary !== null && members.has(crm.primary) ? crm.primary : null;
  // A CRM that relates a contact to other companies only through a primary one (`primaryFirst`)
  // gets one when it is to hold a new job and none is primary on either side: the first company
  // it is to hold, which it would otherwise refuse on every run. The shadow says so, so the next
  // run reads no CRM edit there.
  // Only while Propstreet has none it could speak for either: one being cleared now (its clear may
  // fail) or chosen there goes first; a company the CRM cannot hold or has no record of yet cannot be it.
  const noneAnywhere =
    crmKeeps === null &&
    (primary === null || unknown.has(primary)) &&
    (psPrimary === null || unknown.has(psPrimary));
  const firstHeld =
    input.primaryFirst && secondary && noneAnywhere
      ? [...members].find(
          (c) =>
            !unknown.has(c) && !crm.companies.has(c) && (input.inCrm === undefined || input.inCrm.has(c)),
        )
      : undefined;
  const result: Employments = {
    primary:
      primary === null
        ? (crmKeeps ?? firstHeld ?? null)
        : unknown.has(primary)
          ? (firstHeld ?? crmPrimary)
          : primary,
    companies,
  };

  const toPropstreet: PropstreetOp[] = [];
  for (const [c, jobTitle] of companies) {
    if (!ps.companies.has(c)) toPropstreet.push({ op: 'create', company: c, jobTitle });
    else if (normTitle(ps.companies.get(c)) !== jobTitle)
      toPropstreet.push({ op: 'title', company: c, jobTitle });
  }
  if (primary !== null && primary !== psPrimary) toPropstreet.push({ op: 'primary', company: primary });
  // The CRM's primary cleared (its company kept) clears Propstreet's: left, the shadow's "none"
  // read Propstreet's primary as an edit at the next change and wrote it back to the CRM.
  // A primary at a company the CRM cannot hold is none of the CRM's to clear.
  else if (
    primary === null &&
    psPrimary !== null &&
    !unknown.has(psPrimary) &&
    kept(psPrimary) &&
    crmPrimary === null &&
    shadow.primary !== null
  )
    toPropstreet.push({ op: 'primary', company: psPrimary, clear: true });
  for (const c of ps.companies.keys()) if (!kept(c)) toPropstreet.push({ op: 'delete', company: c });

  const toCrm: CrmOp[] = [];
  for (const c of members) {
    const isPrimary = c === primary || c === firstHeld;
    const held = crm.companies.has(c);
    if (isPrimary && crm.primary !== c) toCrm.push({ op: 'associate', company: c, primary: true });
    else if (!held && secondary && !isPrimary) toCrm.push({ op: 'associate', company: c, primary: false });
  }
  for (const c of crm.companies) if (!members.has(c)) toCrm.push({ op: 'dissociate', company: c });
  if (input.titles && primary !== null && members.has(primary)) {
    const want = asHeld(companies.get(primary) ?? null);
    // The title is the contact's own property in the CRM: compare it whichever company is primary.
    const has = crm.primaryTitle !== undefined ? normTitle(crm.primaryTitle) : undefined;
    if (has !== want) toCrm.push({ op: 'title', jobTitle: want });
  }
  return { result, toPropstreet, toCrm, conflicts };
}
