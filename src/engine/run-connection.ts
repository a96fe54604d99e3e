/**
 * One run of one tenant connection: pull both sides' deltas, pair, plan, and either execute
 * (real run) or only hand the plan to the sink (dry run). The plan is computed the same way
 * in both; only the sink differs. Checkpoints move at the end, once every record read is
 * applied or durably recorded as failed.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { redactDeep } from '../core/redact.js';
import type { CrmAdapter } from '../crm/port.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Contact } from '../propstreet/schema.js';
import type { ConflictResolution, Failure, Scope, StateStore } from '../state/port.js';
import { boundResult } from './bounded-result.js';
import { countPlan, emptyCounts } from './counts.js';
import { DeleteWindow, deletionKey, formatWindow } from './delete-window.js';
import { createEchoDetector } from './echo-detector.js';
import { holdTakenEmails } from './email-guard.js';
import { executeChunk, nextFailure } from './execute-chunk.js';
import { fitMapperToCrm } from './fit-mapper.js';
import { missingLinkedRecords, reconcileReason } from './link-reconcile.js';
import { completeNewLinks, pairsForCrm, pairsForPropstreet, type ResolverDeps } from './pair-resolver.js';
import { type PairPlan, type PairState, planPair } from './plan-pair.js';
import { preflight } from './preflight.js';
import type { RecordMapper } from './record-mapper.js';
import { RefLane } from './ref-lane.js';
import { lockOwner, takeRunLock } from './run-lock.js';
import { Staging } from './staging.js';
import type { ConnectionResult, Notice, PlanSink, RecordFailure, RecordPlan, SyncSettings } from './types.js';

export interface RunDeps {
  readonly propstreet: PropstreetApi;
  readonly crm: CrmAdapter;
  readonly store: StateStore;
  readonly mapper: RecordMapper;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Connections the tenant has: with more than one, changeOrigin cannot mark echoes. */
  readonly connectionsInTenant: number;
}

export interface RunProgress {
  readonly phase: 'pull' | 'reconcile' | 'plan' | 'write' | 'refs' | 'done';
  /** Records read so far; once the pull ends, the records staged (what the plan covers at most). */
  readonly pulled: number;
  readonly planned: number;
  readonly written: number;
  /** Links checked by id against the CRM so far, of how many (while reconciling). */
  readonly reconcile?: { readonly checked: number; readonly total: number };
  /** Propstreet externalRef write-backs queued so far, and how many of them are done (written or failed). */
  readonly refs?: { readonly queued: number; readonly done: number };
}

export interface RunOptions {
  readonly dryRun: boolean;
  /** Run past the mass-delete guard. */
  readonly force?: boolean;
  /** Retry every recorded failure now, quarantined ones included (`propsync retry`). */
  readonly retryAll?: boolean;
  /** Receives every chunk of the plan (the report in a dry run; optional in a real run). */
  readonly sink?: PlanSink;
  readonly onProgress?: (p: RunProgress) => void;
  readonly lockTtlMs?: number;
  /** Check every link against the CRM by id, whatever the checkpoint's age. */
  readonly reconcile?: boolean;
  /** Accept Propstreet/CRM accounts other than the ones the state belongs to (`--rebind`). */
  readonly rebind?: boolean;
}

/** Per-scope fact: when (engine clock) the CRM delta behind the stored checkpoint was read. */
export const CRM_READ_AT = 'crm.checkpointReadAt';

/** Relinked contacts and resolved conflicts read per run; more wait for the next run. */
const REVISITS_PER_RUN = 1000;

/** Records a person acted on, read by id whatever the checkpoints say. */
interface Revisit {
  readonly propstreetIds: readonly string[];
  readonly crmIds: readonly string[];
}

/** A run with fewer deletions than this is never stopped by the share rule alone. */
export const GUARD_MIN_DELETES = 5;

