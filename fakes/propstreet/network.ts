/**
 * One organisation's network: contacts, companies and the links between them, with links as
 * the single source of truth of who works where. A contact's `companies[]`/`primaryCompanyId`
 * and a company's `contacts[]` are derived from live links when served, primary first (model
 * Contact, model Company: "primary first").
 *
 * What a relation change bumps is not documented. The default (`own`), a guess: a link change
 * bumps the link only, and a change of the primary company also bumps the contact (its own
 * `primaryCompanyId`); a company rename bumps the company only. Links have their own delta
 * (`GET /links?updated_since`) and their own webhooks (link.*), which suggests they are rows
 * of their own. `related` makes every record that shows the change bump too, so the engine
 * can be tried against the other reading.
 */

import { CompanyStore } from './company-store.js';
import type { FakeCompany, FakeContactLink, FakeLink, SeedLink } from './company-types.js';
import type { FakeCompanyLink, FakeContact, SeedContact } from './contact-types.js';
import { LinkStore } from './link-store.js';
import { ContactStore } from './store.js';
import { type Failure, FakeDb, type Outcome } from './versioned-store.js';

export type RelationBumps = 'own' | 'related';

export interface LinkPatch {
  readonly jobTitle?: string | null;
  readonly isPrimary?: boolean | null;
}

export class FakeNetwork {
  readonly db = new FakeDb();
  readonly contacts = new ContactStore(this.db);
  readonly companies = new CompanyStore(this.db);
  readonly links = new LinkStore(this.db);
  /** contact id → company id: the contact's primary company (a contact field, shown via links). */
  private primary = new Map<string, string>();
  bumps: RelationBumps = 'own';

  reset(): void {
    this.db.reset();
    this.contacts.reset();
    this.companies.reset();
    this.links.reset();
    this.primary.clear();
    this.bumps = 'own';
  }

  contactView(c: FakeContact): FakeContact {
    const links = this.links.ofContact(c.id);
    if (links.length === 0) return c;
    const primary = this.primaryOf(c.id);
    const companies: FakeCompanyLink[] = [];
    for (const l of links) {
      const k = this.companies.get(l.companyId);
      if (!k || k.deletedUtc !== null) continue;
      companies.push({
        id: k.id,
        uri: null,
        name: k.name,
        jobTitle: l.jobTitle,
        isPrimary: k.id === primary,
      });
    }
    return { ...c, primaryCompanyId: primary, companies: primaryFirst(companies) };
  }

  companyView(k: FakeCompany): FakeCompany {
    const contacts: FakeContactLink[] = [];
    for (const l of this.links.ofCompany(k.id)) {
      const c = this.contacts.get(l.contactId);
      if (!c || c.deletedUtc !== null) continue;
      contacts.push({
        id: c.id,
        uri: null,
        email: c.email,
        firstName: c.firstName,
        lastName: c.lastName,
        jobTitle: l.jobTitle,
        isPrimary: this.primaryOf(c.id) === k.id,
      });
    }
    return contacts.length === 0 ? k : { ...k, contacts: primaryFirst(contacts) };
  }

  /** The primary company while a live link to it exists. */
  primaryOf(contactId: string): string | null {
    const id = this.primary.get(contactId);
    return id !== undefined && this.links.ofContact(contactId).some((l) => l.companyId === id) ? id : null;
  }

  /**
   * Seeds contacts. A seed's `companies` (and `primaryCompanyId`) become links, and a company
   * it names that does not exist yet is created with that name, so links stay the one truth.
   */
  seedContacts(seeds: readonly SeedContact[]): FakeContact[] {
    const out = this.contacts.seed(seeds);
    seeds.forEach((s, i) => {
      const c = out[i];
      if (!c || !s.companies?.length) return;
      for (const k of s.companies) {
        if (!this.companies.get(k.id)) this.companies.seed([{ id: k.id, name: k.name }]);
        const isPrimary = s.primaryCompanyId ? s.primaryCompanyId === k.id : k.isPrimary;
        this.seedLinks([{ contactId: c.id, companyId: k.id, jobTitle: k.jobTitle, isPrimary }]);
      }
    });
    return out.map((c) => this.contactView(c));
  }

  /** Seeds links between existing records; a contact's first link is its primary one. */
  seedLinks(seeds: readonly SeedLink[]): FakeLink[] {
    return seeds.map((s) => {
      if (!this.contacts.get(s.contactId)) throw new Error(`seed link: no contact ${s.contactId}`);
      if (!this.companies.get(s.companyId)) throw new Error(`seed link: no company ${s.companyId}`);
      const link = this.links.seedOne(s);
      if (s.isPrimary || this.primaryOf(s.contactId) === null) this.primary.set(s.contactId, s.companyId);
      return link;
    });
  }

