/**
 * readChanges for HubSpot, for any object (contacts, companies). Search cannot page past 10,000
 * results and offsets shift when records change mid-read, so every page is a fresh query from
 * the last timestamp seen (the object's last-modified property — contacts `lastmodifieddate`,
 * companies `hs_lastmodifieddate` — oldest first), leaving out the ids already delivered at that
 * timestamp (hubspot-delta-filters.ts). When a whole page shares one timestamp, that timestamp's
 * records are paged by id. A query's `total` and paging say when nothing is left. Search
 * never returns archived records: after the live phase the archived list is walked and
 * filtered by `archivedAt`. Survivors of merges also report the ids they swallowed.
 */
import { PropsyncError } from '../../core/errors.js';
import type { CrmChangePage, CrmRecord, ReadChangesOptions } from '../port.js';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from './hubspot-checkpoint.js';
import {
  excluding,
  nextLivePage,
  roomLeft,
  TIE_EXCLUSION_ROOM,
  windowStart,
} from './hubspot-delta-filters.js';
import { type HubSpotObject, objectPath } from './hubspot-object.js';
import {
  mergedAway,
  type RecordContext,
  readProperties,
  type SdkObject,
  toCrmRecord,
} from './hubspot-records.js';
import { type SearchFilter, searchObjects } from './hubspot-search.js';
import type { HubSpotTransport } from './hubspot-transport.js';

export interface DeltaReaderOptions {
  readonly transport: HubSpotTransport;
  readonly object: HubSpotObject;
  /** Mapped properties plus the key property. */
  readonly names: readonly string[];
  readonly searchPageSize: number;
  /**
   * Walk the archived list at most this often (0: on every read). The list cannot be read
   * from a point in time, so each walk costs one call per 100 records archived in the last
   * 90 days; a longer interval trades that for deletions seen up to that much later.
   */
  readonly archivedScanIntervalMs?: number;
}

const LIST_PAGE = 100;

interface LiveState {
  t: number;
  x: boolean;
  /** Versions delivered at timestamp `seenAt` in this read: id → fingerprint of the values. */
  seenAt: number;
  seen: Map<string, string>;
  a: number;
  /** When the archived list was last walked to its end (engine clock), if ever. */
  s: number | undefined;
}

/** Same id and timestamp but other values: a second write within one millisecond. */
const fingerprint = (o: SdkObject): string => JSON.stringify(o.properties);

export class HubSpotDeltaReader {
  private readonly lastModified: string;
  private readonly context: RecordContext;
  /** What every checkpoint carries of the object: nothing for contacts (as before companies). */
  private readonly mark: { readonly o?: string };

  constructor(private readonly options: DeltaReaderOptions) {
    this.lastModified = options.object.lastModified;
    this.context = { names: options.names, lastModified: this.lastModified };
    const type = options.object.objectType;
    this.mark = type === 'contacts' ? {} : { o: type };
  }

  private decode(checkpoint: string): Checkpoint {
    const c = decodeCheckpoint(checkpoint);
    const type = this.options.object.objectType;
    if ((c.o ?? 'contacts') !== type)
      throw new PropsyncError(
        'STATE',
        `A HubSpot ${c.o ?? 'contacts'} checkpoint cannot resume a read of ${type}: ${checkpoint.slice(0, 120)}`,
      );
    return c;
  }

  private ms(o: SdkObject): number {
    return Date.parse(o.properties[this.lastModified] ?? '') || 0;
  }

  private delivered(s: LiveState, o: SdkObject): boolean {
    return this.ms(o) === s.seenAt && s.seen.get(o.id) === fingerprint(o);
  }

