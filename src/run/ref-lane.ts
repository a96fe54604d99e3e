/**
 * The ref lane: Propstreet externalRef write-backs for records just created in the CRM.
 * Propstreet has no batch endpoint, so these cost one call per record at 600/min, against
 * ~100 records per CRM call. They run here, concurrently with the next chunks, so CRM
 * progress never waits on them; the run drains the lane before it checkpoints. The link is
 * already stored (the CRM holds the key too), so a crash here loses nothing: the next run
 * sees the missing ref and writes it.
 */
import pLimit from 'p-limit';
import type { Clock } from '../core/clock.js';
import { WriteNotAppliedError } from '../core/errors.js';
import type { PropstreetRecords } from '../engine/ports.js';
import { hasRef, type PropstreetRecord, refsWith } from '../engine/records.js';
import type { RunAbort } from '../engine/run-abort.js';
import type { RecordFailure, SyncSettings } from '../engine/types.js';
import type { Failure, Link, Scope, StateChanges, StateStore } from '../state/port.js';
import { stopsTheRun } from './crm-batches.js';
import type { KindWrites } from './kind-writes.js';
import { isStale } from './propstreet-writes.js';
import type { RunMeter } from './run-meter.js';

export interface RefTask<R extends PropstreetRecord = PropstreetRecord> {
  /** The link as committed; its Propstreet etag is updated after the write. */
  readonly link: Link;
  readonly record: R;
  readonly label: string;
}

export interface RefLaneDeps<R extends PropstreetRecord, W> {
  readonly propstreet: PropstreetRecords<R, W>;
  readonly kind: { readonly writes: KindWrites<W>; readonly noun: { readonly one: string } };
  readonly store: StateStore;
  readonly scope: Scope;
  readonly settings: SyncSettings;
  readonly clock: Clock;
  readonly fail: (side: 'propstreet', recordId: string, error: string, now: Date) => Failure;
  /** Where an error that must stop the run goes. */
  readonly abort: RunAbort;
  /** Counts write-backs queued and ended (written or failed) for the run's progress. */
  readonly meter?: RunMeter;
}

const FLUSH_EVERY = 50;

export class RefLane<R extends PropstreetRecord, W> {
  private readonly limit: ReturnType<typeof pLimit>;
  /** Write-backs queued or in flight; each removes itself when done, so memory stays flat. */
  private readonly running = new Set<Promise<void>>();
  private waiters: (() => void)[] = [];
  private pending: {
    links: Link[];
    ownEtags: { propstreetId: string; etag: string }[];
    failures: Failure[];
  } = {
    links: [],
    ownEtags: [],
    failures: [],
  };
  private flushing: Promise<void> = Promise.resolve();
  readonly failures: RecordFailure[] = [];
  /** A write-back of this lane was refused in a way that stops the run: the rest are not tried. */
  private stopped = false;

  constructor(private readonly deps: RefLaneDeps<R, W>) {
    this.limit = pLimit(Math.max(1, deps.settings.propstreetConcurrency));
  }

  add(tasks: readonly RefTask<R>[]): void {
    for (const task of tasks) {
      const p: Promise<void> = this.limit(() => this.run(task)).finally(() => {
        this.running.delete(p);
        this.wake();
        if (this.deps.meter) {
          this.deps.meter.refs.done++;
          this.deps.meter.report();
        }
      });
      this.running.add(p);
      if (this.deps.meter) this.deps.meter.refs.queued++;
    }
  }

  /**
   * Waits until at most `max` write-backs are waiting. The run calls it before each chunk:
   * the CRM may run ahead of Propstreet's rate by this much, not by the whole data set.
   */
  async backpressure(max: number): Promise<void> {
    while (this.running.size > max) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Waits for every write-back and commits the last results. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
    await this.flush();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async run(task: RefTask<R>): Promise<void> {
    const now = () => this.deps.clock.now();
    if (this.stopped) {
      this.record(task, 'run stopped before the Propstreet externalRef write-back', now());
      return;
    }
    try {
      const written = await this.write(task.record, task.link.crmId);
      if (!written) return;
      this.pending.links.push({
        ...task.link,
        propstreetEtag: written.etag ?? task.link.propstreetEtag,
        updatedAt: now().toISOString(),
      });
      if (written.etag) this.pending.ownEtags.push({ propstreetId: written.id, etag: written.etag });
    } catch (error) {
      if (stopsTheRun(error)) {
        this.stopped = true;
        this.deps.abort.fail(error);
      }
      this.record(
        task,
        `Propstreet externalRef write-back: ${error instanceof Error ? error.message : String(error)}`,
        now(),
      );
    }
    if (this.pending.links.length + this.pending.failures.length >= FLUSH_EVERY) await this.flush();
  }

  private record(task: RefTask<R>, error: string, now: Date): void {
    const failure = this.deps.fail('propstreet', task.link.propstreetId, error, now);
    this.pending.failures.push(failure);
    this.failures.push({
      side: 'propstreet',
      recordId: task.link.propstreetId,
      label: task.label,
      error,
      quarantined: failure.quarantined,
    });
  }

  /**
   * Writes the ref onto the version the CRM record was created from; undefined when a person
   * edited the record since (a stale etag). That edit is not written on top of here: the lane
   * cannot merge it into the CRM, and the version our write returned would carry it as our own
   * (etag, changeOrigin), so the edit would be taken for our echo and never reach the CRM. Left
   * alone, the person's version comes back in the next delta as theirs: that run merges the edit
   * into the CRM and writes the missing ref with it (the link is already stored, the CRM holds
   * the key).
   */
  private async write(record: R, crmId: string): Promise<R | undefined> {
    const { writes, noun } = this.deps.kind;
    const { namespace } = this.deps.settings;
    let written: R;
    try {
      written = await this.deps.propstreet.patch(
        record.id,
        writes.withRefs(writes.empty(), refsWith(record.externalRefs, namespace, crmId)),
        { ifMatch: record.etag ?? undefined },
      );
    } catch (error) {
      if (isStale(error)) return undefined;
      throw error;
    }
    // A 200 without the ref would leave the link unmirrored while the state says it is.
    if (!hasRef(written, namespace, crmId))
      throw new WriteNotAppliedError(
        `Propstreet answered the write to ${noun.one} ${written.id} but does not hold externalRefs (${namespace}/${crmId})`,
      );
    return written;
  }

  private flush(): Promise<void> {
    const batch = this.pending;
    this.pending = { links: [], ownEtags: [], failures: [] };
    if (batch.links.length + batch.failures.length === 0) return this.flushing;
    const changes: StateChanges = {
      upsertLinks: batch.links,
      ownEtags: batch.ownEtags,
      upsertFailures: batch.failures,
    };
    // Commits stay in order: a later flush never overtakes an earlier one.
    this.flushing = this.flushing.then(() => this.deps.store.commit(this.deps.scope, changes));
    return this.flushing;
  }
}
