/**
 * Drains the ref outbox: the Propstreet externalRef write-backs of records created in a CRM,
 * queued in the state commit that recorded their links. Propstreet has no batch endpoint, so
 * they cost one call per record at 600/min against ~100 records per CRM call: they are off the
 * run's critical path. A run drains from its start (what earlier runs left), beside its chunks,
 * and after its CRM work until `refWriteBacks.drainFor`; the rest waits in the store for the
 * next runs. It walks the tenant's rows in record order across connections, so one write
 * carries every namespace pending for a record (ref-write.ts). A row goes only in the commit
 * after its write was verified: a crash before re-sends it on the version the write was based
 * on, which the 412 turns into "already there", never into a second write.
 */

import { clipText, MESSAGE_MAX } from '../core/clip-text.js';
import type { Clock } from '../core/clock.js';
import type { Redactor } from '../core/redact.js';
import type { PropstreetRecords } from '../engine/ports.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { RunAbort } from '../engine/run-abort.js';
import type { RecordFailure, SyncSettings } from '../engine/types.js';
import type { QueuedRef, Scope, StateChanges, StateStore } from '../state/port.js';
import { stopsTheRun } from './crm-batches.js';
import type { KindWrites } from './kind-writes.js';
import { type RefRow, writeRefs } from './ref-write.js';
import type { RunMeter } from './run-meter.js';

export interface RefDrainDeps<R extends PropstreetRecord, W> {
  readonly propstreet: PropstreetRecords<R, W>;
  readonly kind: { readonly writes: KindWrites<W>; readonly noun: { readonly one: string } };
  readonly store: StateStore;
  /** The run's scope: its tenant and kind say which outbox rows are drained (every connection's). */
  readonly scope: Scope;
  readonly settings: Pick<SyncSettings, 'propstreetConcurrency' | 'retryBaseMs' | 'maxAttempts'>;
  readonly clock: Clock;
  readonly abort: RunAbort;
  /** The run's: a failed write-back's message is kept in the store scrubbed. */
  readonly redactor: Redactor;
  readonly meter?: RunMeter | undefined;
}

const BATCH = 200;
const FLUSH_EVERY = 50;
/**
 * At Propstreet's pace (at most ~10 writes a second) 50 results take seconds and are committed
 * at 50. Results that come faster (a local Propstreet, the bench's in-memory one) gather for
 * FLUSH_GAP_MS, up to FLUSH_MOST a commit: a commit's cost is mostly per transaction, not per row.
 */
const FLUSH_GAP_MS = 250;
const FLUSH_MOST = 1_000;
/** A row failing this often waits longer between tries (doubling from retryBaseMs, at most a day). */
const MAX_WAIT_MS = 24 * 3_600_000;

type Mutable<T> = {
  -readonly [K in keyof T]-?: NonNullable<T[K]> extends readonly (infer E)[] ? E[] : never;
};
type Pending = Mutable<Pick<StateChanges, 'refsDone' | 'refsDeferred' | 'ownEtags'>>;

