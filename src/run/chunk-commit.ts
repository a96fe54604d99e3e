/**
 * Turns a chunk's progress into one transactional state change: links made, moved or ended,
 * shadows, own etags, failures with their attempts, tombstones, the open conflicts of every
 * pair whose conflicts are known now, and the ref outbox: the externalRef write-back of each
 * record created in the CRM is queued with its link (one transaction: a crash cannot keep the
 * link and lose the write-back), and a write-back the plan itself made is taken off it.
 */

import type { PairPlan } from '../engine/plan-pair.js';
import { nextFailure } from '../engine/record-failure.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { RecordFailure, RecordPlan } from '../engine/types.js';
import type {
  CanonicalValues,
  Failure,
  Link,
  PendingRef,
  Side,
  StateChanges,
  Tombstone,
} from '../state/port.js';
import { type Progress, recordKeyOf } from './chunk-progress.js';
import type { ExecuteDeps } from './execute-chunk.js';
import { type HeldDelete, heldDeleteFact, heldDeleteKey } from './held-deletes.js';

/** What a chunk leaves behind once committed. */
export interface Settled {
  /** The plans as finally executed (a 412 may have changed some), for the done counts. */
  readonly succeeded: RecordPlan[];
  readonly failures: RecordFailure[];
  /** externalRef write-backs queued in the ref outbox (records created in the CRM). */
  queuedRefs: number;
}

const NEW_LINK: ReadonlySet<RecordPlan['action']> = new Set([
  'create-in-crm',
  'create-in-propstreet',
  'link',
]);

/** Actions after which a pair's open conflicts are known (a create has none, a skip was not looked at). */
const KNOWS_CONFLICTS: ReadonlySet<RecordPlan['action']> = new Set([
  'update',
  'link',
  'noop',
  'unlink',
  'delete-in-crm',
  'delete-in-propstreet',
]);

/** The state changes of one chunk, gathered pair by pair. */
class ChunkChanges<R extends PropstreetRecord> {
  readonly upsertLinks: Link[] = [];
  readonly deleteLinks: string[] = [];
  readonly ownEtags: { propstreetId: string; etag: string }[] = [];
  readonly upsertFailures: Failure[] = [];
  readonly clearFailures: { side: Side; recordId: string }[] = [];
  readonly upsertTombstones: Tombstone[] = [];
  readonly deleteTombstones: string[] = [];
  readonly replaceConflicts: NonNullable<StateChanges['replaceConflicts']>[number][] = [];
  readonly enqueueRefs: PendingRef[] = [];
  readonly refsDone: { propstreetId: string; crmId: string }[] = [];
  readonly upsertMeta: { key: string; value: string }[] = [];
  readonly deleteMeta: string[] = [];
  readonly settled: Settled = { succeeded: [], failures: [], queuedRefs: 0 };
  /** `now` as stored: one string for the chunk's every link, ref and conflict, not one a record. */
  readonly at: string;

  constructor(
    readonly deps: Pick<ExecuteDeps, 'settings' | 'redactor' | 'knownFailures'>,
    readonly now: Date,
  ) {
    this.at = now.toISOString();
  }

  /** Records a failure of the pair's record (or of its mirror) for a later run. */
  fail(
    p: Progress<R>,
    side: Side,
    recordId: string,
    message: string,
    o: { soon: boolean; untilChanged?: boolean; transient?: boolean },
  ) {
    const failure = nextFailure(
      this.deps.settings,
      this.deps.redactor,
      this.deps.knownFailures,
      side,
      recordId,
      message,
      this.now,
      o.soon,
      o.untilChanged === true,
      o.transient === true,
    );
    this.upsertFailures.push(failure);
    this.settled.failures.push({
      side,
      recordId,
      label: p.pp.plan.label,
      error: message,
      quarantined: failure.quarantined,
    });
  }

  /**
   * Clears the side's failure of a record that succeeded, when it has one: the run loaded every
   * failure at its start and `fail` adds this run's (knownFailures), so a record never failed
   * costs no DELETE (two a record, ~20 % of a first sync's state writes).
   */
  clearFailure(side: Side, recordId: string): void {
    // A run with no failure at all (most first syncs) builds no key a record.
    if (this.deps.knownFailures.size === 0) return;
    if (this.deps.knownFailures.has(`${side}:${recordId}`)) this.clearFailures.push({ side, recordId });
  }