export async function runConnection(
  settings: SyncSettings,
  deps: RunDeps,
  options: RunOptions,
): Promise<ConnectionResult> {
  const scope: Scope = { tenant: settings.tenant, connection: settings.connection };
  const { store, clock, logger } = deps;
  const runId = randomUUID();
  const owner = lockOwner(runId);
  const startedAt = clock.now().toISOString();
  const log = logger.child({
    tenant: scope.tenant,
    connection: scope.connection,
    run: runId,
    dryRun: options.dryRun,
  });

  if (!options.dryRun) {
    const locked = await takeRunLock(store, scope, owner, options.lockTtlMs ?? 60 * 60_000);
    if (!locked)
      throw new PropsyncError(
        'RUN_IN_PROGRESS',
        `another run of ${scope.tenant}/${scope.connection} is in progress`,
      );
    await store.startRun(scope, { id: runId, startedAt, dryRun: false });
  }
  const staging = new Staging({ key: deps.crm.keyProperty, email: deps.mapper.crmEmailProperty });
  const planned = emptyCounts();
  const done = emptyCounts();
  const conflicts: ConnectionResult['conflicts'][number][] = [];
  const failures: RecordFailure[] = [];
  const notices = new Map<string, Notice>();
  const invalid: ConnectionResult['invalid'][number][] = [];
  let abort: ConnectionResult['abort'];
  let pulled = { propstreet: 0, crm: 0 };
  let written = 0;
  let plannedCount = 0;
  let pulledCount = 0;
  let reconciling: RunProgress['reconcile'];
  let phase: RunProgress['phase'] = 'pull';
  const progress = (now: RunProgress['phase'] = phase) => {
    phase = now;
    options.onProgress?.({
      phase,
      pulled: pulledCount,
      planned: plannedCount,
      written,
      ...(reconciling ? { reconcile: reconciling } : {}),
      ...(refLane.queued > 0 ? { refs: { queued: refLane.queued, done: refLane.done } } : {}),
    });
  };

  const knownFailures = new Map<string, Failure>(
    (await store.listFailures(scope)).map((f) => [`${f.side}:${f.recordId}`, f]),
  );
  const resolutions = new Map<string, Map<string, ConflictResolution>>();
  const withResolutions = (pair: PairState): PairState => {
    const id = pair.link?.propstreetId ?? pair.propstreet?.id;
    const mine = id === undefined ? undefined : resolutions.get(id);
    return mine ? { ...pair, resolutions: mine } : pair;
  };
  const refLane = new RefLane({
    propstreet: deps.propstreet,
    store,
    scope,
    settings,
    clock,
    fail: (side, recordId, error, now) =>
      nextFailure(settings, knownFailures, side, recordId, error, now, true),
    onDone: () => progress(),
  });
  try {
    await preflight(deps, scope, { dryRun: options.dryRun, rebind: options.rebind === true, log });
    const mapper = await fitMapperToCrm(deps.crm, deps.mapper, log);
    const resolved = await store.listConflicts(scope, { limit: REVISITS_PER_RUN, resolved: true });
    const relinked = await store.listTombstones(scope, { limit: REVISITS_PER_RUN, relinked: true });
    const revisit: Revisit = {
      propstreetIds: [...new Set([...resolved, ...relinked].map((x) => x.propstreetId))],
      crmIds: [...new Set(resolved.map((c) => c.crmId))],
    };
    for (const c of resolved)
      if (c.resolution)
        resolutions.set(
          c.propstreetId,
          new Map([...(resolutions.get(c.propstreetId) ?? []), [c.field, c.resolution]]),
        );
    const collected = await collect(
      settings,
      deps,
      staging,
      scope,
      knownFailures,
      options,
      invalid,
      revisit,
      (step, records, reconcile) => {
        pulledCount += records;
        reconciling = reconcile;
        progress(step);
      },
    );
    if (collected.reconciled) notices.set('full-reconcile', collected.reconciled);
    pulled = { propstreet: staging.count('ps'), crm: staging.count('crm') };
    pulledCount = pulled.propstreet + pulled.crm;
    reconciling = undefined;
    if (collected.quarantine.length > 0 && !options.dryRun)
      await store.commit(scope, { upsertFailures: collected.quarantine });

    const windowMs = settings.deletes.windowMs ?? 0;
    const deleteWindow =
      windowMs > 0 ? await DeleteWindow.load(store, scope, windowMs, clock.now()) : undefined;
    if (deleteWindow && !deleteWindow.readable)
      log.warn('the record of recent deletions was unreadable; the deletion window starts afresh');
    const guard = await massDeleteGuard(settings, deps, staging, scope, deleteWindow);
    if (guard && !options.force) {
      abort = { code: 'MASS_DELETE_GUARD', message: guard };
      log.warn({ guard }, 'mass-delete guard');
    }
    // Deletions an operator let through with --force are accepted: they (and the ones before
    // them) no longer count against later runs.
    const recordDeletes = !(guard && options.force);
    if (guard && options.force && !options.dryRun) await deleteWindow?.clear();

    const resolverDeps: ResolverDeps = {
      store,
      crm: deps.crm,
      propstreet: deps.propstreet,
      staging,
      mapper,
      settings,
      scope,
      crmFullyStaged: collected.crmFullRead,
      echoes: createEchoDetector(store, scope, {
        ownChangeOrigins: settings.ownChangeOrigins,
        connectionsInTenant: deps.connectionsInTenant,
      }),
    };
    const plan = (pair: PairState): PairPlan => planPair(pair, settings, mapper, deps.crm.keyProperty);
    const handle = async (pairs: PairState[]) => {
      const held = (options.retryAll ? pairs : pairs.map((p) => holdQuarantined(p, knownFailures))).map(
        withResolutions,
      );
      const plans = (await completeNewLinks(held, resolverDeps)).map(plan);
      const records: RecordPlan[] = plans.map((pp) =>
        abort?.code === 'MASS_DELETE_GUARD' && pp.plan.action.startsWith('delete')
          ? { ...pp.plan, guarded: true }
          : pp.plan,
      );
      for (const r of records) {
        countPlan(planned, r);
        for (const c of r.conflicts) conflicts.push({ ...c, propstreetId: r.propstreetId, crmId: r.crmId });
        // A merge's notice rides on each of its records: report it once.
        if (r.notice) notices.set(`${r.notice.kind}\n${r.notice.crmId}\n${r.notice.text}`, r.notice);
        if (r.action === 'invalid')
          invalid.push({
            side: r.propstreetId ? 'propstreet' : 'crm',
            id: r.propstreetId ?? r.crmId ?? undefined,
            message: r.problems.join('; '),
          });
      }
      plannedCount += records.length;
      await options.sink?.records(records);
      progress('plan');
      if (options.dryRun || abort) return;
      if (deleteWindow && recordDeletes)
        await deleteWindow.record(
          plans.filter((pp) => pp.plan.action.startsWith('delete')).map((pp) => deletionKey(pp.plan)),
          clock.now(),
        );
      const outcome = await executeChunk(plans, {
        crm: deps.crm,
        propstreet: deps.propstreet,
        store,
        scope,
        settings,
        mapper,
        clock,
        knownFailures,
        replan: (pp, fresh) => plan({ ...pp.pair, propstreet: fresh, propstreetEcho: false }),
      });
      for (const r of outcome.succeeded) countPlan(done, r);
      failures.push(...outcome.failures);
      refLane.add(outcome.refTasks);
      written += outcome.succeeded.length;
      progress('write');
      if (outcome.abort) abort = abortOf(outcome.abort);
    };
    // Chunks of at least a batch are whole CRM batches (500 → 600 for Salesforce's 200), so
    // no call goes half full; a smaller chunk size is the tenant's choice and is kept.
    const batch = Math.max(1, deps.crm.limits.writeBatchSize);
    const chunkSize =
      settings.chunkSize >= batch ? Math.ceil(settings.chunkSize / batch) * batch : settings.chunkSize;
    // The ref lane may lag Propstreet's rate by a few chunks, never by the whole data set.
    const laneLimit = 4 * chunkSize;
    for (const chunk of staging.propstreetChunks(chunkSize)) {
      await refLane.backpressure(laneLimit);
      if ((abort || refLane.abort) && !options.dryRun) break;
      await handle(await pairsForPropstreet(chunk, resolverDeps));
    }
    for (const chunk of staging.crmChunks(chunkSize)) {
      if ((abort || refLane.abort) && !options.dryRun) break;
      await handle(await holdTakenEmails(await pairsForCrm(chunk, resolverDeps), resolverDeps));
    }
    if (refLane.queued > refLane.done) progress('refs');
    await refLane.drain();
    failures.push(...refLane.failures);
    if (refLane.abort && !abort) abort = abortOf(refLane.abort);
    if (!options.dryRun && !abort) {
      await store.commit(scope, {
        checkpoints: {
          ...(collected.propstreetCheckpoint ? { propstreet: collected.propstreetCheckpoint } : {}),
          ...(collected.crmCheckpoint ? { crm: collected.crmCheckpoint } : {}),
        },
      });
      if (collected.crmCheckpoint) await store.setMeta(scope, CRM_READ_AT, collected.crmReadAt);
    }
  } catch (error) {
    // Whatever stops the run, the lock is released and the run recorded below; checkpoints
    // have not moved, so the next run re-reads everything this one did not finish.
    if (error instanceof PropsyncError) {
      abort = { code: error.code, message: error.message };
      log.error({ code: error.code, err: error.message }, 'run stopped');
    } else {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      abort = {
        code: 'INTERNAL',
        message: `unexpected error (an API answer the connector cannot read?): ${message}`,
      };
      log.error(
        { err: error instanceof Error ? error.stack : message },
        'run stopped by an unexpected error',
      );
    }
  } finally {
    // Never leave write-backs running past the run (the store may be closed next).
    await refLane.drain().catch(() => undefined);
    staging.close();
  }

  const status: ConnectionResult['status'] = abort
    ? 'aborted'
    : failures.length > 0 || invalid.length > 0
      ? 'partial'
      : 'ok';
  // Error texts from the APIs may echo a token back, and labels and values carry whatever a
  // contact holds: the result goes to logs, reports and the run log, so it is scrubbed and
  // bounded once here (redacted first: a clipped secret would no longer be recognised).
  const scrubbed: ConnectionResult = redactDeep({
    tenant: scope.tenant,
    connection: scope.connection,
    crm: deps.crm.kind,
    dryRun: options.dryRun,
    status,
    pulled,
    planned,
    done,
    conflicts,
    failures,
    notices: [...notices.values()],
    invalid,
    calls: { propstreet: deps.propstreet.usage().calls, crm: deps.crm.usage().calls },
    startedAt,
    finishedAt: clock.now().toISOString(),
    abort,
  });
  const result = boundResult(scrubbed);
  progress('done');
  if (!options.dryRun) {
    await store.finishRun(scope, runId, { finishedAt: result.finishedAt, status, summary: result });
    await store.releaseLock(scope, owner);
  }
  return result;
}

