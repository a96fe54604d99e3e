/**
 * The real run's sink: takes the run lock and records the run's start, executes each chunk
 * through the ports (recording deletions in the window first), runs the ref lane beside the
 * chunks, and at the end commits the checkpoints (only when nothing stopped the run: the next
 * run then re-reads what this one did not finish), records the run and releases the lock.
 */
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { countPlan, emptyCounts } from '../engine/counts.js';
import { deletionKey } from '../engine/delete-guard.js';
import { chunkSizeFor, type PlanChunk } from '../engine/plan-chunks.js';
import { nextFailure } from '../engine/record-failure.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { RecordFailure } from '../engine/types.js';
import { executeChunk } from './execute-chunk.js';
import {
  CRM_READ_AT,
  type Execution,
  type PlanObserver,
  type PlanSink,
  type ReadCheckpoints,
  type RunOutcome,
  type RunStart,
  type SinkContext,
} from './plan-sink.js';
import { RefLane } from './ref-lane.js';
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
  private lane: RefLane<R, W> | undefined;
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
  }

  wantsMore(): boolean {
    return !this.context.abort.stopped;
  }

  async chunk(chunk: PlanChunk<R>, execution: Execution<R, W>): Promise<void> {
    await announce(chunk, this.context, this.options.observe);
    const { abort, clock, meter, settings, crm } = this.context;
    if (abort.stopped) return;
    await execution.deleteWindow?.record(
      chunk.records.filter((pp) => pp.plan.action.startsWith('delete')).map((pp) => deletionKey(pp.plan)),
      clock.now(),
    );
    const lane = this.laneFor(execution);
    const outcome = await executeChunk(chunk.records, { ...this.context, ...execution });
    for (const r of outcome.succeeded) countPlan(this.done, r);
    this.failures.push(...outcome.failures);
    lane.add(outcome.refTasks);
    meter.written += outcome.succeeded.length;
    meter.report('write');
    // The ref lane may lag Propstreet's rate by a few chunks, never by the whole data set.
    if (chunk.side === 'propstreet')
      await lane.backpressure(4 * chunkSizeFor(settings.chunkSize, crm.limits.writeBatchSize));
  }

  async close(outcome: RunOutcome): Promise<ConnectionResult> {
    const { store, scope } = this.context;
    const started = this.started;
    if (!started) throw new PropsyncError('INTERNAL', 'a run was closed that was never opened');
    await this.settle(outcome.checkpoints, started.log);
    const result = resultOf(this.context, outcome, { done: this.done, failures: this.failures }, false);
    await store.finishRun(scope, started.runId, {
      finishedAt: result.finishedAt,
      status: result.status,
      summary: result,
    });
    await store.releaseLock(scope, started.owner);
    return result;
  }

  /** Waits for the ref lane (never left running past the run), then moves the checkpoints. */
  private async settle(checkpoints: ReadCheckpoints | undefined, log: Logger): Promise<void> {
    const { store, scope, abort } = this.context;
    try {
      if (this.lane) {
        const { refs } = this.context.meter;
        if (refs.queued > refs.done) this.context.meter.report('refs');
        await this.lane.drain();
        this.failures.push(...this.lane.failures);
      }
      if (abort.stopped || !checkpoints) return;
      await store.commit(scope, {
        checkpoints: {
          ...(checkpoints.propstreet ? { propstreet: checkpoints.propstreet } : {}),
          ...(checkpoints.crm ? { crm: checkpoints.crm } : {}),
        },
      });
      if (checkpoints.crm) await store.setMeta(scope, CRM_READ_AT, checkpoints.crmReadAt);
      // After the checkpoints: a crash in between leaves the older, lower floors (wider windows).
      await checkpoints.window?.save(store, scope);
    } catch (error) {
      stopRun(abort, error, log);
    }
  }

  private laneFor(execution: Execution<R, W>): RefLane<R, W> {
    const { settings, redactor } = this.context;
    this.lane ??= new RefLane({
      ...this.context,
      fail: (side, recordId, error, now) =>
        nextFailure(settings, redactor, execution.knownFailures, side, recordId, error, now, true),
    });
    return this.lane;
  }
}
