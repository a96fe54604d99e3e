/**
 * The (updatedUtc, id) keyset behind the contact list, kept sorted so a page costs a binary
 * search plus the page itself, not a sort of the whole store (100k contacts).
 *
 * Writes append an entry and leave the old one behind as stale (recognised by its row
 * version). In the usual case a write has the newest stamp, so appending keeps the order;
 * otherwise the index is marked unsorted and sorted once, lazily, at the next read.
 */
export interface IndexEntry {
  /** Canonical seven-digit updatedUtc; sorts as a string. */
  readonly u: string;
  /** Numeric contact id. */
  readonly n: number;
  /** Row version of the write that produced this entry. */
  readonly v: number;
}

export interface KeysetPosition {
  readonly u: string;
  readonly n: number;
}

function compare(a: KeysetPosition, b: KeysetPosition): number {
  if (a.u !== b.u) return a.u < b.u ? -1 : 1;
  return a.n - b.n;
}

export class KeysetIndex {
  private entries: IndexEntry[] = [];
  private sorted = true;
  private stale = 0;

  constructor(private readonly isCurrent: (e: IndexEntry) => boolean) {}

  add(entry: IndexEntry, replacesAnother: boolean): void {
    if (replacesAnother) this.stale++;
    const last = this.entries[this.entries.length - 1];
    if (last && compare(entry, last) < 0) this.sorted = false;
    this.entries.push(entry);
  }

  clear(): void {
    this.entries = [];
    this.sorted = true;
    this.stale = 0;
  }

  /**
   * Up to `limit` current entries after `cursor` (exclusive) and on or after `since`
   * (inclusive), in keyset order, that `accept` lets through.
   */
  scan(
    options: { cursor?: KeysetPosition; since?: string },
    accept: (e: IndexEntry) => boolean,
    limit: number,
  ): IndexEntry[] {
    this.ensureOrdered();
    let start = 0;
    if (options.since !== undefined) start = this.firstAtOrAfter({ u: options.since, n: -Infinity });
    if (options.cursor)
      start = Math.max(start, this.firstAtOrAfter({ u: options.cursor.u, n: options.cursor.n + 0.5 }));
    const out: IndexEntry[] = [];
    for (let i = start; i < this.entries.length && out.length < limit; i++) {
      const e = this.entries[i] as IndexEntry;
      if (this.isCurrent(e) && accept(e)) out.push(e);
    }
    return out;
  }

  private firstAtOrAfter(key: KeysetPosition): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.entries[mid] as IndexEntry, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ensureOrdered(): void {
    const compact = this.stale > 1_000 && this.stale * 2 > this.entries.length;
    if (this.sorted && !compact) return;
    this.entries = this.entries.filter(this.isCurrent);
    if (!this.sorted) this.entries.sort(compare);
    this.sorted = true;
    this.stale = 0;
  }
}
