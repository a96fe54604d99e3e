/**
 * Reads a run's CRM side into staging: the CRM's delta since its checkpoint, every link by id
 * when that delta can no longer be trusted with deletions, and by id what is due again (failures
 * past their backoff) or what a person acted on (a relink, a resolved conflict). Propstreet's
 * delta is read page by page beside the planning (propstreet-pages.ts, stream-plan.ts); its
 * records due again are re-read by id after it (rereadPropstreet).
 */
import type { Clock } from '../core/clock.js';
import { reconcileReason } from '../engine/link-reconcile.js';
import type { PlanTally } from '../engine/plan-tally.js';
import type { CrmObjects, PropstreetRecords } from '../engine/ports.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { Notice, SyncSettings } from '../engine/types.js';
import type { Failure, Scope, StateStore } from '../state/port.js';
import { type HeldDelete, heldRecords } from './held-deletes.js';
import { missingLinkedRecords } from './linked-reads.js';
import { CRM_READ_AT, CRM_RECONCILED_AT } from './plan-sink.js';
import { crmWindow, type QuietWindow, type WindowPlan } from './quiet-window.js';
import type { Revisit } from './revisits.js';
import type { CrmAccount } from './run-deps.js';
import type { RunMeter } from './run-meter.js';
import type { Staging } from './staging.js';

export interface CollectRun<R extends PropstreetRecord> {
  readonly settings: SyncSettings;
  readonly scope: Scope;
  readonly propstreet: PropstreetRecords<R, unknown>;
  readonly crm: CrmObjects;
  readonly crmAccount: Pick<CrmAccount, 'kind'>;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly staging: Staging<R>;
  /** Decides whether the deltas re-read the overlap window, and from where. */
  readonly window: QuietWindow;
  readonly knownFailures: ReadonlyMap<string, Failure>;
  readonly revisit: Revisit;
  /** CRM deletions held for a bridge's other connections by an earlier run: staged again. */
  readonly heldDeletes: ReadonlyMap<string, HeldDelete>;
  /** Retry every recorded failure now, quarantined ones included. */
  readonly retryAll: boolean;
  /** Check every link by id, whatever the checkpoint's age. */
  readonly reconcile: boolean;
  /** Receives the records that fail their schema. */
  readonly tally: PlanTally;
  readonly meter: RunMeter;
}

/** The CRM side of a run, read whole before any Propstreet page is planned. */
export interface CrmRead {
  /** The CRM was read from the beginning (no checkpoint): every live record is staged. */
  readonly fullRead: boolean;
  readonly checkpoint: string | undefined;
  /** When the delta was read (engine clock). */
  readonly readAt: string;
  /** Set when every link was checked against the CRM by id, saying why and what it found. */
  readonly reconciled: Notice | undefined;
}

/** Decides how this run's deltas read the overlap window (before anything is read). */
export async function loadWindow<R extends PropstreetRecord>(
  run: CollectRun<R>,
  now: Date,
): Promise<WindowPlan> {
  return run.window.load(
    run.store,
    run.scope,
    now,
    run.settings.overlapMs,
    dueFailures(run, now).some((f) => f.side === 'propstreet'),
  );
}

/**
 * Stages the CRM's delta, the links it may have dropped deletions of, and by id the CRM records
 * due again: all of it before the first Propstreet page is planned, so a Propstreet record's
 * partner is in staging (or is not in the delta) whenever its page comes.
 */