export class RefDrainer<R extends PropstreetRecord, W> {
  readonly failures: RecordFailure[] = [];
  /** Records in flight or written and not yet committed: a fetch meanwhile must not send them again. */
  private readonly busy = new Set<string>();
  /**
   * Rows (connection + record) this run tried and left (failed, or stale once more): not tried
   * again in this run; the record's other rows still are.
   */
  private readonly left = new Set<string>();
  /**
   * Rows waiting for this run's chunks to sync a person's edit: tried again once the CRM work
   * is done (the run may have synced that version meanwhile).
   */
  private waiting = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private pending = new Map<string, { scope: Scope; changes: Pending }>();
  /**
   * Records whose write's results are in `pending`: the flush that commits them frees them.
   * Not the ids of rows dropped as stale: a record's other row may still be in flight, and
   * freeing it would let the next fetch send that write again.
   */
  private freeOnFlush: string[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** When the last flush started (monotonic ms): a pacing hint, not a business time. */
  private flushedAt = performance.now();
  private cursor: string | undefined;
  private wakeUp: (() => void) | undefined;
  private finishing = false;
  private deadline = Number.POSITIVE_INFINITY;
  private loop: Promise<void> | undefined;
  /** Records a pass skipped because they were in flight or not yet committed. */
  private blocked = 0;
  /** A kick that came while the loop was busy: it looks again before it sleeps. */
  private kicked = false;
  /** Reads of the run that go first (hold): no write-back is sent while any runs. */
  private holds = 0;
  private released: (() => void) | undefined;

  private readonly startedAt: string;

  constructor(private readonly deps: RefDrainDeps<R, W>) {
    this.startedAt = deps.clock.now().toISOString();
  }

  /** Starts draining (what earlier runs left first); returns at once. */
  start(): void {
    this.loop ??= this.run();
  }

  /**
   * The run reads Propstreet pages: no write-back is sent until `release` (those in flight end).
   * Reads and write-backs share the token's budget, slot by slot in order: a drainer four writes
   * wide would leave the pages a fifth of it, and the planner waits on the pages.
   */
  hold(): void {
    this.holds++;
  }

  release(): void {
    this.holds = Math.max(0, this.holds - 1);
    if (this.holds > 0) return;
    const r = this.released;
    this.released = undefined;
    r?.();
  }

  /** New rows were committed: look again. */
  kick(): void {
    this.kicked = true;
    this.wake();
  }

  /** Drains what is due until none is left or `untilMs` (clock) passes, then commits and returns. */
  async finish(untilMs: number): Promise<void> {
    this.finishing = true;
    this.deadline = untilMs;
    this.waiting = new Set();
    this.start();
    this.wake();
    await this.loop;
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private stopping(): boolean {
    return this.deps.abort.stopped || this.deps.clock.now().getTime() >= this.deadline;
  }

  /** Never rejects: a store that fails stops the run, as a chunk's commit would. */
  private async run(): Promise<void> {
    let sentThisPass = 0;
    try {
      while (!this.stopping()) {
        const { groups, end } = await this.fetch();
        for (const g of groups) {
          while (this.holds > 0 && !this.deps.abort.stopped)
            await new Promise<void>((resolve) => {
              this.released = resolve;
            });
          if (this.stopping()) break;
          while (this.inFlight.size >= Math.max(1, this.deps.settings.propstreetConcurrency))
            await Promise.race(this.inFlight);
          this.send(g);
          sentThisPass++;
        }
        if (!end) continue;
        // What this pass wrote stays busy until committed: commit it before the walk starts
        // over, or the next pass reads those rows again only to skip them (a first sync's
        // drainer read each row about twice).
        if (this.pendingCount() > 0) await this.flush();
        this.cursor = undefined;
        const blocked = this.blocked;
        this.blocked = 0;
        if (sentThisPass === 0 && blocked === 0 && (this.finishing || !this.kicked)) {
          if (this.finishing) break;
          // Nothing due: wait for a chunk's commit (or the end of the CRM work).
          await new Promise<void>((resolve) => {
            this.wakeUp = resolve;
          });
        } else if (sentThisPass === 0) {
          // What was skipped is in flight or waits for its commit: let it end, then look again.
          if (this.inFlight.size > 0) await Promise.race(this.inFlight);
          await this.flush();
        }
        this.kicked = false;
        sentThisPass = 0;
      }
      await this.idle();
    } catch (error) {
      this.deps.abort.fail(error);
      await this.idle().catch(() => undefined);
    }
  }

  private async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    await this.flush();
  }

  /**
   * The next due records after the cursor, each row with its link as the outbox read returned
   * it (one query, not a link lookup per connection and batch); stale rows dropped.
   */
  private async fetch(): Promise<{ groups: RefRow[][]; end: boolean }> {
    const { store, scope, clock } = this.deps;
    const rows = await store.queuedRefs(
      { tenant: scope.tenant, kind: scope.kind },
      { dueBy: clock.now().toISOString(), limit: BATCH, ...(this.cursor ? { after: this.cursor } : {}) },
    );
    const end = rows.length < BATCH;
    const byRecord = new Map<string, QueuedRef[]>();
    for (const r of rows) {
      const same = byRecord.get(r.propstreetId);
      if (same) same.push(r);
      else byRecord.set(r.propstreetId, [r]);
    }
    // A full batch may have cut the last record's rows: it is read whole by the next fetch.
    if (!end && byRecord.size > 1) byRecord.delete(rows.at(-1)?.propstreetId ?? '');
    this.cursor = [...byRecord.keys()].at(-1) ?? this.cursor;
    const ids = [...byRecord.keys()].filter((id) => !this.busy.has(id));
    this.blocked += byRecord.size - ids.length;
    const groups: RefRow[][] = ids.map(() => []);
    // Connection by connection, in the order they first appear: a record's group lists its rows
    // in that order (the write's refs and the commits follow it).
    const connections = new Set<string>();
    for (const id of ids) for (const r of byRecord.get(id) ?? []) connections.add(r.connection);
    for (const connection of connections) {
      const s: Scope = { ...scope, connection };
      ids.forEach((id, i) => {
        const row = byRecord.get(id)?.find((r) => r.connection === connection);
        if (!row || this.left.has(rowKey(row)) || this.waiting.has(rowKey(row))) return;
        const link = row.link;
        // The link ended or moved to another CRM record: that write-back is not wanted any more.
        if (!link || link.crmId !== row.crmId) this.pendingOf(s).refsDone.push(doneOf(row));
        else groups[i]?.push({ row, scope: s, link });
      });
    }
    return { groups: groups.filter((g) => g.length > 0), end };
  }

  private send(group: RefRow[]): void {
    const id = group[0]?.row.propstreetId ?? '';
    this.busy.add(id);
    const { meter, scope } = this.deps;
    // This run's chunks counted what they queued; rows of earlier runs and other connections count here.
    if (meter)
      meter.refs.queued += group.filter(
        (r) => r.scope.connection !== scope.connection || r.row.enqueuedAt < this.startedAt,
      ).length;
    const p: Promise<void> = this.write(group).finally(() => {
      this.inFlight.delete(p);
      if (meter) {
        meter.refs.done += group.length;
        meter.report();
      }
    });
    this.inFlight.add(p);
  }

  private async write(group: RefRow[]): Promise<void> {
    const id = group[0]?.row.propstreetId ?? '';
    let results = true;
    try {
      const outcome = await writeRefs(group, this.deps);
      if (outcome === 'gone') {
        for (const r of group) this.pendingOf(r.scope).refsDone.push(doneOf(r.row));
      } else {
        for (const { ref, etag } of outcome.done) {
          const pending = this.pendingOf(ref.scope);
          pending.refsDone.push({
            propstreetId: ref.row.propstreetId,
            crmId: ref.row.crmId,
            etag,
            linkEtag: ref.link.propstreetEtag,
          });
          if (etag) pending.ownEtags.push({ propstreetId: id, etag });
        }
        for (const r of outcome.waiting) (this.finishing ? this.left : this.waiting).add(rowKey(r.row));
        if (outcome.done.length === 0) results = false;
      }
    } catch (error) {
      if (stopsTheRun(error)) this.deps.abort.fail(error);
      for (const r of group) this.left.add(rowKey(r.row));
      const message = `Propstreet externalRef write-back: ${error instanceof Error ? error.message : String(error)}`;
      for (const r of group) this.defer(r, message);
    }
    // Nothing to commit: fetchable again at once.
    if (results) this.freeOnFlush.push(id);
    else this.busy.delete(id);
    if (!this.flushDue()) return;
    try {
      await this.flush();
    } catch (error) {
      this.deps.abort.fail(error);
    }
  }

  /** Tried again on the next run (a write-back is no record's values); after maxAttempts, backing off. */
  private defer(r: RefRow, message: string): void {
    const { settings, clock, redactor } = this.deps;
    const attempts = r.row.attempts + 1;
    const over = attempts - settings.maxAttempts;
    const wait = over < 0 ? 0 : Math.min(MAX_WAIT_MS, settings.retryBaseMs * 2 ** over);
    const lastError = clipText(redactor.redact(message), MESSAGE_MAX);
    this.pendingOf(r.scope).refsDeferred.push({
      propstreetId: r.row.propstreetId,
      attempts,
      nextTryAt: new Date(clock.now().getTime() + wait).toISOString(),
      lastError,
    });
    this.failures.push({
      side: 'propstreet',
      recordId: r.row.propstreetId,
      label: `${this.deps.kind.noun.one} ${r.row.propstreetId} (${r.scope.connection})`,
      error: lastError,
      quarantined: false,
    });
  }

  /** The scope's changes of the next flush: results are pushed straight into them. */
  private pendingOf(scope: Scope): Pending {
    const key = scope.connection;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { scope, changes: { refsDone: [], refsDeferred: [], ownEtags: [] } };
      this.pending.set(key, entry);
    }
    return entry.changes;
  }

  private pendingCount(): number {
    let n = 0;
    for (const { changes } of this.pending.values())
      n += changes.refsDone.length + changes.refsDeferred.length;
    return n;
  }

  private flushDue(): boolean {
    const n = this.pendingCount();
    if (n >= FLUSH_MOST) return true;
    return n >= FLUSH_EVERY && performance.now() - this.flushedAt >= FLUSH_GAP_MS;
  }

  private flush(): Promise<void> {
    this.flushedAt = performance.now();
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const ids = this.freeOnFlush;
    this.freeOnFlush = [];
    if (batch.length === 0) return this.flushing;
    // Commits stay in order; a record is fetchable again only once its results are stored.
    this.flushing = this.flushing
      .then(async () => {
        for (const { scope, changes } of batch) await this.deps.store.commit(scope, changes);
      })
      .finally(() => {
        for (const id of ids) this.busy.delete(id);
      });
    return this.flushing;
  }
}

function doneOf(row: QueuedRef): { propstreetId: string; crmId: string } {
  return { propstreetId: row.propstreetId, crmId: row.crmId };
}

function rowKey(row: QueuedRef): string {
  return `${row.connection}\u0000${row.propstreetId}`;
}
