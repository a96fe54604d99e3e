/**
 * The fake's contact store: contacts by numeric id, a live-email index (emails are unique per
 * organisation among live contacts), an external-ref index over live and deleted contacts (so
 * an upsert can revive), and the keyset index the list endpoint pages over.
 *
 * It enforces data rules (uniqueness, If-Match, soft delete) and bumps the version stamp on
 * every real change; HTTP concerns live in the handlers.
 */
import { applyWrite, type ContactData, dataOf, EMPTY_DATA, sameData } from './contact-apply.js';
import type { FakeContact, SeedContact, ValidWrite } from './contact-types.js';
import { refKey } from './contact-validation.js';
import { canonicalUtc, FakeTime } from './fake-time.js';
import { type IndexEntry, KeysetIndex, type KeysetPosition } from './keyset-index.js';

interface Row {
  readonly n: number;
  c: FakeContact;
  rv: number;
}

export type StoreOutcome =
  | { ok: true; contact: FakeContact; changed: boolean }
  /** `type` names the /help page of the problem when it is not the status's own. */
  | { ok: false; status: 404 | 409 | 412; detail: string; type?: string };

/**
 * How a stale If-Match is answered. The PATCH reference and the changelog say 412; the errors
 * guide's table says "409 Conflict: ETag mismatch—refetch and retry", with the body the
 * idempotency guide shows. 412 by default (the reference wins); 409 is a knob.
 */
export type StaleEtagStatus = 409 | 412;

export interface ListQuery {
  readonly since?: string;
  readonly cursor?: KeysetPosition;
  readonly includeDeleted: boolean;
  readonly limit: number;
}

/** A weak ETag from a row version, like SQL Server rowversion (`W/"AAAAAAAAK0Q="`). */
function etagOf(rv: number): string {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(rv));
  return `W/"${buf.toString('base64')}"`;
}

const opaque = (etag: string) => etag.trim().replace(/^W\//, '');

function etagMatches(ifMatch: string, etag: string): boolean {
  return ifMatch
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || opaque(t) === opaque(etag));
}

export class ContactStore {
  readonly time = new FakeTime();
  private rows = new Map<number, Row>();
  private emails = new Map<string, number>();
  private refs = new Map<string, number[]>();
  private nextId = 1001;
  private rowVersion = 11_000;
  private readonly index = new KeysetIndex((e: IndexEntry) => this.rows.get(e.n)?.rv === e.v);
  staleEtagStatus: StaleEtagStatus = 412;

