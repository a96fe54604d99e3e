/**
 * Reads Propstreet's delta beside the planning: each page goes into staging's inbox as soon as
 * it comes, and the planner takes the pages in the order read (`next`), so the CRM writes of the
 * first pages overlap the reads of the last (stream-plan.ts). The reader never waits for the
 * planner: the inbox spills to disk past a few pages (page-inbox.ts), so memory stays flat
 * however far ahead it gets. A record that fails its schema is reported and quarantined, not
 * read.
 */
import type { PropstreetRecord } from '../engine/records.js';
import type { Failure } from '../state/port.js';
import { type CollectRun, tick } from './collect.js';
import { compareStamps, propstreetSince, type WindowPlan } from './quiet-window.js';

export interface PagesRead {
  /** The newest `updatedUtc` read (no later than the read's start), before the planner's cap. */
  readonly checkpoint: string | undefined;
  /** Records whose payload fails the schema: quarantined at once. */
  readonly quarantine: Failure[];
}

export class PropstreetPages<R extends PropstreetRecord> {
  private ended = false;
  private failure: { error: unknown } | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private maxUpdated: string | undefined;
  private readonly quarantine: Failure[] = [];

  constructor(
    private readonly run: CollectRun<R>,
    private readonly plan: WindowPlan,
    private readonly now: Date,
  ) {}

  /** Reads every page into the inbox; resolves when the walk ends (or `stop` ended it early). */
  async read(): Promise<PagesRead> {
    const { run } = this;
    try {
      const since = await run.store.getCheckpoint(run.scope, 'propstreet');
      const updatedSince = since ? propstreetSince(since, this.plan) : undefined;
      for await (const page of run.propstreet.list({ updatedSince, includeDeleted: true })) {
        if (this.stopped) break;
        run.staging.queuePage(page.records);
        for (const c of page.records)
          if (!this.maxUpdated || c.updatedUtc > this.maxUpdated) this.maxUpdated = c.updatedUtc;
        for (const bad of page.invalid) this.invalid(bad);
        tick(run, page.records.length);
        this.notify();
      }
    } catch (error) {
      this.failure = { error };
      throw error;
    } finally {
      this.ended = true;
      this.notify();
    }
    // A timestamp from a skewed clock must not carry the checkpoint past "now".
    const checkpoint =
      this.maxUpdated && Date.parse(this.maxUpdated) > this.now.getTime()
        ? this.now.toISOString()
        : this.maxUpdated;
    return { checkpoint, quarantine: this.quarantine };
  }

  /** The next page in the order read; undefined once the walk ended; the walk's error if it failed. */
  async next(): Promise<R[] | undefined> {
    for (;;) {
      const page = this.run.staging.takePage();
      if (page) return page;
      if (this.failure) throw this.failure.error;
      if (this.ended || this.stopped) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** The planner is done with the pages (the run stopped): the walk ends after the page in flight. */
  stop(): void {
    this.stopped = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private invalid(bad: { id: string | undefined; jsonPath: string; message: string }): void {
    const { run, now } = this;
    run.tally.invalid.push({ side: 'propstreet', id: bad.id, message: `${bad.jsonPath}: ${bad.message}` });
    if (bad.id)
      this.quarantine.push({
        side: 'propstreet',
        recordId: bad.id,
        attempts: run.settings.maxAttempts,
        lastError: `invalid payload at ${bad.jsonPath}: ${bad.message}`,
        nextRetryAt: now.toISOString(),
        quarantined: true,
        firstFailedAt: now.toISOString(),
      });
  }
}

/**
 * The Propstreet checkpoint: the newest stamp read, but never past a record that changed again
 * after this run planned it (seen on a later page, or re-read by id): the next run reads that
 * version (`updated_since` is inclusive).
 */
export function cappedCheckpoint(
  read: string | undefined,
  resighted: readonly PropstreetRecord[],
): string | undefined {
  let out = read;
  for (const c of resighted)
    if (out === undefined || compareStamps(c.updatedUtc, out) < 0) out = c.updatedUtc;
  return out;
}
