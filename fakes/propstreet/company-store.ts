/**
 * The fake's company store: the shared versioned rows (versioned-store.ts) with company data
 * rules — external refs unique among live companies (a duplicate is a 409, as for contacts;
 * the company create page was not found, so by analogy) and true-PATCH writes.
 */
import {
  applyCompanyWrite,
  type CompanyData,
  companyDataOf,
  EMPTY_COMPANY,
  sameCompanyData,
} from './company-apply.js';
import type { FakeCompany, SeedCompany, ValidCompanyWrite } from './company-types.js';
import type { FakeExternalRef } from './contact-types.js';
import { canonicalUtc } from './fake-time.js';
import {
  badStamp,
  etagMatches,
  type FakeDb,
  type Outcome,
  type Row,
  VersionedStore,
} from './versioned-store.js';

export class CompanyStore extends VersionedStore<FakeCompany> {
  constructor(db: FakeDb) {
    super(db, 50_001, 'Company');
  }

  create(write: ValidCompanyWrite, origin: string): Outcome<FakeCompany> {
    const data = applyCompanyWrite(EMPTY_COMPANY, write);
    const clash = this.refClash(data.externalRefs, undefined);
    if (clash) return clash;
    const n = this.claimId();
    const now = this.time.next();
    const row: Row<FakeCompany> = { n, rv: 0, r: build(n, data, now, now) };
    this.commit(row, 'create', origin, undefined);
    return { ok: true, record: row.r, changed: true };
  }

  update(
    id: string,
    write: ValidCompanyWrite,
    origin: string,
    opts: { ifMatch?: string; revive?: boolean } = {},
  ): Outcome<FakeCompany> {
    const row = this.row(id);
    if (!row || (row.r.deletedUtc !== null && !opts.revive)) return this.notFound(id);
    if (opts.ifMatch !== undefined && !etagMatches(opts.ifMatch, row.r.etag)) return this.stale();
    const data = applyCompanyWrite(companyDataOf(row.r), write);
    const reviving = row.r.deletedUtc !== null;
    if (!reviving && sameCompanyData(data, row.r)) return { ok: true, record: row.r, changed: false };
    const clash = this.refClash(data.externalRefs, row.n);
    if (clash) return clash;
    const prev = row.r;
    row.r = { ...row.r, ...data, deletedUtc: null };
    this.commit(row, 'update', origin, prev);
    return { ok: true, record: row.r, changed: true };
  }

  /** Bulk insert without request validation. */
  seed(companies: readonly SeedCompany[]): FakeCompany[] {
    return companies.map((s) => {
      const n = this.claimId(s.id);
      const existing = this.rowByN(n);
      const updated =
        s.updatedUtc !== undefined
          ? (canonicalUtc(s.updatedUtc) ?? badStamp(s.updatedUtc))
          : this.time.next();
      const created =
        s.createdUtc !== undefined ? (canonicalUtc(s.createdUtc) ?? badStamp(s.createdUtc)) : updated;
      const deleted = s.deletedUtc ? (canonicalUtc(s.deletedUtc) ?? badStamp(s.deletedUtc)) : null;
      const row: Row<FakeCompany> = {
        n,
        rv: 0,
        r: build(n, applyCompanyWrite(EMPTY_COMPANY, s), created, updated),
      };
      row.r.deletedUtc = deleted;
      this.commit(
        row,
        s.changeType ?? (deleted ? 'delete' : 'create'),
        s.changeOrigin ?? 'import',
        existing?.r,
        updated,
      );
      return row.r;
    });
  }

  protected override refsOf(c: FakeCompany): readonly FakeExternalRef[] {
    return c.externalRefs;
  }
}

function build(n: number, data: CompanyData, created: string, updated: string): FakeCompany {
  return {
    id: String(n),
    uri: null,
    externalRefs: data.externalRefs,
    name: data.name,
    domain: data.domain,
    homepageUrl: data.homepageUrl,
    linkedInUrl: data.linkedInUrl,
    countryCode: data.countryCode,
    strategy: data.strategy,
    tags: data.tags,
    contacts: [],
    createdUtc: created,
    updatedUtc: updated,
    deletedUtc: null,
    etag: '',
    changeType: null,
    changeOrigin: null,
  };
}
