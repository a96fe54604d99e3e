/**
 * One run of one tenant connection: read the CRM's changes into staging, then Propstreet's page
 * by page, pairing and planning them a chunk at a time as the pages come (stream-plan.ts) and
 * after the read what needs all of it (deletions, after the mass-delete guard; CRM-only
 * changes: engine/plan-chunks.ts), and hand each chunk to the run's sink: the report in a dry
 * run, the executor in a real run (plan-sink.ts). The plan is computed the same way in both.
 * Checkpoints move at the end, once every record read is applied or durably recorded as failed,
 * and only when nothing stopped the run.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import { createEchoDetector } from '../engine/echo-detector.js';
import { matchValuesOf } from '../engine/match-values.js';
import { holdQuarantined, withResolutions } from '../engine/pair-holds.js';
import { type ChunkPlanning, chunkSizeFor, planChunks } from '../engine/plan-chunks.js';
import { type PairPlan, type PairState, planPair } from '../engine/plan-pair.js';
import { PlanTally } from '../engine/plan-tally.js';
import { propstreetHolders } from '../engine/propstreet-holders.js';
import type { PropstreetRecord } from '../engine/records.js';
import { RunAbort } from '../engine/run-abort.js';
import { createSiblingEdits } from '../engine/sibling-edits.js';
import { createSiblingLag } from '../engine/sibling-lag.js';
import type { SyncSettings } from '../engine/types.js';
import type { Failure, Scope, Side } from '../state/port.js';
import { type CollectRun, loadWindow, readCrm, rereadPropstreet } from './collect.js';
import { fitMapperToCrm } from './fit-mapper.js';
import { heldDeletesOf } from './held-deletes.js';
import { bindingsOf, rebindMappedFields, withoutShadowFields } from './mapping-bindings.js';
import { guardDeletes } from './mass-delete-guard.js';
import {
  CRM_READ_AT,
  CRM_READ_DONE,
  type Execution,
  type PlanSink,
  type ReadCheckpoints,
  type SinkFactory,
} from './plan-sink.js';
import { preflight } from './preflight.js';
import { cappedCheckpoint, type PagesRead, PropstreetPages } from './propstreet-pages.js';
import { QuietWindow, type WindowPlan } from './quiet-window.js';
import { revisitsOf } from './revisits.js';
import type { RunDeps } from './run-deps.js';
import { RunMeter, type RunProgress } from './run-meter.js';
import type { ConnectionResult } from './run-result.js';
import { stopRun } from './run-stopped.js';
import { Staging } from './staging.js';
import { handOn, streamPages } from './stream-plan.js';

export type { RunDeps } from './run-deps.js';
export type { RunProgress } from './run-meter.js';

export interface RunOptions {
  /** Where the plan goes: the report (a dry run) or the executor (sinkFor). */
  readonly sink: SinkFactory;
  /** Run past the mass-delete guard. */
  readonly force?: boolean;
  /** Retry every recorded failure now, quarantined ones included (`propsync retry`). */
  readonly retryAll?: boolean;
  readonly onProgress?: (p: RunProgress) => void;
  /** Check every link against the CRM by id, whatever the checkpoint's age. */
  readonly reconcile?: boolean;
  /** Accept Propstreet/CRM accounts other than the ones the state belongs to (`--rebind`). */
  readonly rebind?: boolean;
}

/** One run as its pieces see it. */
interface Run<R extends PropstreetRecord, W> {
  readonly settings: SyncSettings;
  /** Replaced once in a dry run whose mapping moved fields (its store hides them from shadows). */
  deps: RunDeps<R, W>;
  readonly options: RunOptions;
  readonly scope: Scope;
  readonly sink: PlanSink<R, W>;
  readonly abort: RunAbort;
  readonly meter: RunMeter;
  readonly tally: PlanTally;
  readonly staging: Staging<R>;
  readonly log: Logger;
  /** Whether this run re-reads the overlap window, and from where. */
  readonly window: QuietWindow;
  /** What the reads reached: zeros and no checkpoints until they finish. */
  readonly read: { pulled: Record<Side, number>; checkpoints: ReadCheckpoints | undefined };
}

