/**
 * Reads both sides of the touched contacts: Propstreet's employments from the contact
 * (`companies[]` with `isPrimary` and `jobTitle`: a link carries no primary flag), the CRM's from
 * its associations (and the contact's title), mapped to Propstreet company ids. A CRM company
 * with no Propstreet link yet is a missing dependency: the contact is deferred.
 */
import type { CrmAssociation } from '../crm/associations.js';
import { labelOfContact } from '../kinds/contacts/label.js';
import type { Contact } from '../propstreet/schema.js';
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
  /** Contacts with no CRM link yet: nothing to merge now, tried again next run. */
  readonly deferred: { readonly propstreetId: string; readonly reason: string }[];
  /** Contacts whose CRM record the CRM does not hold now: not merged, their shadows kept. */
  readonly unseen: string[];
  /**
   * Contacts deleted (or gone) in Propstreet, or whose CRM link the contacts kind ended: nothing
   * to merge, now or later. Their deletion is the contacts kind's business (its delete policy); here their
   * shadow and any earlier deferral end, or they would be deferred again on every run.
   */
  readonly gone: string[];
}

/**
 * `synced`: whether the phase has a shadow of the contact (it was linked and synced before). One
 * that has lost its CRM link since is not waiting for one: the contacts kind ended it.
 */
export async function readSides(
  ports: LinksPorts,
  propstreetIds: readonly string[],
  synced: (propstreetId: string) => boolean = () => false,
): Promise<ReadResult> {
  const crmOf = await ports.contacts.crmIds(propstreetIds);
  const deferred: ReadResult['deferred'] = [];
  const gone: string[] = [];
  const present: Omit<ContactSides, 'crm' | 'unmappedCrmCompanies'>[] = [];
  const listed = await listedContacts(ports, propstreetIds);
  for (const id of propstreetIds) {
    const crmId = crmOf.get(id);
    const contact = listed ? listed.get(id) : await ports.propstreet.getContact(id);
    // A deleted contact's link ends with the contacts kind's run: not one to wait for.
    if (!contact || contact.deletedUtc) {
      gone.push(id);
      continue;
    }
    if (!crmId) {
      // Deferred, it would be read again at every retry for as long as it stays unlinked.
      if (synced(id)) gone.push(id);
      else deferred.push({ propstreetId: id, reason: 'the contact is not linked to a CRM record yet' });
      continue;
    }
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
  const crm = await readCrm(
    ports,
    present.map((p) => p.crmId),
  );
  const sides: ContactSides[] = [];
  const unseen: string[] = [];
  for (const p of present) {
    const held = crm.get(p.crmId) ?? { employments: NONE, unmapped: [], missing: false };
    // A CRM record that is not there (deleted, merged away, out of the user's sight for now)
    // holds no companies, but that is no removal: left as it is, shadow kept, until the contacts
    // kind decides about its link (ended: the contact's shadow ends when next touched; seen again:
    // merged against the shadow as ever).
    if (held.missing) unseen.push(p.propstreetId);
    else sides.push({ ...p, crm: held.employments, unmappedCrmCompanies: held.unmapped });
  }
  return { sides, deferred, gone, unseen };
}

/** Contacts a page carries (the list's largest page). */
const PAGE = 500;

/**
 * The touched contacts from the contact list, when that takes fewer calls than a GET each (a
 * first sync touches every contact: 2,000 GETs against 4 pages); null: GET them one by one. A
 * contact the list leaves out (deleted) is absent, as a GET's 404 or deletedUtc would leave it.
 */
async function listedContacts(
  ports: LinksPorts,
  propstreetIds: readonly string[],
): Promise<ReadonlyMap<string, Contact> | null> {
  if (!ports.linkedContacts || propstreetIds.length < 2) return null;
  const pages = Math.ceil((await ports.linkedContacts()) / PAGE);
  if (2 * pages > propstreetIds.length) return null;
  const wanted = new Set(propstreetIds);
  const out = new Map<string, Contact>();
  for await (const page of ports.propstreet.listContacts({ pageSize: PAGE }))
    for (const c of page.contacts) if (wanted.has(c.id)) out.set(c.id, c);
  return out;
}

const NONE: CrmEmployments = { primary: null, companies: new Set(), primaryTitle: undefined };

/**
 * What the CRM holds of these contacts (by CRM id), companies mapped to Propstreet ids; `missing`:
 * the CRM does not hold the contact. A contact gone must never read as one with no companies (a
 * full scan would remove them all in Propstreet): the associations read says so where it can
 * (`readHeld`); else the title read, which leaves such contacts out; else a read of the contacts
 * with no links (`heldContacts`), the only ones in doubt.
 */
export async function readCrm(
  ports: LinksPorts,
  crmIds: readonly string[],
): Promise<Map<string, { employments: CrmEmployments; unmapped: string[]; missing: boolean }>> {
  if (crmIds.length === 0) return new Map();
  const held = ports.crm.readHeld
    ? await ports.crm.readHeld(crmIds)
    : { associations: await ports.crm.read(crmIds), missing: undefined };
  const associations = held.associations;
  const titles = ports.titles ? await ports.titles.read(crmIds) : undefined;
  const missing = held.missing ?? (await notHeld(ports, crmIds, associations, titles));
  const companyIds = await ports.companies.propstreetIds([...new Set(associations.map((a) => a.toId))]);
  const byContact = new Map<string, CrmAssociation[]>();
  for (const a of associations) byContact.set(a.fromId, [...(byContact.get(a.fromId) ?? []), a]);
  const out = new Map<string, { employments: CrmEmployments; unmapped: string[]; missing: boolean }>();
  for (const id of crmIds) {
    const companies = new Set<string>();
    const unmapped: string[] = [];
    const linkIds = new Map<string, string>();
    let primary: string | null = null;
    for (const a of byContact.get(id) ?? []) {
      const company = companyIds.get(a.toId);
      if (!company) {
        unmapped.push(a.toId);
        continue;
      }
      companies.add(company);
      if (a.id !== undefined) linkIds.set(a.id, company);
      if (a.primary) primary = company;
    }
    const primaryTitle = titles ? (titles.get(id) ?? null) : undefined;
    const employments = { primary, companies, primaryTitle, ...(linkIds.size > 0 ? { linkIds } : {}) };
    out.set(id, { employments, unmapped, missing: missing.has(id) });
  }
  return out;
}

/** The contacts the CRM does not hold, where the associations read cannot say (readCrm). */
async function notHeld(
  ports: LinksPorts,
  crmIds: readonly string[],
  associations: readonly CrmAssociation[],
  titles: ReadonlyMap<string, string | null> | undefined,
): Promise<ReadonlySet<string>> {
  if (titles) return new Set(crmIds.filter((id) => !titles.has(id)));
  if (!ports.heldContacts) return new Set();
  const linked = new Set(associations.map((a) => a.fromId));
  const inDoubt = crmIds.filter((id) => !linked.has(id));
  if (inDoubt.length === 0) return new Set();
  const there = await ports.heldContacts(inDoubt);
  return new Set(inDoubt.filter((id) => !there.has(id)));
}