  conflictsOf(plan: RecordPlan, ended: boolean): void {
    const { propstreetId, crmId } = plan;
    if (!propstreetId || !crmId || !KNOWS_CONFLICTS.has(plan.action)) return;
    const open = ended ? [] : plan.conflicts.filter((c) => c.winner === 'none' && !c.resolved);
    const since = this.at;
    this.replaceConflicts.push({
      propstreetId,
      conflicts: open.map((c) => ({
        propstreetId,
        crmId,
        field: c.field,
        propstreet: c.propstreet,
        crm: c.crm,
        shadow: c.shadow,
        since,
      })),
    });
  }

  toStateChanges(): StateChanges {
    return {
      upsertLinks: this.upsertLinks,
      deleteLinks: this.deleteLinks,
      ownEtags: this.ownEtags,
      upsertFailures: this.upsertFailures,
      clearFailures: this.clearFailures,
      upsertTombstones: this.upsertTombstones,
      deleteTombstones: this.deleteTombstones,
      replaceConflicts: this.replaceConflicts,
      enqueueRefs: this.enqueueRefs,
      refsDone: this.refsDone,
      ...(this.upsertMeta.length > 0 ? { upsertMeta: this.upsertMeta } : {}),
      ...(this.deleteMeta.length > 0 ? { deleteMeta: this.deleteMeta } : {}),
    };
  }
}

export async function commitChunk<R extends PropstreetRecord>(
  progress: readonly Progress<R>[],
  deps: Pick<
    ExecuteDeps,
    'settings' | 'redactor' | 'knownFailures' | 'clock' | 'store' | 'scope' | 'meter' | 'heldDeletes'
  >,
  refs: ReadonlySet<Progress<R>>,
  plans: readonly PairPlan<R>[],
): Promise<Settled> {
  const changes = new ChunkChanges<R>(deps, deps.clock.now());
  // A no-op writes nothing, but its open conflicts (manual policy) are what `propsync
  // conflicts` lists: recorded as planned now.
  for (const pp of plans) {
    if (pp.plan.action !== 'noop') continue;
    changes.conflictsOf(pp.plan, false);
    agreeOn(pp, changes);
  }
  for (const p of progress) settle(p, changes, refs.has(p));
  heldDeletes(plans, progress, deps.heldDeletes, changes);
  if (deps.meter) deps.meter.refs.queued += changes.settled.queuedRefs;
  await deps.store.commit(deps.scope, changes.toStateChanges());
  return changes.settled;
}

/**
 * CRM deletions held for the bridge's other connections (held-deletes.ts): a pair held now keeps
 * its fact, one held before and settled now drops it. A pair whose write failed, or was never
 * answered, keeps it, so the next run stages the deletion again.
 */
function heldDeletes<R extends PropstreetRecord>(
  plans: readonly PairPlan<R>[],
  progress: readonly Progress<R>[],
  held: ReadonlyMap<string, HeldDelete> | undefined,
  changes: ChunkChanges<R>,
): void {
  const unsettled = new Set(
    progress.flatMap((p) => (p.crmId && (p.failed || p.unanswered.size > 0) ? [p.crmId] : [])),
  );
  for (const { plan, pair } of plans) {
    const fact = heldDeleteFact(plan, pair.crm?.modifiedAt ?? changes.at);
    if (fact) changes.upsertMeta.push(fact);
    else if (plan.crmId && held?.has(plan.crmId) && !unsettled.has(plan.crmId))
      changes.deleteMeta.push(heldDeleteKey(plan.crmId));
  }
}