export async function runConnection<R extends PropstreetRecord, W>(
  settings: SyncSettings,
  deps: RunDeps<R, W>,
  options: RunOptions,
): Promise<ConnectionResult> {
  const window = new QuietWindow();
  const scope: Scope = { tenant: settings.tenant, connection: settings.connection, kind: deps.kind.name };
  const { clock } = deps;
  const runId = randomUUID();
  const startedAt = clock.now().toISOString();
  const abort = new RunAbort();
  const meter = new RunMeter(options.onProgress);
  const sink = options.sink({ ...deps, settings, scope, abort, meter });
  const log = deps.logger.child({
    tenant: scope.tenant,
    connection: scope.connection,
    kind: scope.kind,
    run: runId,
    dryRun: sink.dryRun,
  });
  await sink.open({ runId, startedAt, log });
  const tally = new PlanTally();
  const matchValues = matchValuesOf(deps.mapper);
  const staging = new Staging<R>({
    key: deps.crm.keyProperty,
    matchRules: matchValues.rules,
    crmMatch: matchValues.crm,
    propstreetMatch: matchValues.propstreet,
  });
  const read: Run<R, W>['read'] = { pulled: { propstreet: 0, crm: 0 }, checkpoints: undefined };
  const run: Run<R, W> = {
    settings,
    deps,
    options,
    scope,
    sink,
    abort,
    meter,
    tally,
    staging,
    log,
    window,
    read,
  };
  try {
    await readAndPlan(run);
  } catch (error) {
    // Whatever stops the run, the sink still closes it (lock released, run recorded) below;
    // checkpoints have not moved, so the next run re-reads everything this one did not finish.
    stopRun(abort, error, log);
  } finally {
    staging.close();
  }
  const result = await sink.close({ startedAt, tally, ...read });
  meter.report('done');
  return result;
}

async function readAndPlan<R extends PropstreetRecord, W>(run: Run<R, W>): Promise<void> {
  const { settings, options, scope, sink, staging, meter, tally } = run;
  await preflight(run.deps, scope, { rebind: options.rebind === true, log: run.log, writes: sink.state });
  const mapper = await fitMapperToCrm(run.deps.crm, run.deps.mapper, run.log, run.deps.crmAccount.kind);
  const moved = await rebindMappedFields(run.deps.store, scope, bindingsOf(mapper), {
    writes: sink.state,
    log: run.log,
  });
  if (sink.dryRun && moved.length > 0)
    run.deps = { ...run.deps, store: withoutShadowFields(run.deps.store, moved) };
  const { deps } = run;
  const { store } = deps;
  const knownFailures = new Map<string, Failure>(
    (await store.listFailures(scope)).map((f) => [`${f.side}:${f.recordId}`, f]),
  );
  const revisit = await revisitsOf(store, scope);
  const heldDeletes = await heldDeletesOf(store, scope);
  const reads: CollectRun<R> = {
    ...deps,
    settings,
    scope,
    staging,
    window: run.window,
    knownFailures,
    revisit,
    heldDeletes,
    retryAll: options.retryAll === true,
    reconcile: options.reconcile === true,
    tally,
    meter,
  };
  const now = deps.clock.now();
  const linksAtStart = await store.countLinks(scope);
  // A first sync reads every Propstreet record: staging knows every holder of a value.
  const sharedHolders = propstreetHolders(deps.propstreet, mapper, settings.match);
  const holders =
    sharedHolders && (await store.getCheckpoint(scope, 'propstreet')) !== null ? sharedHolders : undefined;
  const window = await loadWindow(reads, now);
  const crm = await readCrm(reads, window, now);
  if (crm.reconciled) tally.notice('full-reconcile', crm.reconciled);
  // A dry run writes nothing to Propstreet, so a bridge's connections each plan without what the
  // others would bring there first in a real run (README "Not built").
  if (sink.dryRun && deps.siblingConnections?.length)
    tally.notice('bridge-dry-run', {
      kind: 'bridge-dry-run',
      text: `dry run of a bridge: this plan does not include what ${deps.siblingConnections.join(', ')} would bring to Propstreet first in a real run (an edit it would carry here, a deletion held here that its read would release)`,
      propstreetIds: [],
      crmId: null,
    });
  const plan = (pair: PairState<R>): PairPlan<R> => planPair(pair, settings, mapper, deps.crm.keyProperty);
  const planning: ChunkPlanning<R> = {
    ...deps,
    settings,
    scope,
    mapper,
    crmFullyStaged: crm.fullRead,
    ...(holders ? { propstreetHolders: holders } : {}),
    echoes: createEchoDetector(store, scope, {
      ownChangeOrigins: settings.ownChangeOrigins,
      connectionsInTenant: deps.connectionsInTenant,
      failed: (id) => knownFailures.has(`propstreet:${id}`),
    }),
    ...(deps.siblingConnections?.length
      ? {
          siblingEdits: createSiblingEdits(
            store,
            deps.siblingConnections.map((connection) => ({ ...scope, connection })),
          ),
        }
      : {}),
    ...(deps.siblingConnections?.length
      ? {
          siblingLag: createSiblingLag(
            store,
            scope,
            deps.siblingConnections,
            // A state from before CRM_READ_DONE has the checkpoint's read time only.
            async (s) => (await store.getMeta(s, CRM_READ_DONE)) ?? (await store.getMeta(s, CRM_READ_AT)),
            settings.overlapMs,
          ),
        }
      : {}),
    chunkSize: chunkSizeFor(settings.chunkSize, deps.crm.limits.writeBatchSize),
    prepare: (pair) =>
      withResolutions(options.retryAll ? pair : holdQuarantined(pair, knownFailures), revisit.resolutions),
    plan,
    // Nothing streamed deletes (stream-plan.ts): the guard counts before the passes that do.
    holdDeletes: false,
  };
  const execution: Execution<R, W> = {
    mapper,
    plan,
    replan: (pp, fresh) => plan({ ...pp.pair, propstreet: fresh, propstreetEcho: false }),
    knownFailures,
    deleteWindow: undefined,
    heldDeletes,
    bridge: (deps.siblingConnections?.length ?? 0) > 0,
    crmReadAt: crm.readAt,
  };
  const pages = await streamPropstreet(run, reads, window, now, planning, execution);
  run.read.pulled = { propstreet: staging.count('ps'), crm: staging.count('crm') };
  meter.pulled = run.read.pulled.propstreet + run.read.pulled.crm;
  if (!pages) return;
  if (pages.quarantine.length > 0) await sink.state.commit(scope, { upsertFailures: pages.quarantine });
  // The executor clears only failures it knows of: these are stored now too.
  for (const f of pages.quarantine) knownFailures.set(`${f.side}:${f.recordId}`, f);
  const deletes = await guardDeletes(settings, {
    ...run,
    store,
    writes: sink.state,
    now: deps.clock.now(),
    force: options.force === true,
    linksAtStart,
  });
  await planAll(
    run,
    { ...planning, holdDeletes: deletes.held },
    { ...execution, deleteWindow: deletes.window },
  );
  // The configured batch upsert's path answered 404/405: the run went on one by one, and says so.
  const fallback = deps.propstreet.batchFallback?.();
  if (fallback)
    tally.notice('batch-fallback', {
      kind: 'batch-fallback',
      text: fallback,
      propstreetIds: [],
      crmId: null,
    });
  run.read.checkpoints = {
    propstreet: pages.checkpoint,
    crm: crm.checkpoint,
    crmReadAt: crm.readAt,
    reconciled: crm.fullRead || crm.reconciled !== undefined,
    window: run.window,
  };
}

