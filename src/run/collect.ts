/**
 * Reads a run's changes into staging: Propstreet's delta since its checkpoint (less the overlap),
 * the CRM's, every link by id when the CRM's delta can no longer be trusted with deletions, and
 * by id what is due again (failures past their backoff) or what a person acted on (a relink, a
 * resolved conflict). A record that fails its schema is reported and quarantined, not read.
 */
import type { Clock } from '../core/clock.js';
import { reconcileReason } from '../engine/link-reconcile.js';
import type { PlanTally } from '../engine/plan-tally.js';
import type { CrmObjects, PropstreetRecords } from '../engine/ports.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { Notice, SyncSettings } from '../engine/types.js';
import type { Failure, Scope, StateStore } from '../state/port.js';
import { missingLinkedRecords } from './linked-reads.js';
import { CRM_READ_AT, type ReadCheckpoints } from './plan-sink.js';
import { crmWindow, propstreetSince, type QuietWindow, type WindowPlan } from './quiet-window.js';
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
  /** Retry every recorded failure now, quarantined ones included. */
  readonly retryAll: boolean;
  /** Check every link by id, whatever the checkpoint's age. */
  readonly reconcile: boolean;
  /** Receives the records that fail their schema. */
  readonly tally: PlanTally;
  readonly meter: RunMeter;
}

export interface Collected {
  /** The CRM was read from the beginning (no checkpoint): every live record is staged. */
  readonly crmFullRead: boolean;
  readonly checkpoints: ReadCheckpoints;
  /** Set when every link was checked against the CRM by id, saying why and what it found. */
  readonly reconciled: Notice | undefined;
  /** Records whose payload fails the schema: quarantined at once. */
  readonly quarantine: Failure[];
}

export async function collect<R extends PropstreetRecord>(run: CollectRun<R>): Promise<Collected> {
  const now = run.clock.now();
  const plan = await run.window.load(
    run.store,
    run.scope,
    now,
    run.settings.overlapMs,
    dueFailures(run, now).some((f) => f.side === 'propstreet'),
  );
  const propstreet = await readPropstreet(run, now, plan);
  const crmSince = await run.store.getCheckpoint(run.scope, 'crm');
  const crmReadAt = run.clock.now();
  let crmCheckpoint: string | undefined;
  for await (const page of run.crm.readChanges(crmSince, { ...crmWindow(plan), now: crmReadAt })) {
    run.staging.putCrm(page.records);
    crmCheckpoint = page.checkpoint;
    tick(run, page.records.length);
  }
  const reconciled = await reconcileIfStale(run, crmSince !== null, crmReadAt);
  await rereadById(run, now);
  return {
    crmFullRead: crmSince === null,
    checkpoints: {
      propstreet: propstreet.checkpoint,
      crm: crmCheckpoint,
      crmReadAt: crmReadAt.toISOString(),
      window: run.window,
    },
    reconciled,
    quarantine: propstreet.quarantine,
  };
}

function tick(run: Pick<CollectRun<PropstreetRecord>, 'meter'>, read: number): void {
  run.meter.pulled += read;
  run.meter.report('pull');
}

async function readPropstreet<R extends PropstreetRecord>(run: CollectRun<R>, now: Date, plan: WindowPlan) {
  const { settings, staging } = run;
  const quarantine: Failure[] = [];
  const since = await run.store.getCheckpoint(run.scope, 'propstreet');
  const updatedSince = since ? propstreetSince(since, plan) : undefined;
  let maxUpdated: string | undefined;
  for await (const page of run.propstreet.list({ updatedSince, includeDeleted: true })) {
    staging.putPropstreet(page.records);
    for (const c of page.records) if (!maxUpdated || c.updatedUtc > maxUpdated) maxUpdated = c.updatedUtc;
    for (const bad of page.invalid) {
      run.tally.invalid.push({ side: 'propstreet', id: bad.id, message: `${bad.jsonPath}: ${bad.message}` });
      if (bad.id)
        quarantine.push({
          side: 'propstreet',
          recordId: bad.id,
          attempts: settings.maxAttempts,
          lastError: `invalid payload at ${bad.jsonPath}: ${bad.message}`,
          nextRetryAt: now.toISOString(),
          quarantined: true,
          firstFailedAt: now.toISOString(),
        });
    }
    tick(run, page.records.length);
  }
  // A timestamp from a skewed clock must not carry the checkpoint past "now".
  if (maxUpdated && Date.parse(maxUpdated) > now.getTime()) maxUpdated = now.toISOString();
  return { checkpoint: maxUpdated, quarantine };
}

/** Failures retried in this run: past their backoff, or all of them (`propsync retry`). */
function dueFailures<R extends PropstreetRecord>(run: CollectRun<R>, now: Date): Failure[] {
  return [...run.knownFailures.values()].filter(
    (f) => run.retryAll || (!f.quarantined && Date.parse(f.nextRetryAt) <= now.getTime()),
  );
}

/**
 * Records that failed before and are due again are re-read by id; so is what a person acted
 * on, changed or not: records relinked (`propsync relink`), and both sides of pairs with a
 * resolved conflict (`propsync resolve`).
 */
async function rereadById<R extends PropstreetRecord>(run: CollectRun<R>, now: Date): Promise<void> {
  const due = dueFailures(run, now);
  const fresh: R[] = [];
  for (const id of [
    ...due.filter((f) => f.side === 'propstreet').map((f) => f.recordId),
    ...run.revisit.propstreetIds,
  ]) {
    const record = await run.propstreet.get(id);
    if (record) fresh.push(record);
  }
  run.staging.putPropstreet(fresh);
  const crmIds = [...due.filter((f) => f.side === 'crm').map((f) => f.recordId), ...run.revisit.crmIds];
  if (crmIds.length > 0) run.staging.putCrm(await run.crm.readByIds(crmIds));
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
    now,
    crm: { kind: run.crmAccount.kind, deletionsVisibleForMs: run.crm.deletionsVisibleForMs },
  });
  if (!why) return undefined;
  const count = { checked: 0, missing: 0 };
  const total = await run.store.countLinks(run.scope);
  for await (const gone of missingLinkedRecords(run.store, run.scope, run.crm, now, count)) {
    run.staging.putCrm(gone);
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
