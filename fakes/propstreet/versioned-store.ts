/**
 * What every Propstreet resource's store shares (contacts, companies, links): rows by numeric
 * id, a row version per write (weak ETags, like SQL Server rowversion, one sequence for the
 * whole database), soft deletes, If-Match, an external-ref index over live and deleted rows
 * (so an upsert can revive), and the keyset index the list endpoints page over.
 *
 * A subclass adds its data rules (uniqueness, how a write applies); HTTP lives in the handlers.
 */
import type { FakeExternalRef } from './contact-types.js';
import { FakeTime } from './fake-time.js';
import { refKey } from './field-checks.js';
import { type IndexEntry, KeysetIndex, type KeysetPosition } from './keyset-index.js';

export type ChangeType = 'create' | 'update' | 'delete';

/** The audit and sync members every versioned V1 resource carries. */
export interface FakeVersioned {
  id: string;
  createdUtc: string;
  updatedUtc: string;
  deletedUtc: string | null;
  etag: string;
  changeType: ChangeType | null;
  changeOrigin: string | null;
}

/**
 * How a stale If-Match is answered. The PATCH reference and the changelog say 412; the errors
 * guide's table says "409 Conflict: ETag mismatch—refetch and retry", with the body the
 * idempotency guide shows. 412 by default (the reference wins); 409 is a knob.
 */
export type StaleEtagStatus = 409 | 412;

export type Failure = {
  ok: false;
  status: 400 | 404 | 409 | 412 | 428;
  detail: string;
  /** The /help page of the problem when it is not the status's own. */
  type?: string;
};

export type Outcome<T> = { ok: true; record: T; changed: boolean } | Failure;

/** A committed version, as the webhooks see it (`noun`: "Contact", "Company", "Link"). */
export interface Commit {
  readonly noun: string;
  readonly type: ChangeType;
  readonly record: FakeVersioned;
}

/** The database the stores share: one clock, one row-version sequence, one stale-ETag answer. */
export class FakeDb {
  readonly time = new FakeTime();
  private rowVersion = 11_000;
  staleEtagStatus: StaleEtagStatus = 412;
  /** Told of every committed version while a webhook subscription exists (webhooks.ts); unset otherwise. */
  onCommit: ((commit: Commit) => void) | undefined = undefined;

  nextVersion(): number {
    return ++this.rowVersion;
  }

  reset(): void {
    this.time.reset();
    this.rowVersion = 11_000;
    this.staleEtagStatus = 412;
  }
}

export interface ListQuery {
  readonly since?: string;
  readonly cursor?: KeysetPosition;
  readonly includeDeleted: boolean;
  readonly limit: number;
}

export interface Row<T> {
  readonly n: number;
  r: T;
  rv: number;
}

/** A weak ETag from a row version, like SQL Server rowversion (`W/"AAAAAAAAK0Q="`). */
function etagOf(rv: number): string {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(rv));
  return `W/"${buf.toString('base64')}"`;
}

const opaque = (etag: string) => etag.trim().replace(/^W\//, '');

export function etagMatches(ifMatch: string, etag: string): boolean {
  return ifMatch
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || opaque(t) === opaque(etag));
}

export abstract class VersionedStore<T extends FakeVersioned> {
  protected rows = new Map<number, Row<T>>();
  private refs = new Map<string, number[]>();
  protected nextId: number;
  private readonly index = new KeysetIndex((e: IndexEntry) => this.rows.get(e.n)?.rv === e.v);

  constructor(
    readonly db: FakeDb,
    private readonly firstId: number,
    /** "Contact", "Company", "Link": for problem details. */
    protected readonly noun: string,
  ) {
    this.nextId = firstId;
  }

  get time(): FakeTime {
    return this.db.time;
  }

