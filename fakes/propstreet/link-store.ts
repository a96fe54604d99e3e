/**
 * The fake's link store: contact–company links as versioned rows (versioned-store.ts), found
 * by either end. One live link per contact and company; a second one is a 409 (a guess: the
 * reference documents the POST's problem answers but not their cases).
 */
import type { FakeLink } from './company-types.js';
import { canonicalUtc } from './fake-time.js';
import {
  badStamp,
  etagMatches,
  type FakeDb,
  type Outcome,
  type Row,
  VersionedStore,
} from './versioned-store.js';

export class LinkStore extends VersionedStore<FakeLink> {
  private byContact = new Map<string, Set<number>>();
  private byCompany = new Map<string, Set<number>>();

  constructor(db: FakeDb) {
    super(db, 800_001, 'Link');
  }

  override reset(): void {
    super.reset();
    this.byContact.clear();
    this.byCompany.clear();
  }

  /** Live links of a contact, oldest first. */
  ofContact(contactId: string): FakeLink[] {
    return this.live(this.byContact.get(contactId)).filter((l) => l.contactId === contactId);
  }

  /** Live links of a company, oldest first. */
  ofCompany(companyId: string): FakeLink[] {
    return this.live(this.byCompany.get(companyId)).filter((l) => l.companyId === companyId);
  }

  create(
    contactId: string,
    companyId: string,
    jobTitle: string | null,
    origin: string,
    stamp?: string,
  ): Outcome<FakeLink> {
    if (this.ofContact(contactId).some((l) => l.companyId === companyId))
      return {
        ok: false,
        status: 409,
        detail: `Contact ${contactId} is already linked to company ${companyId}.`,
      };
    const n = this.claimId();
    const now = stamp ?? this.time.next();
    const r: FakeLink = {
      id: String(n),
      contactId,
      companyId,
      jobTitle,
      createdUtc: now,
      updatedUtc: now,
      deletedUtc: null,
      etag: '',
      changeType: null,
      changeOrigin: null,
    };
    const row: Row<FakeLink> = { n, rv: 0, r };
    this.commit(row, 'create', origin, undefined, stamp);
    return { ok: true, record: row.r, changed: true };
  }

  /**
   * `force` commits a new version even when the job title stays: the link's primary status
   * changed, which the link itself does not carry but its ETag answers for (a guess).
   */
  update(
    id: string,
    jobTitle: string | null | undefined,
    origin: string,
    ifMatch: string,
    force: boolean,
  ): Outcome<FakeLink> {
    const row = this.row(id);
    if (!row || row.r.deletedUtc !== null) return this.notFound(id);
    if (!etagMatches(ifMatch, row.r.etag)) return this.stale();
    const next = jobTitle === undefined ? row.r.jobTitle : jobTitle;
    if (next === row.r.jobTitle && !force) return { ok: true, record: row.r, changed: false };
    const prev = row.r;
    row.r = { ...row.r, jobTitle: next };
    this.commit(row, 'update', origin, prev);
    return { ok: true, record: row.r, changed: true };
  }

  /** Checks a link's If-Match without writing (a PATCH that only moves the primary flag). */
  checkIfMatch(id: string, ifMatch: string): Outcome<FakeLink> {
    const row = this.row(id);
    if (!row || row.r.deletedUtc !== null) return this.notFound(id);
    return etagMatches(ifMatch, row.r.etag) ? { ok: true, record: row.r, changed: false } : this.stale();
  }

  seedOne(s: {
    id?: string;
    contactId: string;
    companyId: string;
    jobTitle?: string | null;
    updatedUtc?: string;
  }) {
    const n = this.claimId(s.id);
    const stamp =
      s.updatedUtc !== undefined ? (canonicalUtc(s.updatedUtc) ?? badStamp(s.updatedUtc)) : this.time.next();
    const row: Row<FakeLink> = {
      n,
      rv: 0,
      r: {
        id: String(n),
        contactId: s.contactId,
        companyId: s.companyId,
        jobTitle: s.jobTitle ?? null,
        createdUtc: stamp,
        updatedUtc: stamp,
        deletedUtc: null,
        etag: '',
        changeType: null,
        changeOrigin: null,
      },
    };
    this.commit(row, 'create', 'import', this.rowByN(n)?.r, stamp);
    return row.r;
  }

  protected override committed(row: Row<FakeLink>): void {
    add(this.byContact, row.r.contactId, row.n);
    add(this.byCompany, row.r.companyId, row.n);
  }

  private live(ns: Set<number> | undefined): FakeLink[] {
    if (!ns) return [];
    return [...ns]
      .sort((a, b) => a - b)
      .map((n) => this.rowByN(n)?.r)
      .filter((l): l is FakeLink => l !== undefined && l.deletedUtc === null);
  }
}

function add(index: Map<string, Set<number>>, key: string, n: number): void {
  const set = index.get(key) ?? new Set<number>();
  set.add(n);
  index.set(key, set);
}
