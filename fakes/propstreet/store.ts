/**
 * The fake's contact store: the shared versioned rows (versioned-store.ts) plus what only
 * contacts have — a live-email index (emails are unique per organisation among live contacts)
 * and true-PATCH data writes (contact-apply.ts).
 */
import { applyWrite, type ContactData, dataOf, EMPTY_DATA, sameData } from './contact-apply.js';
import type { FakeContact, FakeExternalRef, SeedContact, ValidWrite } from './contact-types.js';
import { canonicalUtc } from './fake-time.js';
import {
  badStamp,
  etagMatches,
  type FakeDb,
  type Outcome,
  type Row,
  VersionedStore,
} from './versioned-store.js';

export type { StaleEtagStatus } from './versioned-store.js';

export class ContactStore extends VersionedStore<FakeContact> {
  private emails = new Map<string, number>();

  constructor(db: FakeDb) {
    super(db, 1001, 'Contact');
  }

  override reset(): void {
    super.reset();
    this.emails.clear();
  }

  liveByEmail(email: string): FakeContact | undefined {
    const n = this.emails.get(email.toLowerCase());
    return n === undefined ? undefined : this.rowByN(n)?.r;
  }

  create(write: ValidWrite, origin: string): Outcome<FakeContact> {
    const data = applyWrite(EMPTY_DATA, write);
    const clash = this.clash(data, undefined);
    if (clash) return clash;
    const n = this.claimId();
    const now = this.time.next();
    const row: Row<FakeContact> = { n, rv: 0, r: this.build(n, data, now, now) };
    this.commit(row, 'create', origin, undefined);
    return { ok: true, record: row.r, changed: true };
  }

  update(
    id: string,
    write: ValidWrite,
    origin: string,
    opts: { ifMatch?: string; revive?: boolean } = {},
  ): Outcome<FakeContact> {
    const row = this.row(id);
    if (!row || (row.r.deletedUtc !== null && !opts.revive)) return this.notFound(id);
    if (opts.ifMatch !== undefined && !etagMatches(opts.ifMatch, row.r.etag)) return this.stale();
    const data = applyWrite(dataOf(row.r), write);
    const reviving = row.r.deletedUtc !== null;
    if (!reviving && sameData(data, row.r)) return { ok: true, record: row.r, changed: false };
    const clash = this.clash(data, row.n);
    if (clash) return clash;
    const prev = row.r;
    this.leaving(row);
    row.r = { ...row.r, ...data, deletedUtc: null };
    this.commit(row, 'update', origin, prev);
    return { ok: true, record: row.r, changed: true };
  }

  /**
   * Bulk insert without request validation; 100k contacts take well under a second. A seed's
   * `companies`/`primaryCompanyId` are not stored here: the network turns them into links.
   */
  seed(contacts: readonly SeedContact[]): FakeContact[] {
    const out: FakeContact[] = [];
    for (const s of contacts) {
      const n = this.claimId(s.id);
      const existing = this.rowByN(n);
      if (existing) this.leaving(existing);
      const data = applyWrite(EMPTY_DATA, s);
      const updated =
        s.updatedUtc !== undefined
          ? (canonicalUtc(s.updatedUtc) ?? badStamp(s.updatedUtc))
          : this.time.next();
      const created =
        s.createdUtc !== undefined ? (canonicalUtc(s.createdUtc) ?? badStamp(s.createdUtc)) : updated;
      const deleted = s.deletedUtc ? (canonicalUtc(s.deletedUtc) ?? badStamp(s.deletedUtc)) : null;
      const c = this.build(n, data, created, updated);
      c.deletedUtc = deleted;
      c.profilePictureUrl = s.profilePictureUrl ?? null;
      const row: Row<FakeContact> = { n, rv: 0, r: c };
      this.commit(
        row,
        s.changeType ?? (deleted ? 'delete' : 'create'),
        s.changeOrigin ?? 'import',
        existing?.r,
        updated,
      );
      // As committed: with its etag, change type and origin.
      out.push(row.r);
    }
    return out;
  }

  protected override refsOf(c: FakeContact): readonly FakeExternalRef[] {
    return c.externalRefs;
  }

  protected override leaving(row: Row<FakeContact>): void {
    const email = row.r.email?.toLowerCase();
    if (email && this.emails.get(email) === row.n) this.emails.delete(email);
  }

  protected override committed(row: Row<FakeContact>): void {
    if (row.r.email && row.r.deletedUtc === null) this.emails.set(row.r.email.toLowerCase(), row.n);
  }

  private build(n: number, data: ContactData, created: string, updated: string): FakeContact {
    // Key order as in the reference sample; companies are filled in from links when served.
    return {
      id: String(n),
      uri: null,
      externalRefs: data.externalRefs,
      firstName: data.firstName,
      lastName: data.lastName,
      email: data.email,
      phone: data.phone,
      linkedInUrl: data.linkedInUrl,
      emails: data.emails,
      phones: data.phones,
      primaryLanguage: data.primaryLanguage,
      tags: data.tags,
      strategy: data.strategy,
      primaryCompanyId: null,
      companies: [],
      profilePictureUrl: null,
      createdUtc: created,
      updatedUtc: updated,
      deletedUtc: null,
      etag: '',
      changeType: null,
      changeOrigin: null,
    };
  }

  /** 409 when another live contact holds this email or one of these refs. */
  private clash(data: ContactData, self: number | undefined) {
    if (data.email) {
      const owner = this.emails.get(data.email.toLowerCase());
      if (owner !== undefined && owner !== self)
        return {
          ok: false as const,
          status: 409 as const,
          detail: `A contact with email ${data.email} already exists.`,
        };
    }
    return this.refClash(data.externalRefs, self);
  }
}
