/**
 * Reads Propstreet's delta beside the planning: each page waits in memory as it comes, and the
 * planner takes the pages in the order read (`next`), so the CRM writes of the first pages
 * overlap the reads of the last (stream-plan.ts). The reader stays at most READ_AHEAD records
 * ahead of the planner, then waits for it to take a page: memory stays flat in N, and no page is
 * written anywhere to be read back (a first sync's planner is always behind: its CRM writes are
 * slower than the reads). The wait is a lull for the sink (`Lull`): the ref write-backs it holds
 * back during the read may go meanwhile, so the token's budget is not left idle. The cursor
 * carries its position (P1's sample decodes to the last record's stamp and id), and no page
 * says a cursor expires; should one be refused after a pause anyway (400 on `cursor`), the walk
 * starts again from the newest stamp it read (`updated_since` is inclusive; staging keeps one
 * version of a record read twice) instead of failing every run the same way. A record that
 * fails its schema is reported and quarantined, not read.
 */
import { ValidationError } from '../core/errors.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { Failure } from '../state/port.js';
import { type CollectRun, tick } from './collect.js';
import type { Lull } from './plan-sink.js';
import { compareStamps, propstreetSince, type WindowPlan } from './quiet-window.js';

/**
 * Records read but not yet taken by the planner past which the reader waits: four full pages
 * (four chunks of the default 500), enough that the planner finds a page waiting whenever it
 * takes one.
 */
const READ_AHEAD = 2000;

/** Walks started again after a refused cursor before the refusal stands (a cursor refused at once is no pause's doing). */
const CURSOR_RESTARTS = 3;

/** What the reader uses of a run. */
export type PagesRun<R extends PropstreetRecord> = Pick<
  CollectRun<R>,
  'store' | 'scope' | 'settings' | 'tally' | 'meter'
> & { readonly propstreet: Pick<CollectRun<R>['propstreet'], 'list'> };

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
  /** The planner, waiting for a page. */
  private wake: (() => void) | undefined;
  /** The reader, waiting for the planner to take one. */
  private room: (() => void) | undefined;
  /** Pages read and not yet taken, oldest first from `head`. */
  private readonly pages: (readonly R[])[] = [];
  private head = 0;
  private waiting = 0;
  /** The walk waited for the planner since it last asked for a first page. */
  private paused = false;
  /** The walk read its last page (the planner did not stop it). */
  private complete = false;
  private maxUpdated: string | undefined;
  private readonly quarantine: Failure[] = [];

  constructor(
    private readonly run: PagesRun<R>,
    private readonly plan: WindowPlan,
    private readonly now: Date,
    private readonly readAhead = READ_AHEAD,
  ) {}

  /**
   * Reads every page; resolves when the walk ends (or `stop` ended it early: then with no
   * checkpoint). `lull` wraps each wait for the planner.
   */
  async read(lull: Lull = (wait) => wait): Promise<PagesRead> {
    const { run } = this;
    try {
      const since = await run.store.getCheckpoint(run.scope, 'propstreet');
      let updatedSince = since ? propstreetSince(since, this.plan) : undefined;
      for (let restarts = 0; ; restarts++) {
        try {
          await this.walk(updatedSince, lull);
          this.complete = !this.stopped;
          break;
        } catch (error) {
          if (!(this.paused && this.maxUpdated && restarts < CURSOR_RESTARTS && cursorRefused(error)))
            throw error;
          updatedSince = this.maxUpdated;
          this.paused = false;
        }
      }
    } catch (error) {
      this.failure = { error };
      throw error;
    } finally {
      this.ended = true;
      this.notify();
    }
    // A walk the planner stopped read pages it never planned: no checkpoint comes of it. A
    // timestamp from a skewed clock must not carry the checkpoint past "now".
    const checkpoint = !this.complete
      ? undefined
      : this.maxUpdated && Date.parse(this.maxUpdated) > this.now.getTime()
        ? this.now.toISOString()
        : this.maxUpdated;
    return { checkpoint, quarantine: this.quarantine };
  }

  /** One walk of the delta from `updatedSince`, page by page into the queue. */
  private async walk(updatedSince: string | undefined, lull: Lull): Promise<void> {
    const { run } = this;
    for await (const page of run.propstreet.list({ updatedSince, includeDeleted: true })) {
      if (this.stopped) break;
      this.pages.push(page.records);
      this.waiting += page.records.length;
      for (const c of page.records)
        if (!this.maxUpdated || c.updatedUtc > this.maxUpdated) this.maxUpdated = c.updatedUtc;
      for (const bad of page.invalid) this.invalid(bad);
      tick(run, page.records.length);
      this.notify();
      // The lead is full: the next page is asked for once the planner takes one.
      if (this.waiting >= this.readAhead && !this.stopped) {
        this.paused = true;
        await lull(
          new Promise<void>((resolve) => {
            this.room = resolve;
          }),
        );
      }
      // Stopped while it waited: no page more is asked for.
      if (this.stopped) break;
    }
  }

  /** The next page in the order read; undefined once the walk ended; the walk's error if it failed. */
  async next(): Promise<readonly R[] | undefined> {
    for (;;) {
      const page = this.take();
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
    this.makeRoom();
  }

  private take(): readonly R[] | undefined {
    if (this.head === this.pages.length) return undefined;
    const page = this.pages[this.head] as readonly R[];
    this.pages[this.head++] = [];
    // Taken slots are dropped now and then: the array never grows past the lead.
    if (this.head === this.pages.length || this.head >= 64) {
      this.pages.splice(0, this.head);
      this.head = 0;
    }
    this.waiting -= page.length;
    if (this.waiting < this.readAhead) this.makeRoom();
    return page;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private makeRoom(): void {
    const room = this.room;
    this.room = undefined;
    room?.();
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

/** Propstreet answered 400 on the `cursor` parameter (the fake: "invalid or expired"). */
function cursorRefused(error: unknown): boolean {
  return error instanceof ValidationError && error.fieldErrors.cursor !== undefined;
}
