/**
 * The shadow of a contact some of whose writes did not land (a failure, a company not in the
 * other side yet): the merge's result where its writes landed, the old shadow where they did
 * not. Keeping the whole old shadow instead made what did land look unsynced: a job added and
 * later removed read as added again, and came back on both sides (RELIABILITY.md bug 24).
 * What did not land differs from the shadow as before, so the next run writes it again.
 */
import { type Employments, normTitle } from './employments.js';
import type { LinkRow } from './links-phase.js';

export function landedShadow(
  before: Employments | null,
  merged: Employments,
  rows: readonly LinkRow[],
  /** The CRM's title as read (the contact's title at its primary company). */
  crmTitle: string | null | undefined,
): Employments {
  const old = before ?? { primary: null, companies: new Map<string, string | null>() };
  const companies = new Map(merged.companies);
  let primary = merged.primary;
  const revert = (c: string) => {
    if (old.companies.has(c)) companies.set(c, old.companies.get(c) ?? null);
    else companies.delete(c);
  };
  for (const r of rows) {
    if (r.outcome === 'done') continue;
    if (r.action === 'title') {
      if (r.side === 'propstreet' && r.company !== null && old.companies.has(r.company))
        companies.set(r.company, old.companies.get(r.company) ?? null);
      // The CRM keeps the title it had: the shadow says so at the primary, where it is compared.
      else if (r.side === 'crm' && primary !== null && companies.has(primary))
        companies.set(primary, normTitle(crmTitle));
      continue;
    }
    if (r.action === 'primary') primary = old.primary;
    // A CRM "primary" row is an association too (the company may be new there).
    if (r.company !== null && (r.action !== 'primary' || r.side === 'crm')) revert(r.company);
  }
  return { primary, companies };
}