  /** Rows only; the shared clock and sequence are the database's to reset. */
  reset(): void {
    this.rows.clear();
    this.refs.clear();
    this.index.clear();
    this.nextId = this.firstId;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Live or deleted; the HTTP layer decides what a deleted record looks like. */
  get(id: string): T | undefined {
    return this.row(id)?.r;
  }

  all(): T[] {
    return [...this.rows.values()].map((r) => r.r);
  }

  /** The live record holding the ref, else the most recently deleted one. */
  byRef(namespace: string, id: string): T | undefined {
    const ns = this.refs.get(refKey(namespace, id)) ?? [];
    const rows = ns.map((n) => this.rows.get(n)).filter((r): r is Row<T> => r !== undefined);
    return (rows.find((r) => r.r.deletedUtc === null) ?? rows.sort((a, b) => b.rv - a.rv)[0])?.r;
  }

  /** `filter` narrows further (the link list's `contact_id`/`company_id`). */
  list(q: ListQuery, filter?: (r: T) => boolean): T[] {
    const accept = (e: IndexEntry) => {
      const r = this.rows.get(e.n)?.r;
      return r !== undefined && (q.includeDeleted || r.deletedUtc === null) && (!filter || filter(r));
    };
    const scan = {
      ...(q.since !== undefined ? { since: q.since } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    };
    return this.index.scan(scan, accept, q.limit).map((e) => (this.rows.get(e.n) as Row<T>).r);
  }

  softDelete(id: string, origin: string, ifMatch?: string): Outcome<T> {
    const row = this.row(id);
    if (!row) return this.notFound(id);
    // Deleting twice is a no-op, so a retried DELETE whose first answer was lost succeeds.
    if (row.r.deletedUtc !== null) return { ok: true, record: row.r, changed: false };
    if (ifMatch !== undefined && !etagMatches(ifMatch, row.r.etag)) return this.stale();
    const prev = row.r;
    this.leaving(row);
    const now = this.time.next();
    row.r = { ...row.r, deletedUtc: now };
    this.commit(row, 'delete', origin, prev, now);
    return { ok: true, record: row.r, changed: true };
  }

  /**
   * A new version with the same data: what a change the record shows but does not own (a
   * related record's) does to it, when the fake is told it does (network.ts).
   */
  touch(id: string, origin: string): void {
    const row = this.row(id);
    if (!row || row.r.deletedUtc !== null) return;
    this.commit(row, 'update', origin, row.r);
  }

  notFound(id: string): Failure {
    return { ok: false, status: 404, detail: `${this.noun} ${id} not found.` };
  }

  protected stale(): Failure {
    return this.db.staleEtagStatus === 412
      ? {
          ok: false,
          status: 412,
          detail: `The ${this.noun.toLowerCase()} was modified since the ETag in If-Match was issued.`,
        }
      : {
          ok: false,
          status: 409,
          detail: 'The entity has been modified. Please refetch and retry.',
          type: 'concurrency-conflict',
        };
  }

  protected row(id: string): Row<T> | undefined {
    return /^\d+$/.test(id) ? this.rows.get(Number(id)) : undefined;
  }

  /** The next id, or `id` when a seed names one (later ids then follow it). */
  protected claimId(id?: string): number {
    const n = id !== undefined ? Number(id) : this.nextId++;
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new Error(`seed id must be a positive integer string: ${id}`);
    this.nextId = Math.max(this.nextId, n + 1);
    return n;
  }

  protected rowByN(n: number): Row<T> | undefined {
    return this.rows.get(n);
  }

  /** The external refs a record holds (none for links). */
  protected refsOf(_r: T): readonly FakeExternalRef[] {
    return [];
  }

  /** A row is about to lose its live version (update or delete): drop live-only indexes. */
  protected leaving(_row: Row<T>): void {}

  /** A version was committed: index what only live records hold. */
  protected committed(_row: Row<T>): void {}

  /** 409 when another live record holds one of these refs. */
  protected refClash(refs: readonly FakeExternalRef[], self: number | undefined): Failure | undefined {
    for (const r of refs) {
      const holders = this.refs.get(refKey(r.namespace, r.id)) ?? [];
      if (holders.some((n) => n !== self && this.rows.get(n)?.r.deletedUtc === null))
        return {
          ok: false,
          status: 409,
          detail: `External ref ${r.namespace}/${r.id} is already used by another ${this.noun.toLowerCase()}.`,
        };
    }
    return undefined;
  }

  /** `prev` is the version this write replaces, whose refs and index entry become stale. */
  protected commit(row: Row<T>, type: ChangeType, origin: string, prev: T | undefined, stamp?: string): void {
    const rv = this.db.nextVersion();
    const updatedUtc = stamp ?? (type === 'create' ? row.r.updatedUtc : this.time.next());
    if (prev) for (const r of this.refsOf(prev)) this.dropRef(refKey(r.namespace, r.id), row.n);
    row.rv = rv;
    row.r = { ...row.r, updatedUtc, etag: etagOf(rv), changeType: type, changeOrigin: origin };
    this.rows.set(row.n, row);
    this.committed(row);
    for (const r of this.refsOf(row.r)) {
      const key = refKey(r.namespace, r.id);
      const list = this.refs.get(key) ?? [];
      if (!list.includes(row.n)) list.push(row.n);
      this.refs.set(key, list);
    }
    this.index.add({ u: updatedUtc, n: row.n, v: rv }, prev !== undefined);
    this.db.onCommit?.({ noun: this.noun, type, record: row.r });
  }

  private dropRef(key: string, n: number): void {
    const list = this.refs.get(key)?.filter((x) => x !== n);
    if (!list || list.length === 0) this.refs.delete(key);
    else this.refs.set(key, list);
  }
}

export function badStamp(value: string): never {
  throw new Error(`seed timestamp is not ISO-8601: ${value}`);
}