function settle<R extends PropstreetRecord>(
  p: Progress<R>,
  changes: ChunkChanges<R>,
  wantsRef: boolean,
): void {
  const key = recordKeyOf(p);
  // A write sent but never answered (the run stopped): what happened is unknown, so nothing is
  // recorded, our answered Propstreet writes' etags included (bug 40): the version we wrote may
  // still hold a person's edits bound for the CRM, and taken as our echo the next run would plan
  // that side as the shadow and never send them. A pair that failed keeps them (a bridge's other
  // connection must know the write for ours: sibling-edits.ts) and is never an echo while its
  // failure is on record (echo-detector.ts).
  if (p.unanswered.size > 0) return;
  if (p.psId) for (const etag of p.ownEtags) changes.ownEtags.push({ propstreetId: p.psId, etag });
  if (p.failed) {
    changes.fail(p, key.side, key.id, p.failed.message, {
      soon: false,
      untilChanged: p.failed.untilChanged === true,
      transient: p.failed.transient === true,
    });
    return;
  }
  if (p.unlink) endLink(p, changes);
  else if (p.psId && p.crmId) keepLink(p, p.psId, p.crmId, changes, wantsRef);
  if (p.mirrorFailed) {
    const mirror = p.mirrorSide === 'crm' && p.crmId ? { side: 'crm' as const, id: p.crmId } : key;
    changes.fail(p, mirror.side, mirror.id, p.mirrorFailed, { soon: true });
  } else {
    changes.clearFailure('propstreet', p.psId ?? key.id);
    changes.clearFailure('crm', p.crmId ?? key.id);
  }
  changes.conflictsOf(p.pp.plan, p.unlink === true);
  changes.settled.succeeded.push(p.pp.plan);
}

/**
 * A no-op whose merge moved the shadow (the same change made on both sides) stores it: that
 * value is the new agreement. Left old, every later run would see both sides changed, write
 * again, and take a one-sided edit for a conflict. A clean no-op stores nothing.
 */
function agreeOn<R extends PropstreetRecord>({ pair, shadow }: PairPlan<R>, changes: ChunkChanges<R>): void {
  const link = pair.link;
  if (!link || !shadow || sameValues(link.shadow, shadow)) return;
  changes.upsertLinks.push({
    ...link,
    shadow,
    propstreetEtag: pair.propstreet?.etag ?? link.propstreetEtag,
    crmModifiedAt: pair.crm?.modifiedAt ?? link.crmModifiedAt,
    updatedAt: changes.at,
  });
}

function sameValues(a: CanonicalValues | null, b: CanonicalValues): boolean {
  if (!a) return false;
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const f of fields) if ((a[f] ?? null) !== (b[f] ?? null)) return false;
  return true;
}

function endLink<R extends PropstreetRecord>(p: Progress<R>, changes: ChunkChanges<R>): void {
  const ended = p.pp.pair.link;
  if (!ended) return;
  changes.deleteLinks.push(ended.propstreetId);
  if (p.pp.plan.tombstone !== undefined)
    changes.upsertTombstones.push({
      propstreetId: ended.propstreetId,
      crmId: ended.crmId,
      reason: p.pp.plan.tombstone,
      endedAt: changes.at,
      relinkedAt: null,
    });
}

function keepLink<R extends PropstreetRecord>(
  p: Progress<R>,
  psId: string,
  crmId: string,
  changes: ChunkChanges<R>,
  wantsRef: boolean,
): void {
  // A new link (a relinked contact, a restored CRM record, deletes.recreate) ends any tombstone.
  if (NEW_LINK.has(p.pp.plan.action)) changes.deleteTombstones.push(psId);
  const link: Link = {
    propstreetId: psId,
    crmId,
    shadow: p.pp.shadow,
    propstreetEtag: p.psEtag,
    crmModifiedAt: p.crmModifiedAt,
    updatedAt: changes.at,
  };
  changes.upsertLinks.push(link);
  if (wantsRef && !p.mirrorFailed && p.record) {
    changes.enqueueRefs.push({
      propstreetId: psId,
      crmId,
      namespace: changes.deps.settings.namespace,
      etag: p.psEtag,
      refs: p.record.externalRefs,
      enqueuedAt: changes.at,
      attempts: 0,
      lastError: null,
    });
    changes.settled.queuedRefs++;
  }
  // The plan wrote the ref itself (it read the record without it): a queued write-back is done.
  else if (p.pp.plan.writePropstreetRef && !p.mirrorFailed)
    changes.refsDone.push({ propstreetId: psId, crmId });
}
