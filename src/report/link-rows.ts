/**
 * Who works where in the reports: the links phase's rows per connection (associate, dissociate,
 * primary, title; per contact and side), in the words every format shares. A row names the
 * contact and the company as Propstreet names them (the ids beside), as records are named.
 */
import { CLEARED_PRIMARY } from '../links/cleared-primary.js';
import type { LinkRow, LinksResult } from '../links/links-phase.js';
import type { LinksReport } from './bound-links.js';
import { crmName, tally } from './report-model.js';
import { runLabel } from './run-label.js';

/**
 * The heading of the contacts the phase deferred (a contact or its companies not linked yet). A
 * dry run links nothing, so in a first sync's preview every new contact waits for the link its
 * own kind would make: a real run makes it first, in the same run.
 */
export function deferredHeading(r: Pick<LinksResult, 'dryRun'>): string {
  return r.dryRun
    ? 'Deferred until their records are linked (a real run links them first)'
    : 'Deferred, tried again next run';
}

/** A connection's links section, ready to render. */
export interface LinksSection {
  /** `hubspot · links`, as kinds' sections are labelled. */
  readonly label: string;
  /** The CRM's display name (HubSpot, Salesforce). */
  readonly crm: string;
  readonly result: LinksResult;
  /** "3 contacts read (full scan) · 2 associate · 1 dissociate (1 held)". */
  readonly headline: string;
}

/** `crmOf`: the connection's CRM type, from its kinds' results. */
export function linksSections(
  links: readonly LinksReport[] | undefined,
  crmOf: (connection: string) => string | undefined,
): LinksSection[] {
  return (links ?? []).map(({ connection, crm: type, result }) => {
    const crm = crmName(type ?? crmOf(connection) ?? 'CRM');
    const read = `${result.contactsRead} contact${result.contactsRead === 1 ? '' : 's'} read${result.fullScan ? ' (full scan)' : ''}`;
    const actions = tally(result.rows.map((r) => r.action)).map(([a, n]) => `${n} ${a}`);
    const held = result.rows.filter((r) => r.outcome === 'held').length;
    return {
      label: runLabel({ connection, kind: 'links' }),
      crm,
      result,
      headline: [read, ...actions, ...(held > 0 ? [`${held} held by the mass-removal guard`] : [])].join(
        ' · ',
      ),
    };
  });
}

/** The side a row writes to, by name: "Propstreet" or the CRM's. */
export function rowSide(row: LinkRow, crm: string): string {
  return row.side === 'propstreet' ? 'Propstreet' : crm;
}

/** "Ada Lind", or the id when Propstreet's name is not known. */
export function rowContact(row: LinkRow): string {
  return row.contactLabel ?? `contact ${row.contact}`;
}

/** "Acme AB", or the id; the contact's own title has no company (null). */
function rowCompany(row: LinkRow): string | null {
  if (row.company === null) return null;
  return row.companyLabel ?? `company ${row.company}`;
}

/** What the row does, in words: "at Acme AB (CFO)", "primary: Acme AB", "job title: CFO". */
export function rowWhat(row: LinkRow): string {
  const company = rowCompany(row);
  const detail = row.detail === undefined ? '' : ` (${row.detail})`;
  if (row.action === 'title')
    return company
      ? `job title at ${company}: ${row.detail ?? '(empty)'}`
      : `job title: ${row.detail ?? '(empty)'}`;
  if (row.action === 'primary')
    return row.detail === CLEARED_PRIMARY ? `no primary (was ${company ?? ''})` : `primary: ${company ?? ''}`;
  return `${row.action === 'dissociate' ? 'from' : 'at'} ${company ?? ''}${detail}`;
}

/** Ids beside the names: "Propstreet contact 1001 · company 50002". */
export function rowIds(row: LinkRow): string {
  return `Propstreet contact ${row.contact}${row.company === null ? '' : ` · company ${row.company}`}`;
}
