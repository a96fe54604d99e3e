/**
 * Executes one chunk of pair plans through the ports and turns the results into one
 * transactional state change. Two phases, each overlapping the APIs:
 *   A. Propstreet value writes, creates (batched when the port can: batch-creates.ts) and
 *      deletes  ∥  CRM creates (upserts) and deletes
 *   B. CRM updates (incl. the key on new Propstreet contacts)
 * CRM updates wait for phase A because a 412 on Propstreet re-plans the pair. The externalRef
 * write-backs of new CRM records are queued in the ref outbox with the chunk's commit and
 * drained beside the run (ref-drain.ts), so Propstreet's one-call-per-record rate never holds
 * up the CRM's batches.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Clock } from '../core/clock.js';
import type { Redactor } from '../core/redact.js';
import type { PairPlan, PairState } from '../engine/plan-pair.js';
import type { CrmObjects, PropstreetRecords } from '../engine/ports.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { RunAbort } from '../engine/run-abort.js';
import type { SyncSettings } from '../engine/types.js';
import type { Failure, Scope, StateStore } from '../state/port.js';
import { batchCreates } from './batch-creates.js';
import { commitChunk, type Settled } from './chunk-commit.js';
import { type Progress, progressOf } from './chunk-progress.js';
import { crmCreatesAndDeletes, crmUpdates, crmUpdatesOf } from './crm-phase.js';
import type { HeldDelete } from './held-deletes.js';
import type { RunKind } from './kind-writes.js';
import { writePropstreet, writesPropstreet } from './propstreet-phase.js';
import type { RunMeter } from './run-meter.js';

export interface ExecuteDeps<R extends PropstreetRecord = PropstreetRecord, W = unknown> {
  readonly kind: RunKind<R, W>;
  readonly crm: CrmObjects;
  readonly propstreet: PropstreetRecords<R, W>;
  readonly store: StateStore;
  readonly scope: Scope;
  readonly settings: SyncSettings;
  readonly mapper: RecordMapper<R, W>;
  readonly clock: Clock;
  /** Scrubs the error texts stored with failures. */
  readonly redactor: Redactor;
  /** Failures known before this run, by `${side}:${id}` (for attempt counts). */
  readonly knownFailures: Map<string, Failure>;
  /** Plans a pair again (the CRM record was found gone). */
  readonly plan: (pair: PairState<R>) => PairPlan<R>;
  /** Re-plans a pair with a fresh Propstreet version (after a stale etag). */
  readonly replan: (pp: PairPlan<R>, fresh: R) => PairPlan<R>;
  /** Where an error that must stop the run (daily limit, auth) goes; what succeeded is committed. */
  readonly abort: RunAbort;
  /** Counts the ref write-backs a chunk queues (progress), before its commit makes them drainable. */
  readonly meter?: RunMeter | undefined;
  /** CRM deletions earlier runs held for the bridge's other connections, by CRM id (held-deletes.ts). */
  readonly heldDeletes?: ReadonlyMap<string, HeldDelete> | undefined;
  /** Other connections of the tenant carry this kind to Propstreet (a bridge). */
  readonly bridge?: boolean | undefined;
  /** When the run's CRM read started: an older one is checked again before updates (crm-recheck.ts). */
  readonly crmReadAt?: string | undefined;
}

export type ChunkOutcome = Settled;

export async function executeChunk<R extends PropstreetRecord, W>(
  plans: readonly PairPlan<R>[],
  deps: ExecuteDeps<R, W>,
): Promise<ChunkOutcome> {
  const progress = progressOf(plans);
  const { abort } = deps;
  const limit = pLimit(deps.settings.propstreetConcurrency);
  await Promise.all([
    propstreetWrites(progress, deps, abort, limit),
    crmCreatesAndDeletes(progress, deps, abort),
  ]);
  const psGone = progress.filter((p) => p.psGone);
  for (const p of psGone) propstreetGone(p, deps);
  const updates = crmUpdatesOf(progress);
  const refs = new Set(progress.filter(wantsRef));
  if (abort.stopped)
    holdBack([...updates.map((u) => u.p), ...psGone.filter((p) => p.pp.plan.action === 'delete-in-crm')]);
  else {
    await crmUpdates(updates, deps, abort);
    await Promise.all(progress.filter((p) => p.crmGone).map((p) => limit(() => crmGone(p, deps, abort))));
    // What the re-plan of a contact found gone deletes in the CRM (deletes.fromPropstreet).
    await crmCreatesAndDeletes(psGone, deps, abort);
  }
  return commitChunk(progress, deps, refs, plans);
}

/** Phase A on Propstreet: the creates the batch upsert takes first, then each pair's own writes. */
async function propstreetWrites<R extends PropstreetRecord, W>(
  progress: readonly Progress<R>[],
  deps: ExecuteDeps<R, W>,
  abort: RunAbort,
  limit: LimitFunction,
): Promise<void> {
  await batchCreates(progress, deps, abort);
  // Only the pairs with a Propstreet write take a slot: a first sync's chunk of CRM creates
  // went through the limiter a pair at a time for nothing (a promise and a closure each).
  await Promise.all(
    progress.filter(writesPropstreet).map((p) => limit(() => writePropstreet(p, deps, abort))),
  );
}