function abortOf(e: unknown): NonNullable<ConnectionResult['abort']> {
  return {
    code: e instanceof PropsyncError ? e.code : 'INTERNAL',
    message: e instanceof Error ? e.message : String(e),
  };
}

/**
 * A quarantined record comes back in every overlap window; it is left alone until it
 * changes after it was quarantined (or `propsync retry` forces it).
 */
function holdQuarantined(pair: PairState, failures: Map<string, Failure>): PairState {
  const id = pair.propstreet?.id ?? pair.link?.propstreetId;
  const failure =
    (id ? failures.get(`propstreet:${id}`) : undefined) ??
    (pair.crm ? failures.get(`crm:${pair.crm.id}`) : undefined);
  if (!failure?.quarantined) return pair;
  const stamps = [pair.propstreet?.updatedUtc, pair.crm?.modifiedAt].filter((s): s is string => Boolean(s));
  const changedSince = stamps.some((s) => Date.parse(s) > Date.parse(failure.nextRetryAt));
  if (changedSince) return pair;
  return {
    ...pair,
    skipReason: `quarantined after ${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'} (${failure.lastError}); edit the record or run \`propsync retry\``,
  };
}

/** Reports reading progress: records read by this step, and the reconcile's count while it runs. */
type Tick = (phase: 'pull' | 'reconcile', records: number, reconcile?: RunProgress['reconcile']) => void;