export async function readCrm<R extends PropstreetRecord>(
  run: CollectRun<R>,
  plan: WindowPlan,
  now: Date,
): Promise<CrmRead> {
  const since = await run.store.getCheckpoint(run.scope, 'crm');
  const readAt = run.clock.now();
  let checkpoint: string | undefined;
  for await (const page of run.crm.readChanges(since, { ...crmWindow(plan), now: readAt })) {
    run.staging.putCrm(page.records);
    checkpoint = page.checkpoint;
    tick(run, page.records.length);
  }
  const reconciled = await reconcileIfStale(run, since !== null, readAt);
  const due = dueFailures(run, now);
  // A pair's failure is recorded under its Propstreet id, but the change that failed may be the
  // CRM side's, which the checkpoint has moved past: its linked CRM record is read again too, or
  // the retry takes that side for unchanged and the person's edit is lost with the failure.
  const psDue = due.filter((f) => f.side === 'propstreet').map((f) => f.recordId);
  const partners = psDue.length > 0 ? await run.store.linksByPropstreetIds(run.scope, psDue) : [];
  const crmIds = [
    ...new Set([
      ...due.filter((f) => f.side === 'crm').map((f) => f.recordId),
      ...partners.map((l) => l.crmId),
      ...run.revisit.crmIds,
    ]),
  ];
  if (crmIds.length > 0) run.staging.putCrm(await run.crm.readByIds(crmIds));
  if (run.heldDeletes.size > 0) run.staging.putCrm(await heldRecords(run.crm, run.heldDeletes));
  return { fullRead: since === null, checkpoint, readAt: readAt.toISOString(), reconciled };
}

export function tick(run: Pick<CollectRun<PropstreetRecord>, 'meter'>, read: number): void {
  run.meter.pulled += read;
  run.meter.report('pull');
}

/** Failures retried in this run: past their backoff, or all of them (`propsync retry`). */
function dueFailures<R extends PropstreetRecord>(run: CollectRun<R>, now: Date): Failure[] {
  return [...run.knownFailures.values()].filter(
    (f) => run.retryAll || (!f.quarantined && Date.parse(f.nextRetryAt) <= now.getTime()),
  );
}

/**
 * Propstreet records that failed before and are due again are re-read by id; so is what a
 * person acted on, changed or not: records relinked (`propsync relink`), and both sides of pairs
 * with a resolved conflict (`propsync resolve`). The CRM side of these is read with the CRM's
 * delta (readCrm).
 */
export async function rereadPropstreet<R extends PropstreetRecord>(
  run: CollectRun<R>,
  now: Date,
): Promise<R[]> {
  const due = dueFailures(run, now);
  const fresh: R[] = [];
  for (const id of [
    ...due.filter((f) => f.side === 'propstreet').map((f) => f.recordId),
    ...run.revisit.propstreetIds,
  ]) {
    const record = await run.propstreet.get(id);
    if (record) fresh.push(record);
  }
  return fresh;
}

/**
 * Deletions older than the CRM keeps them visible are gone from its delta: when the stored
 * checkpoint is that old (or its age is unknown, or the user asks), every link is checked by
 * id and what the CRM no longer has is staged as deleted, so no deletion is silently missed.
 */
async function reconcileIfStale<R extends PropstreetRecord>(
  run: CollectRun<R>,
  hasCheckpoint: boolean,
  now: Date,
): Promise<Notice | undefined> {
  const why = reconcileReason({
    requested: run.reconcile,
    hasCheckpoint,
    checkpointReadAt: hasCheckpoint ? await run.store.getMeta(run.scope, CRM_READ_AT) : null,
    reconciledAt: hasCheckpoint ? await run.store.getMeta(run.scope, CRM_RECONCILED_AT) : null,
    everyMs: run.settings.reconcileEveryMs,
    now,
    crm: { kind: run.crmAccount.kind, deletionsVisibleForMs: run.crm.deletionsVisibleForMs },
  });
  if (!why) return undefined;
  const count = { checked: 0, missing: 0 };
  const total = await run.store.countLinks(run.scope);
  for await (const gone of missingLinkedRecords(run.store, run.scope, run.crm, now, count)) {
    // A held deletion keeps the time it was made (held-deletes.ts), not this read's.
    run.staging.putCrm(gone.filter((r) => r.mergedInto !== undefined || !run.heldDeletes.has(r.id)));
    run.meter.pulled += gone.length;
    run.meter.reconcile = { checked: count.checked, total };
    run.meter.report('reconcile');
  }
  run.meter.reconcile = undefined;
  return {
    kind: 'full-reconcile',
    text: `${why}: checked ${count.checked} links by id; ${count.missing} no longer in ${run.crmAccount.kind}`,
    propstreetIds: [],
    crmId: null,
  };
}