  async *readChanges(
    checkpoint: string | null,
    options: ReadChangesOptions = {},
  ): AsyncGenerator<CrmChangePage> {
    const overlap = Math.max(0, options.overlapMs ?? 0);
    const start = checkpoint === null ? undefined : this.decode(checkpoint);
    const resumeLive = start?.p === 'live';
    const from = options.from;
    const state: LiveState = {
      t: start && resumeLive ? windowStart(start.t, overlap, from) : (start?.t ?? 0),
      // Strictly after `t` only where nothing before it is re-read (the tie at `t` was complete).
      x: start?.x === true && (start.p === 'archived' || (resumeLive && overlap === 0 && from === undefined)),
      seenAt: -1,
      seen: new Map(),
      a: start?.a ?? 0,
      s: start?.s,
    };
    if (start?.p !== 'archived') {
      if (start?.p === 'tie') yield* this.tie(state, start.t, start.id, options.signal);
      yield* this.live(state, options.signal);
    }
    const now = options.now?.getTime() ?? Date.now();
    const interval = this.options.archivedScanIntervalMs ?? 0;
    const scanDue =
      options.deletions !== false &&
      (start === undefined ||
        start.p === 'archived' ||
        interval <= 0 ||
        state.s === undefined ||
        now - state.s >= interval);
    if (!scanDue) {
      // `a` stays where the last walk left it, so the next walk covers this read's archives.
      yield { records: [], checkpoint: this.liveCheckpoint(state) };
      return;
    }
    // A first read (no checkpoint) reports what exists; deletions count from then on.
    const archivedFrom = start === undefined ? undefined : windowStart(state.a, overlap, from);
    state.s = now;
    yield* this.archived(state, archivedFrom, start?.p === 'archived' ? start.c : undefined, options.signal);
  }

  private properties(): string[] {
    return readProperties(this.context);
  }

  private toRecords(objects: readonly SdkObject[]): CrmRecord[] {
    return objects.flatMap((o) => [toCrmRecord(this.context, o), ...mergedAway(this.context, o)]);
  }

  /**
   * @param final the run is complete: the next one reports archives from the newest
   *   modification seen on (archives after this read are stamped later than that).
   */
  private liveCheckpoint(
    s: LiveState,
    phase: 'live' | 'archived' = 'live',
    cursor?: string,
    final = false,
  ): string {
    const c: Checkpoint = {
      ...this.mark,
      v: 1,
      p: phase,
      t: s.t,
      a: final ? Math.max(s.a, s.t) : s.a,
      ...(s.s === undefined ? {} : { s: s.s }),
      ...(s.x ? { x: true as const } : {}),
      ...(cursor ? { c: cursor } : {}),
    };
    return encodeCheckpoint(c);
  }

  private async *live(s: LiveState, signal?: AbortSignal): AsyncGenerator<CrmChangePage> {
    const limit = this.options.searchPageSize;
    for (;;) {
      signal?.throwIfAborted();
      const delivered = s.seenAt === s.t ? [...s.seen.keys()] : [];
      const rest = {
        sort: { propertyName: this.lastModified, direction: 'ASCENDING' as const },
        properties: this.properties(),
        limit,
      };
      const page = await searchObjects(this.options.transport, this.options.object, {
        ...nextLivePage(this.lastModified, s.t, s.x, delivered, rest),
        ...rest,
      });
      const fresh = page.results.filter((o) => !this.delivered(s, o));
      const last = page.results.at(-1);
      if (last) {
        const lastMs = this.ms(last);
        if (lastMs !== s.seenAt) {
          s.seenAt = lastMs;
          s.seen = new Map();
        }
        for (const o of page.results) if (this.ms(o) === lastMs) s.seen.set(o.id, fingerprint(o));
        s.t = lastMs;
        s.x = false;
      }
      if (fresh.length > 0) yield { records: this.toRecords(fresh), checkpoint: this.liveCheckpoint(s) };
      if (!last || lastPage(page, limit)) return;
      const first = page.results[0];
      if (first && this.ms(first) === this.ms(last)) {
        const tied = yield* this.tie(s, this.ms(last), undefined, signal);
        // The query's total counted what the tie just delivered: when that was all, stop here
        // (anything written since is read from the checkpoint by the next run).
        if (page.total - page.results.length - tied <= 0) return;
      }
    }
  }