/**
 * Reads Propstreet's delta while the pages already read are planned and handed on
 * (stream-plan.ts), then re-reads by id the records due again; the sink's own Propstreet
 * traffic waits meanwhile. Undefined when the run stopped before the read ended.
 */
async function streamPropstreet<R extends PropstreetRecord, W>(
  run: Run<R, W>,
  reads: CollectRun<R>,
  window: WindowPlan,
  now: Date,
  planning: ChunkPlanning<R>,
  execution: Execution<R, W>,
): Promise<PagesRead | undefined> {
  const { sink, staging } = run;
  const pages = new PropstreetPages(reads, window, now);
  const reading = sink.readsFirst((lull) => pages.read(lull));
  // Its failure reaches the planner through next(); this only keeps it from going unhandled.
  reading.catch(() => undefined);
  let resighted: R[];
  try {
    resighted = await streamPages(pages, { ...run, store: run.deps.store }, planning, execution);
  } finally {
    // The walk ends with the page in flight; awaiting it settles the read and gives the
    // drainer back its turn before the re-read by id.
    pages.stop();
    await reading.catch(() => undefined);
  }
  if (!sink.wantsMore()) return undefined;
  const read = await reading;
  const again = staging.putPropstreet(await sink.readsFirst(() => rereadPropstreet(reads, now)));
  return { ...read, checkpoint: cappedCheckpoint(read.checkpoint, [...resighted, ...again.resighted]) };
}

/** Plans chunk after chunk while the sink wants them, and hands each to it. */
async function planAll<R extends PropstreetRecord, W>(
  run: Run<R, W>,
  planning: ChunkPlanning<R>,
  execution: Execution<R, W>,
): Promise<void> {
  const { sink } = run;
  if (!sink.wantsMore()) return;
  for await (const chunk of planChunks(run.staging, planning)) {
    await handOn(chunk, run, execution);
    if (!sink.wantsMore()) return;
  }
}
