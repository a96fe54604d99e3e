/**
 * The real run's sink: takes the run lock and records the run's start, executes each chunk
 * through the ports (recording deletions in the window first), drains the ref outbox beside the
 * chunks (from the run's start: what earlier runs left; while the run reads Propstreet pages,
 * which share the token's rate budget and hold up the planner, only in the reader's waits for
 * the planner), and at the end commits the checkpoints
 * (only when nothing stopped the run: the next run then re-reads what this one did not
 * finish), drains the outbox for at most `refDrainMs` more, records the run and releases the lock.
 */
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { countPlan, emptyCounts } from '../engine/counts.js';
import { deletionKey } from '../engine/delete-guard.js';
import type { PlanChunk } from '../engine/plan-chunks.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { RecordFailure } from '../engine/types.js';
import { executeChunk } from './execute-chunk.js';
import {
  CRM_READ_AT,
  CRM_READ_DONE,
  CRM_RECONCILED_AT,
  type Execution,
  type Lull,
  type PlanObserver,
  type PlanSink,
  type ReadCheckpoints,
  type RunOutcome,
  type RunStart,
  type SinkContext,
} from './plan-sink.js';
import { RefDrainer } from './ref-drain.js';
import { announce, resultOf } from './report-sink.js';
import { lockOwner, takeRunLock } from './run-lock.js';
import type { ConnectionResult } from './run-result.js';
import { stopRun } from './run-stopped.js';
import type { StateWrites } from './state-writes.js';

export interface ExecutorOptions {
  readonly observe?: PlanObserver | undefined;
  readonly lockTtlMs?: number | undefined;
}

export class ExecutorSink<R extends PropstreetRecord, W> implements PlanSink<R, W> {
  readonly dryRun = false;
  readonly state: StateWrites;
  private started: (RunStart & { readonly owner: string }) | undefined;
  private drainer: RefDrainer<R, W> | undefined;
  private readonly done = emptyCounts();
  private readonly failures: RecordFailure[] = [];

  constructor(
    private readonly context: SinkContext<R, W>,
    private readonly options: ExecutorOptions = {},
  ) {
    this.state = context.store;
  }

  async open(start: RunStart): Promise<void> {
    const { store, scope } = this.context;
    const owner = lockOwner(start.runId);
    if (!(await takeRunLock(store, scope, owner, this.options.lockTtlMs ?? 60 * 60_000)))
      throw new PropsyncError(
        'RUN_IN_PROGRESS',
        `another run of ${scope.tenant}/${scope.connection} is in progress`,
      );
    await store.startRun(scope, { id: start.runId, startedAt: start.startedAt, dryRun: false });
    this.started = { ...start, owner };
    this.drainer = new RefDrainer(this.context);
    this.drainer.start();
  }

  wantsMore(): boolean {
    return !this.context.abort.stopped;
  }

  /**
   * Page reads go first: the drainer sends no write-back while one runs (those in flight end),
   * but for its lulls, while the reader waits for the planner.
   */
  async readsFirst<T>(read: (lull: Lull) => Promise<T>): Promise<T> {
    const drainer = this.drainer;
    drainer?.hold();
    try {
      return await read(async (wait) => {
        drainer?.release();
        try {
          await wait;
        } finally {
          drainer?.hold();
        }
      });
    } finally {
      drainer?.release();
    }
  }

  async chunk(chunk: PlanChunk<R>, execution: Execution<R, W>): Promise<void> {
    await announce(chunk, this.context, this.options.observe);
    const { abort, clock, meter } = this.context;
    if (abort.stopped) return;
    await execution.deleteWindow?.record(
      chunk.records.filter((pp) => pp.plan.action.startsWith('delete')).map((pp) => deletionKey(pp.plan)),
      clock.now(),
    );
    const outcome = await executeChunk(chunk.records, { ...this.context, ...execution });
    for (const r of outcome.succeeded) countPlan(this.done, r);
    this.failures.push(...outcome.failures);
    meter.written += outcome.succeeded.length;
    meter.report('write');
    // The CRM does not wait for the write-backs: they wait in the store, drained at Propstreet's rate.
    if (outcome.queuedRefs > 0) this.drainer?.kick();
  }

  async close(outcome: RunOutcome): Promise<ConnectionResult> {
    const { store, scope } = this.context;
    const started = this.started;
    if (!started) throw new PropsyncError('INTERNAL', 'a run was closed that was never opened');
    await this.settle(outcome.checkpoints, started.log);
    const result: ConnectionResult = {
      ...resultOf(this.context, outcome, { done: this.done, failures: this.failures }, false),
      refWriteBacks: await store.refBacklog(scope),
    };
    await store.finishRun(scope, started.runId, {
      finishedAt: result.finishedAt,
      status: result.status,
      summary: result,
    });
    await store.releaseLock(scope, started.owner);
    return result;
  }

  /**
   * Moves the checkpoints (the CRM work is done: the write-backs are in the store whatever
   * happens next), then drains the ref outbox for at most `refDrainMs` (never left running past
   * the run); what is left waits for the next runs.
   */
  private async settle(checkpoints: ReadCheckpoints | undefined, log: Logger): Promise<void> {
    try {
      await this.checkpoint(checkpoints);
    } catch (error) {
      stopRun(this.context.abort, error, log);
    }
    const { meter, clock, settings } = this.context;
    if (!this.drainer) return;
    log.info(
      { refsQueued: meter.refs.queued, refsDone: meter.refs.done },
      'CRM complete; draining ref write-backs',
    );
    if (meter.refs.queued > meter.refs.done) meter.report('refs');
    await this.drainer.finish(clock.now().getTime() + (settings.refDrainMs ?? DEFAULT_DRAIN_MS));
    this.failures.push(...this.drainer.failures);
  }

  private async checkpoint(checkpoints: ReadCheckpoints | undefined): Promise<void> {
    const { store, scope, abort } = this.context;
    if (abort.stopped || !checkpoints) return;
    await store.commit(scope, {
      checkpoints: {
        ...(checkpoints.propstreet ? { propstreet: checkpoints.propstreet } : {}),
        ...(checkpoints.crm ? { crm: checkpoints.crm } : {}),
      },
    });
    if (checkpoints.crm) await store.setMeta(scope, CRM_READ_AT, checkpoints.crmReadAt);
    if (checkpoints.reconciled) await store.setMeta(scope, CRM_RECONCILED_AT, checkpoints.crmReadAt);
    await store.setMeta(scope, CRM_READ_DONE, checkpoints.crmReadAt);
    // After the checkpoints: a crash in between leaves the older, lower floors (wider windows).
    await checkpoints.window?.save(store, scope);
  }
}

const DEFAULT_DRAIN_MS = 10 * 60_000;