  /**
   * More than a page of records share timestamp `at`: page through them in id order, leaving out
   * the ids this read already delivered at `at`. Returns how many records it delivered.
   */
  private async *tie(
    s: LiveState,
    at: number,
    afterId: string | undefined,
    signal?: AbortSignal,
  ): AsyncGenerator<CrmChangePage, number> {
    const limit = this.options.searchPageSize;
    let cursor = afterId;
    if (s.seenAt !== at) {
      s.seenAt = at;
      s.seen = new Map();
    }
    const stamp: SearchFilter = { propertyName: this.lastModified, operator: 'EQ', value: String(at) };
    const after = (id: string): SearchFilter => ({ propertyName: 'hs_object_id', operator: 'GT', value: id });
    const rest = {
      sort: { propertyName: 'hs_object_id', direction: 'ASCENDING' as const },
      properties: this.properties(),
      limit,
    };
    // Sized with the longest cursor an id can be (HubSpot ids are 64-bit integers: ≤ 20 digits).
    const chars = roomLeft({ ...rest, filters: [stamp, after('9'.repeat(20))] });
    const notIn = excluding([...s.seen.keys()], TIE_EXCLUSION_ROOM, chars);
    let count = 0;
    for (;;) {
      signal?.throwIfAborted();
      const page = await searchObjects(this.options.transport, this.options.object, {
        filters: [stamp, ...(cursor === undefined ? [] : [after(cursor)]), ...notIn],
        ...rest,
      });
      const fresh = page.results.filter((o) => !this.delivered(s, o));
      for (const o of fresh) s.seen.set(o.id, fingerprint(o));
      count += fresh.length;
      cursor = page.results.at(-1)?.id ?? cursor;
      const done = lastPage(page, limit);
      if (done) {
        // Everything at `at` is delivered: continue strictly after it.
        s.t = at;
        s.x = true;
        s.seen = new Map();
      }
      const checkpoint = done
        ? this.liveCheckpoint(s)
        : encodeCheckpoint({
            ...this.mark,
            v: 1,
            p: 'tie',
            t: at,
            a: s.a,
            ...(s.s === undefined ? {} : { s: s.s }),
            ...(cursor === undefined ? {} : { id: cursor }),
          });
      if (fresh.length > 0 || done) yield { records: this.toRecords(fresh), checkpoint };
      if (done) return count;
    }
  }

  private async *archived(
    s: LiveState,
    from: number | undefined,
    startCursor: string | undefined,
    signal?: AbortSignal,
  ): AsyncGenerator<CrmChangePage> {
    const { transport, object } = this.options;
    let after = startCursor;
    for (;;) {
      signal?.throwIfAborted();
      let records: CrmRecord[] = [];
      let next: string | undefined;
      if (from !== undefined) {
        const cursor = after;
        const { data } = await transport.call({
          kind: 'list',
          method: 'GET',
          path: objectPath(object, '?archived=true'),
          idempotent: true,
          send: (o) =>
            object
              .apis(transport.client)
              .basicApi.getPageWithHttpInfo(
                LIST_PAGE,
                cursor,
                [...this.options.names],
                undefined,
                undefined,
                true,
                o,
              ),
        });
        records = data.results
          .filter((o) => (o.archivedAt?.getTime() ?? 0) >= from)
          .map((o) => toCrmRecord(this.context, o, true));
        next = data.paging?.next?.after;
      }
      if (!next) {
        yield { records, checkpoint: this.liveCheckpoint(s, 'live', undefined, true) };
        return;
      }
      after = next;
      if (records.length > 0) yield { records, checkpoint: this.liveCheckpoint(s, 'archived', next) };
    }
  }
}

/** No page follows: a short page, or one HubSpot gives no `paging.next` for. */
function lastPage(
  page: { results: readonly unknown[]; nextAfter: string | undefined },
  limit: number,
): boolean {
  return page.results.length < limit || page.nextAfter === undefined;
}