  reset(): void {
    this.rows.clear();
    this.emails.clear();
    this.refs.clear();
    this.index.clear();
    this.time.reset();
    this.nextId = 1001;
    this.rowVersion = 11_000;
    this.staleEtagStatus = 412;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Live or deleted; the HTTP layer decides what a deleted contact looks like. */
  get(id: string): FakeContact | undefined {
    return this.row(id)?.c;
  }

  all(): FakeContact[] {
    return [...this.rows.values()].map((r) => r.c);
  }

  /** The live contact holding the ref, else the most recently deleted one. */
  byRef(namespace: string, id: string): FakeContact | undefined {
    const ns = this.refs.get(refKey(namespace, id)) ?? [];
    const rows = ns.map((n) => this.rows.get(n)).filter((r): r is Row => r !== undefined);
    return (rows.find((r) => r.c.deletedUtc === null) ?? rows.sort((a, b) => b.rv - a.rv)[0])?.c;
  }

  liveByEmail(email: string): FakeContact | undefined {
    const n = this.emails.get(email.toLowerCase());
    return n === undefined ? undefined : this.rows.get(n)?.c;
  }

  list(q: ListQuery): FakeContact[] {
    const accept = (e: IndexEntry) => q.includeDeleted || this.rows.get(e.n)?.c.deletedUtc === null;
    const scan = {
      ...(q.since !== undefined ? { since: q.since } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    };
    return this.index.scan(scan, accept, q.limit).map((e) => (this.rows.get(e.n) as Row).c);
  }

  create(write: ValidWrite, origin: string): StoreOutcome {
    const data = applyWrite(EMPTY_DATA, write);
    const clash = this.clash(data, undefined);
    if (clash) return clash;
    const n = this.nextId++;
    const now = this.time.next();
    const row: Row = { n, rv: 0, c: this.build(n, data, now, now) };
    this.commit(row, 'create', origin, undefined);
    return { ok: true, contact: row.c, changed: true };
  }

  update(
    id: string,
    write: ValidWrite,
    origin: string,
    opts: { ifMatch?: string; revive?: boolean } = {},
  ): StoreOutcome {
    const row = this.row(id);
    if (!row || (row.c.deletedUtc !== null && !opts.revive))
      return { ok: false, status: 404, detail: `Contact ${id} not found.` };
    if (opts.ifMatch !== undefined && !etagMatches(opts.ifMatch, row.c.etag)) return this.stale();
    const data = applyWrite(dataOf(row.c), write);
    const reviving = row.c.deletedUtc !== null;
    if (!reviving && sameData(data, row.c)) return { ok: true, contact: row.c, changed: false };
    const clash = this.clash(data, row.n);
    if (clash) return clash;
    const prev = row.c;
    this.unindexEmail(row);
    row.c = { ...row.c, ...data, deletedUtc: null };
    this.commit(row, 'update', origin, prev);
    return { ok: true, contact: row.c, changed: true };
  }

  softDelete(id: string, origin: string, ifMatch?: string): StoreOutcome {
    const row = this.row(id);
    if (!row) return { ok: false, status: 404, detail: `Contact ${id} not found.` };
    // Deleting twice is a no-op, so a retried DELETE whose first answer was lost succeeds.
    if (row.c.deletedUtc !== null) return { ok: true, contact: row.c, changed: false };
    if (ifMatch !== undefined && !etagMatches(ifMatch, row.c.etag)) return this.stale();
    const prev = row.c;
    this.unindexEmail(row);
    const now = this.time.next();
    row.c = { ...row.c, deletedUtc: now };
    this.commit(row, 'delete', origin, prev, now);
    return { ok: true, contact: row.c, changed: true };
  }

  /** Bulk insert without request validation; 100k contacts take well under a second. */
  seed(contacts: readonly SeedContact[]): FakeContact[] {
    const out: FakeContact[] = [];
    for (const s of contacts) {
      const n = s.id !== undefined ? Number(s.id) : this.nextId++;
      if (!Number.isSafeInteger(n) || n <= 0)
        throw new Error(`seed id must be a positive integer string: ${s.id}`);
      this.nextId = Math.max(this.nextId, n + 1);
      const existing = this.rows.get(n);
      if (existing) this.unindexEmail(existing);
      const data = applyWrite(EMPTY_DATA, s);
      const updated =
        s.updatedUtc !== undefined ? (canonicalUtc(s.updatedUtc) ?? bad(s.updatedUtc)) : this.time.next();
      const created =
        s.createdUtc !== undefined ? (canonicalUtc(s.createdUtc) ?? bad(s.createdUtc)) : updated;
      const deleted = s.deletedUtc ? (canonicalUtc(s.deletedUtc) ?? bad(s.deletedUtc)) : null;
      const c = this.build(n, data, created, updated);
      c.deletedUtc = deleted;
      c.companies = s.companies ?? [];
      c.primaryCompanyId = s.primaryCompanyId ?? null;
      c.profilePictureUrl = s.profilePictureUrl ?? null;
      const row: Row = { n, rv: 0, c };
      this.commit(
        row,
        s.changeType ?? (deleted ? 'delete' : 'create'),
        s.changeOrigin ?? 'import',
        existing?.c,
        updated,
      );
      // As committed: with its etag, change type and origin.
      out.push(row.c);
    }
    return out;
  }

  private stale(): StoreOutcome {
    return this.staleEtagStatus === 412
      ? { ok: false, status: 412, detail: 'The contact was modified since the ETag in If-Match was issued.' }
      : {
          ok: false,
          status: 409,
          detail: 'The entity has been modified. Please refetch and retry.',
          type: 'concurrency-conflict',
        };
  }

  private row(id: string): Row | undefined {
    return /^\d+$/.test(id) ? this.rows.get(Number(id)) : undefined;
  }

  private build(n: number, data: ContactData, created: string, updated: string): FakeContact {
    // Key order as in the reference sample.
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
  private clash(data: ContactData, self: number | undefined): StoreOutcome | undefined {
    if (data.email) {
      const owner = this.emails.get(data.email.toLowerCase());
      if (owner !== undefined && owner !== self)
        return { ok: false, status: 409, detail: `A contact with email ${data.email} already exists.` };
    }
    for (const r of data.externalRefs) {
      const holders = this.refs.get(refKey(r.namespace, r.id)) ?? [];
      if (holders.some((n) => n !== self && this.rows.get(n)?.c.deletedUtc === null))
        return {
          ok: false,
          status: 409,
          detail: `External ref ${r.namespace}/${r.id} is already used by another contact.`,
        };
    }
    return undefined;
  }

  /** `prev` is the version this write replaces, whose refs and index entry become stale. */
  private commit(
    row: Row,
    type: 'create' | 'update' | 'delete',
    origin: string,
    prev: FakeContact | undefined,
    stamp?: string,
  ): void {
    const rv = ++this.rowVersion;
    const updatedUtc = stamp ?? (type === 'create' ? row.c.updatedUtc : this.time.next());
    if (prev) for (const r of prev.externalRefs) this.dropRef(refKey(r.namespace, r.id), row.n);
    row.rv = rv;
    row.c = { ...row.c, updatedUtc, etag: etagOf(rv), changeType: type, changeOrigin: origin };
    this.rows.set(row.n, row);
    if (row.c.email && row.c.deletedUtc === null) this.emails.set(row.c.email.toLowerCase(), row.n);
    for (const r of row.c.externalRefs) {
      const key = refKey(r.namespace, r.id);
      const list = this.refs.get(key) ?? [];
      if (!list.includes(row.n)) list.push(row.n);
      this.refs.set(key, list);
    }
    this.index.add({ u: updatedUtc, n: row.n, v: rv }, prev !== undefined);
  }

  private dropRef(key: string, n: number): void {
    const list = this.refs.get(key)?.filter((x) => x !== n);
    if (!list || list.length === 0) this.refs.delete(key);
    else this.refs.set(key, list);
  }

  private unindexEmail(row: Row): void {
    const email = row.c.email?.toLowerCase();
    if (email && this.emails.get(email) === row.n) this.emails.delete(email);
  }
}

function bad(value: string): never {
  throw new Error(`seed timestamp is not ISO-8601: ${value}`);
}
