import type { Logger } from '../core/logger.js';
import type { PlanChunk } from '../engine/plan-chunks.js';
import type { PairPlan, PairState } from '../engine/plan-pair.js';
import type { PlanTally } from '../engine/plan-tally.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { RunAbort } from '../engine/run-abort.js';
import type { RecordPlan, SyncSettings } from '../engine/types.js';
import type { Failure, Scope, Side } from '../state/port.js';
import type { DeleteWindow } from './delete-window.js';
import type { HeldDelete } from './held-deletes.js';
import type { QuietWindow } from './quiet-window.js';
import type { RunDeps } from './run-deps.js';
import type { RunMeter } from './run-meter.js';
import type { ConnectionResult } from './run-result.js';
import type { StateWrites } from './state-writes.js';

/** What a sink is built with: the run's ports and settings, and the holders it reports into. */
export type SinkContext<R extends PropstreetRecord, W> = Omit<
  RunDeps<R, W>,
  'mapper' | 'logger' | 'connectionsInTenant'
> & {
  readonly settings: SyncSettings;
  readonly scope: Scope;
  readonly abort: RunAbort;
  readonly meter: RunMeter;
};

export interface RunStart {
  readonly runId: string;
  readonly startedAt: string;
  /** The run's logger (tenant, connection, run id). */
  readonly log: Logger;
}

/** What executing a chunk needs besides the chunk: fixed once the run has read both sides. */
export interface Execution<R extends PropstreetRecord, W> {
  /** The mapping fitted to the CRM's options. */
  readonly mapper: RecordMapper<R, W>;
  /** Plans a pair (again, after a write found it changed). */
  readonly plan: (pair: PairState<R>) => PairPlan<R>;
  /** Plans a pair again with a fresh Propstreet version (a stale etag). */
  readonly replan: (pp: PairPlan<R>, fresh: R) => PairPlan<R>;
  /** Failures known before this run, by `${side}:${id}` (attempt counts); updated as records fail. */
  readonly knownFailures: Map<string, Failure>;
  /** Where deletions are recorded before they are sent; none when not kept. */
  readonly deleteWindow: DeleteWindow | undefined;
  /** CRM deletions earlier runs held for the bridge's other connections, by CRM id. */
  readonly heldDeletes?: ReadonlyMap<string, HeldDelete> | undefined;
  /** Other connections of the tenant carry this kind to Propstreet (a bridge). */
  readonly bridge?: boolean | undefined;
  /** When the run's CRM read started (the age that has CRM updates checked first). */
  readonly crmReadAt?: string | undefined;
}

export interface RunOutcome {
  readonly startedAt: string;
  readonly pulled: Record<Side, number>;
  readonly tally: PlanTally;
  /** Checkpoints to commit when the run ends unstopped; undefined when the reads did not finish. */
  readonly checkpoints: ReadCheckpoints | undefined;
}

/** Per-scope fact: when (engine clock) the CRM delta behind the stored checkpoint was read. */
export const CRM_READ_AT = 'crm.checkpointReadAt';
/** When every link was last checked by id against the CRM, or the CRM read whole (reconcileEvery). */
export const CRM_RECONCILED_AT = 'crm.reconciledAt';
/**
 * Per-scope fact: when (engine clock) the last completed run read the CRM's changes, whether or
 * not they moved the checkpoint (a delta with nothing new moves none): what a bridge's other
 * connections wait for (engine/sibling-lag.ts).
 */
export const CRM_READ_DONE = 'crm.readCompletedAt';

export interface ReadCheckpoints {
  readonly propstreet: string | undefined;
  readonly crm: string | undefined;
  /** When the CRM delta behind `crm` was read (engine clock). */
  readonly crmReadAt: string;
  /** This run read every CRM record, or checked every link by id: recorded as `crmReadAt`. */
  readonly reconciled?: boolean | undefined;
  /** Where the next run's overlap windows may start: saved with the checkpoints. */
  readonly window?: QuietWindow;
}

export interface PlanSink<R extends PropstreetRecord, W> {
  /** Reports say whether a result comes from a dry run. */
  readonly dryRun: boolean;
  /** Where the run's own state writes go. */
  readonly state: StateWrites;
  /** Before anything is read. Throws RUN_IN_PROGRESS when another run holds the lock. */
  open(start: RunStart): Promise<void>;
  /** Whether the run should plan another chunk. */
  wantsMore(): boolean;
  /**
   * Runs a read of Propstreet pages with the sink's own Propstreet traffic (the ref write-backs)
   * held back: they share one rate budget, and the planner waits on the pages. While the read
   * waits in a `Lull` it hands the sink (the reader waiting for the planner), that traffic goes.
   */
  readsFirst<T>(read: (lull: Lull) => Promise<T>): Promise<T>;
  chunk(chunk: PlanChunk<R>, execution: Execution<R, W>): Promise<void>;
  /** After the last chunk, or after the run stopped: settles the run and returns its result. */
  close(outcome: RunOutcome): Promise<ConnectionResult>;
}

/** Wraps a wait of a read during which the sink's held-back traffic may go. */
export type Lull = (wait: Promise<void>) => Promise<void>;

export type SinkFactory = <R extends PropstreetRecord, W>(context: SinkContext<R, W>) => PlanSink<R, W>;

/** Sees each planned chunk (the report's records; tests act "between read and write" here). */
export type PlanObserver = (records: readonly RecordPlan[]) => void | Promise<void>;