  /**
   * `POST /links`. A contact without a primary company gets this one (a guess: the Connection
   * model requires "exactly one connection marked as primary" when a contact's companies are
   * written, so a contact with companies is taken to always have a primary one).
   */
  createLink(
    contactId: string,
    companyId: string,
    jobTitle: string | null,
    origin: string,
  ): Outcome<FakeLink> {
    const missing = this.missingEnd(contactId, companyId);
    if (missing) return missing;
    const o = this.links.create(contactId, companyId, jobTitle, origin);
    if (!o.ok) return o;
    if (this.primaryOf(contactId) === null) this.setPrimary(contactId, companyId, origin);
    this.relatedBump(o.record, origin);
    return o;
  }

  /** `PATCH /links/{id}`: If-Match required (the reference); 428 without it (a guess, as the changelog's). */
  patchLink(id: string, patch: LinkPatch, origin: string, ifMatch: string | undefined): Outcome<FakeLink> {
    if (ifMatch === undefined || ifMatch.trim() === '')
      return {
        ok: false,
        status: 428,
        detail: 'This request requires an If-Match header with the ETag of the link.',
        type: 'precondition-required',
      };
    const checked = this.links.checkIfMatch(id, ifMatch);
    if (!checked.ok) return checked;
    const link = checked.record;
    const wasPrimary = this.primaryOf(link.contactId) === link.companyId;
    const primary = patch.isPrimary === true ? true : patch.isPrimary === false ? false : wasPrimary;
    const moved = primary !== wasPrimary;
    const o = this.links.update(id, patch.jobTitle, origin, ifMatch, moved);
    if (!o.ok || !o.changed) return o;
    if (moved) this.setPrimary(link.contactId, primary ? link.companyId : null, origin);
    this.relatedBump(o.record, origin);
    return o;
  }

  deleteLink(id: string, origin: string, ifMatch?: string): Outcome<FakeLink> {
    const before = this.links.get(id);
    const wasPrimary = before !== undefined && this.primaryOf(before.contactId) === before.companyId;
    const o = this.links.softDelete(id, origin, ifMatch);
    if (!o.ok || !o.changed) return o;
    if (wasPrimary) this.setPrimary(o.record.contactId, null, origin);
    this.relatedBump(o.record, origin);
    return o;
  }

  /** A contact's links go with it (a guess: the reference does not say; link.deleted exists). */
  deleteContact(id: string, origin: string, ifMatch?: string): Outcome<FakeContact> {
    const o = this.contacts.softDelete(id, origin, ifMatch);
    if (o.ok && o.changed) {
      for (const l of this.links.ofContact(id)) this.links.softDelete(l.id, origin);
      this.primary.delete(id);
    }
    return o;
  }

  /** A company's links go with it; contacts that had it as primary lose their primary. */
  deleteCompany(id: string, origin: string, ifMatch?: string): Outcome<FakeCompany> {
    const o = this.companies.softDelete(id, origin, ifMatch);
    if (o.ok && o.changed)
      for (const l of this.links.ofCompany(id)) {
        const wasPrimary = this.primaryOf(l.contactId) === id;
        this.links.softDelete(l.id, origin);
        if (wasPrimary) this.setPrimary(l.contactId, null, origin);
      }
    return o;
  }

  /** After a company write: under `related`, contacts showing its name get a new version. */
  companyWritten(before: FakeCompany | undefined, o: Outcome<FakeCompany>, origin: string): void {
    if (this.bumps !== 'related' || !o.ok || !o.changed || !before || before.name === o.record.name) return;
    for (const l of this.links.ofCompany(o.record.id)) this.contacts.touch(l.contactId, origin);
  }

  /** The primary company is the contact's own field: changing it is a new contact version. */
  private setPrimary(contactId: string, companyId: string | null, origin: string): void {
    if (companyId === null) this.primary.delete(contactId);
    else this.primary.set(contactId, companyId);
    this.contacts.touch(contactId, origin);
  }

  private relatedBump(link: FakeLink, origin: string): void {
    if (this.bumps !== 'related') return;
    this.contacts.touch(link.contactId, origin);
    this.companies.touch(link.companyId, origin);
  }

  private missingEnd(contactId: string, companyId: string): Failure | undefined {
    const c = this.contacts.get(contactId);
    if (!c || c.deletedUtc !== null) return this.contacts.notFound(contactId);
    const k = this.companies.get(companyId);
    if (!k || k.deletedUtc !== null) return this.companies.notFound(companyId);
    return undefined;
  }
}

function primaryFirst<T extends { isPrimary: boolean }>(items: T[]): T[] {
  return [...items.filter((i) => i.isPrimary), ...items.filter((i) => !i.isPrimary)];
}