interface Collected {
  /** The CRM was read from the beginning (no checkpoint): every live record is staged. */
  crmFullRead: boolean;
  propstreetCheckpoint: string | undefined;
  crmCheckpoint: string | undefined;
  /** When this run's CRM delta read began. */
  crmReadAt: string;
  /** Set when every link was checked against the CRM by id, saying why and what it found. */
  reconciled: Notice | undefined;
  quarantine: Failure[];
}

async function collect(
  settings: SyncSettings,
  deps: RunDeps,
  staging: Staging,
  scope: Scope,
  knownFailures: Map<string, Failure>,
  options: RunOptions,
  invalid: ConnectionResult['invalid'][number][],
  revisit: Revisit,
  tick: Tick,
): Promise<Collected> {
  const { store, clock } = deps;
  const now = clock.now();
  const quarantine: Failure[] = [];
  const psSince = await store.getCheckpoint(scope, 'propstreet');
  let maxUpdated: string | undefined;
  const updatedSince = psSince ? new Date(Date.parse(psSince) - settings.overlapMs).toISOString() : undefined;
  for await (const page of deps.propstreet.listContacts({ updatedSince, includeDeleted: true })) {
    staging.putPropstreet(page.contacts);
    for (const c of page.contacts) if (!maxUpdated || c.updatedUtc > maxUpdated) maxUpdated = c.updatedUtc;
    for (const bad of page.invalid) {
      invalid.push({ side: 'propstreet', id: bad.id, message: `${bad.jsonPath}: ${bad.message}` });
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
    tick('pull', page.contacts.length);
  }
  // A timestamp from a skewed clock must not carry the checkpoint past "now".
  if (maxUpdated && Date.parse(maxUpdated) > now.getTime()) maxUpdated = now.toISOString();

  let crmCheckpoint: string | undefined;
  const crmSince = await store.getCheckpoint(scope, 'crm');
  const crmReadAt = clock.now();
  for await (const page of deps.crm.readChanges(crmSince, {
    overlapMs: settings.overlapMs,
    now: crmReadAt,
  })) {
    staging.putCrm(page.records);
    crmCheckpoint = page.checkpoint;
    tick('pull', page.records.length);
  }
  const reconciled = await reconcileIfStale(
    deps,
    staging,
    scope,
    crmSince !== null,
    options,
    crmReadAt,
    tick,
  );

  // Records that failed before and are due again are re-read by id.
  const due = [...knownFailures.values()].filter(
    (f) =>
      (options.retryAll || !f.quarantined) &&
      (options.retryAll || Date.parse(f.nextRetryAt) <= now.getTime()),
  );
  const psIds = due.filter((f) => f.side === 'propstreet').map((f) => f.recordId);
  const fresh: Contact[] = [];
  for (const id of psIds) {
    const contact = await deps.propstreet.getContact(id);
    if (contact) fresh.push(contact);
  }
  // What a person acted on is read again, changed or not: contacts relinked (`propsync
  // relink`), and both sides of pairs with a resolved conflict (`propsync resolve`).
  for (const id of revisit.propstreetIds) {
    const contact = await deps.propstreet.getContact(id);
    if (contact) fresh.push(contact);
  }
  staging.putPropstreet(fresh);
  const crmIds = [...due.filter((f) => f.side === 'crm').map((f) => f.recordId), ...revisit.crmIds];
  if (crmIds.length > 0) staging.putCrm(await deps.crm.readByIds(crmIds));
  return {
    crmFullRead: crmSince === null,
    propstreetCheckpoint: maxUpdated ?? undefined,
    crmCheckpoint,
    crmReadAt: crmReadAt.toISOString(),
    reconciled,
    quarantine,
  };
}

/**
 * Deletions older than the CRM keeps them visible are gone from its delta: when the stored
 * checkpoint is that old (or its age is unknown, or the user asks), every link is checked by
 * id and what the CRM no longer has is staged as deleted, so no deletion is silently missed.
 */
async function reconcileIfStale(
  deps: RunDeps,
  staging: Staging,
  scope: Scope,
  hasCheckpoint: boolean,
  options: RunOptions,
  now: Date,
  tick: Tick,
): Promise<Collected['reconciled']> {
  const why = reconcileReason({
    requested: options.reconcile === true,
    hasCheckpoint,
    checkpointReadAt: hasCheckpoint ? await deps.store.getMeta(scope, CRM_READ_AT) : null,
    now,
    crm: deps.crm,
  });
  if (!why) return undefined;
  const count = { checked: 0, missing: 0 };
  const total = await deps.store.countLinks(scope);
  for await (const gone of missingLinkedRecords(deps.store, scope, deps.crm, now, count)) {
    staging.putCrm(gone);
    tick('reconcile', gone.length, { checked: count.checked, total });
  }
  return {
    kind: 'full-reconcile',
    text: `${why}: checked ${count.checked} links by id; ${count.missing} no longer in ${deps.crm.kind}`,
    propstreetIds: [],
    crmId: null,
  };
}

/** Says why the run must stop before deleting, or undefined when it may go on. */
async function massDeleteGuard(
  settings: SyncSettings,
  deps: RunDeps,
  staging: Staging,
  scope: Scope,
  window: DeleteWindow | undefined,
): Promise<string | undefined> {
  // Count links, not records: a pair deleted on both sides only ends its link.
  const psGone = new Set<string>();
  const crmGone = new Set<string>();
  for (const ids of staging.deletedIds('ps', 500))
    for (const l of await deps.store.linksByPropstreetIds(scope, ids)) psGone.add(l.propstreetId);
  for (const ids of staging.deletedIds('crm', 500))
    for (const l of await deps.store.linksByCrmIds(scope, ids)) crmGone.add(l.propstreetId);
  const deleting = new Set<string>();
  if (settings.deletes.fromPropstreet === 'archive' || settings.deletes.fromPropstreet === 'delete')
    for (const id of psGone) if (!crmGone.has(id)) deleting.add(id);
  if (settings.deletes.fromCrm === 'delete') for (const id of crmGone) if (!psGone.has(id)) deleting.add(id);
  const deletes = deleting.size;
  if (deletes === 0) return undefined;
  const links = await deps.store.countLinks(scope);
  const { maxShare, maxCount } = settings.deletes;
  if (maxCount !== undefined && deletes > maxCount)
    return `this run would delete ${deletes} records, more than deletes.maxCount (${maxCount}); rerun with --force if intended`;
  if (deletes >= GUARD_MIN_DELETES && deletes > maxShare * links)
    return `this run would delete ${deletes} of ${links} linked records (${((100 * deletes) / links).toFixed(1)}%), more than deletes.maxShare (${(maxShare * 100).toFixed(1)}%); rerun with --force if intended`;
  // The window: earlier runs' deletions count too, against the links there were before them.
  const earlier = window?.othersThan(deleting) ?? 0;
  if (earlier === 0) return undefined;
  const total = deletes + earlier;
  const before = links + earlier;
  const span = `deletes.window (${formatWindow(settings.deletes.windowMs ?? 0)})`;
  if (maxCount !== undefined && total > maxCount)
    return `this run would delete ${deletes} records after ${earlier} deleted by runs within ${span}: ${total}, more than deletes.maxCount (${maxCount}); rerun with --force if intended`;
  if (total >= GUARD_MIN_DELETES && total > maxShare * before)
    return `this run would delete ${deletes} records after ${earlier} deleted by runs within ${span}: ${total} of ${before} linked records (${((100 * total) / before).toFixed(1)}%), more than deletes.maxShare (${(maxShare * 100).toFixed(1)}%); rerun with --force if intended`;
  return undefined;
}