/**
 * The CRM answered the update of a linked record with not-found: that is its deletion, which
 * this run's delta did not carry (it left the delta, e.g. a link kept by an older version's
 * `deletes.fromCrm: ignore`). The pair is planned again with the deletion in view, so the tenant's delete policy
 * decides (unlink, delete the contact, or, for ignore, end the link and keep the contact),
 * and that plan's Propstreet step runs now; a record failing again and again is not the answer.
 * It is planned from the versions read (a write of ours in phase A is no person's edit), and
 * carried out on the current one.
 *
 * Not found is not always deleted: a record merged while the run wrote it answers an update by
 * its old id with not-found too (HubSpot resolves old ids on reads only). The record is read
 * first; a merge is left to the next run, whose delta carries it to the merge planner
 * (merge-pairs.ts), which unlinks and reports, never deletes. So is a deletion in a bridge, where
 * the next run plans it with the other connections in view (sibling-lag.ts).
 */
async function crmGone<R extends PropstreetRecord, W>(
  p: Progress<R>,
  deps: ExecuteDeps<R, W>,
  abort: RunAbort,
): Promise<void> {
  const { pair } = p.pp;
  const later = await notGoneYet(p.pp.plan.crmId ?? '', deps);
  if (later) {
    p.crmGone = false;
    p.failed = { message: later, retryable: true };
    return;
  }
  const gone: PairState<R> = {
    ...pair,
    crm: {
      id: p.pp.plan.crmId ?? '',
      properties: {},
      modifiedAt: deps.clock.now().toISOString(),
      deleted: true,
    },
    crmGone: true,
  };
  const next = deps.plan(gone);
  const current = p.record ?? pair.propstreet;
  p.pp = { ...next, pair: { ...next.pair, propstreet: current, propstreetEcho: false } };
  p.crmGone = false;
  delete p.failed;
  await writePropstreet(p, deps, abort);
}

/** Why a not-found answer is planned on the next run rather than now; undefined: deleted, plan it now. */
async function notGoneYet(
  crmId: string,
  deps: Pick<ExecuteDeps, 'crm' | 'bridge'>,
): Promise<string | undefined> {
  const read = await deps.crm.readByIds([crmId]).catch(() => undefined);
  if (read === undefined)
    return `CRM record ${crmId} answered not-found and could not be read back; planned again on the next run`;
  const merged =
    read.find((r) => r.mergedInto !== undefined && r.id === crmId)?.mergedInto ??
    read.find((r) => r.id !== crmId)?.id;
  if (merged !== undefined)
    return `CRM record ${crmId} was merged into ${merged} while this run wrote it; the merge is planned on the next run`;
  if (read.some((r) => r.id === crmId && !r.deleted))
    return `CRM record ${crmId} answered not-found but reads back; written again on the next run`;
  if (deps.bridge)
    return `CRM record ${crmId} was deleted while this run wrote it; the deletion is planned on the next run, with the bridge's other connections in view`;
  return undefined;
}

/**
 * Propstreet answered the write of a linked contact with not-found: it was deleted without the
 * deletion reaching this run's delta (it left the delta, or a person deleted it during the run).
 * The pair is planned again with the deletion in view, so `deletes.fromPropstreet` decides, as
 * it would have had the delta carried it: the link ends (unlink, ignore, kept against an edit)
 * or the CRM record is deleted (after phase B, with the run's other CRM writes), instead of the
 * record failing run after run on a contact that is not coming back. Nothing is written to
 * Propstreet: a deleted contact is not revived.
 */
function propstreetGone<R extends PropstreetRecord, W>(p: Progress<R>, deps: ExecuteDeps<R, W>): void {
  const next = deps.plan({ ...p.pp.pair, propstreetGone: true, propstreetEcho: false });
  p.pp = next;
  p.psGone = false;
  delete p.failed;
  if (next.plan.action === 'unlink') p.unlink = true;
}

/** A record created in the CRM whose externalRef write-back the commit queues in the ref outbox. */
function wantsRef(p: Progress<PropstreetRecord>): boolean {
  return (
    !p.failed &&
    p.unanswered.size === 0 &&
    p.pp.plan.action === 'create-in-crm' &&
    !p.mirrorFailed &&
    p.record !== null
  );
}

/**
 * The run stopped before phase B: a create's link is known, only its mirror waits for the next
 * run. (A new CRM record's ref write-back needs no holding back: it is queued in the outbox.)
 */
function holdBack(updates: readonly Progress<PropstreetRecord>[]): void {
  for (const p of updates) {
    if (p.pp.plan.action === 'create-in-propstreet') {
      p.mirrorFailed = 'run stopped before the CRM key write-back';
      p.mirrorSide = 'crm';
    } else p.unanswered.add('crm');
  }
}
