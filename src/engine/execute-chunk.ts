/**
 * Executes one chunk of pair plans through the ports and turns the results into one
 * transactional state change. Two phases, each overlapping the APIs:
 *   A. Propstreet value writes, creates and deletes  ∥  CRM creates (upserts) and deletes
 *   B. CRM updates (incl. the key on new Propstreet contacts)
 * CRM updates wait for phase A because a 412 on Propstreet re-plans the pair. The externalRef
 * write-backs of new CRM records go to the ref lane (ref-lane.ts), so Propstreet's one-call-
 * per-record rate never holds up the CRM's batches.
 */
import pLimit from 'p-limit';
import { clipText, MESSAGE_MAX } from '../core/clip-text.js';
import type { Clock } from '../core/clock.js';
import { isPropsyncError } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import type { CrmAdapter, WriteResult } from '../crm/port.js';
import type { PropstreetApi } from '../propstreet/port.js';
import { isDuplicateEmail } from '../propstreet/problem.js';
import type { Contact } from '../propstreet/schema.js';
import type { Failure, Link, Scope, Side, StateChanges, StateStore, Tombstone } from '../state/port.js';
import { inBatches, stopsTheRun } from './crm-batches.js';
import type { PairPlan } from './plan-pair.js';
import {
  createInPropstreet,
  deleteWithReplan,
  patchWithReplan,
  refsWith,
  type WriteDeps,
} from './propstreet-writes.js';
import type { RecordMapper } from './record-mapper.js';
import type { RefTask } from './ref-lane.js';
import type { RecordFailure, RecordPlan, SyncSettings } from './types.js';

export interface ExecuteDeps {
  readonly crm: CrmAdapter;
  readonly propstreet: PropstreetApi;
  readonly store: StateStore;
  readonly scope: Scope;
  readonly settings: SyncSettings;
  readonly mapper: RecordMapper;
  readonly clock: Clock;
  /** Failures known before this run, by `${side}:${id}` (for attempt counts). */
  readonly knownFailures: Map<string, Failure>;
  /** Re-plans a pair with a fresh Propstreet version (after a stale etag). */
  readonly replan: (pp: PairPlan, fresh: Contact) => PairPlan;
}

export interface ChunkOutcome {
  /** The plans as finally executed (a 412 may have changed some), for the done counts. */
  readonly succeeded: RecordPlan[];
  readonly failures: RecordFailure[];
  /** externalRef write-backs for records created in the CRM: the caller runs them in the ref lane. */
  readonly refTasks: RefTask[];
  /** An error that must stop the run (daily limit, auth); what succeeded is committed. */
  readonly abort?: unknown;
}

interface Progress {
  pp: PairPlan;
  psId: string | null;
  crmId: string | null;
  psEtag: string | null;
  crmModifiedAt: string | null;
  ownEtags: string[];
  /** Value writes failed: keep the old shadow. `untilChanged`: held until the record changes. */
  failed?: { message: string; retryable: boolean; untilChanged?: boolean };
  /** Only a key/ref write-back failed: the link and shadow stand, the mirror is retried. */
  mirrorFailed?: string;
  /** The side whose record lacks the mirror: a retry re-reads that record and writes it. */
  mirrorSide?: Side;
  /** The link ends with this pair (delete, unlink). */
  unlink?: boolean;
  contact: Contact | null;
  /** Writes started but not answered (the run stopped): such a pair commits nothing. */
  pending: number;
}

const NEW_LINK: ReadonlySet<RecordPlan['action']> = new Set([
  'create-in-crm',
  'create-in-propstreet',
  'link',
]);

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function executeChunk(plans: readonly PairPlan[], deps: ExecuteDeps): Promise<ChunkOutcome> {
  const { crm, propstreet, settings, mapper } = deps;
  const progress: Progress[] = plans
    .filter((pp) => pp.plan.action !== 'noop' && pp.plan.action !== 'skip')
    .map((pp) => ({
      pp,
      psId: pp.plan.propstreetId,
      crmId: pp.plan.crmId,
      psEtag: pp.pair.propstreet?.etag ?? pp.pair.link?.propstreetEtag ?? null,
      crmModifiedAt: pp.pair.crm?.modifiedAt ?? pp.pair.link?.crmModifiedAt ?? null,
      ownEtags: [],
      contact: pp.pair.propstreet,
      pending: 0,
      // A record the CRM would reject is recorded as failed without a call.
      ...(pp.plan.action === 'invalid'
        ? { failed: { message: pp.plan.problems.join('; '), retryable: false } }
        : {}),
    }));
  let abort: unknown;
  const limit = pLimit(settings.propstreetConcurrency);
  const crmConcurrency = crm.limits.maxConcurrency;
  const fail = (p: Progress, error: unknown) => {
    if (stopsTheRun(error)) abort ??= error;
    p.failed = { message: message(error), retryable: isPropsyncError(error) ? error.retryable : true };
  };
  const applyCrm = (p: Progress, r: WriteResult | undefined) => {
    if (!r) return;
    p.pending--;
    if (r.ok) {
      p.crmId = r.id;
      p.crmModifiedAt = r.modifiedAt ?? p.crmModifiedAt;
    } else if (r.error.code === 'duplicate' && r.error.existingId && p.pp.plan.action === 'create-in-crm') {
      // The CRM already has this person: link it, and merge on the retry with both sides read.
      p.crmId = r.error.existingId;
      p.mirrorFailed = `linked to existing CRM record ${r.error.existingId} (${r.error.message}); merging on retry`;
      p.pp = { ...p.pp, shadow: null };
    } else if (r.error.code === 'not-found' && p.pp.plan.action === 'delete-in-crm') {
      p.unlink = true;
    } else {
      p.failed = {
        message: withCode(r.error.crmCode ?? r.error.code, r.error.message),
        retryable: r.error.retryable,
        ...(r.error.untilChanged ? { untilChanged: true } : {}),
      };
    }
  };

  // Phase A.
  const psWrites = progress.map((p) =>
    limit(async () => {
      p.pending++;
      if (abort) return;
      const { plan } = p.pp;
      const writeDeps: WriteDeps = {
        propstreet,
        mapper,
        namespace: settings.namespace,
        own: (etag) => p.ownEtags.push(etag),
      };
      const replan = (fresh: Contact) => deps.replan(p.pp, fresh);
      try {
        if (plan.action === 'create-in-propstreet') {
          const contact = await createInPropstreet(p.pp, writeDeps);
          p.psId = contact.id;
          p.psEtag = contact.etag ?? null;
          p.contact = contact;
        } else if (plan.action === 'delete-in-propstreet') {
          const out = await deleteWithReplan(p.pp, { propstreet, replan });
          p.pp = out.pp;
          if (out.deleted) p.unlink = true;
          else
            p.failed = {
              message: `edited in Propstreet after the delete was planned; re-planned: ${out.pp.plan.action} (${out.pp.plan.reason}), carried out on the next run`,
              retryable: true,
            };
        } else if (plan.action === 'unlink') {
          // A link ended by a CRM merge leaves the contact as it is, ref included (its
          // tombstone keeps a later edit from creating the person again).
          if (!p.pp.pair.mergedAway) await dropRef(p, deps);
          p.unlink = true;
        } else if (
          (plan.action === 'update' || plan.action === 'link') &&
          (plan.toPropstreet.length > 0 || plan.writePropstreetRef)
        ) {
          const out = await patchWithReplan(p.pp, { ...writeDeps, replan });
          p.pp = out.pp;
          if (out.contact) {
            p.contact = out.contact;
            p.psEtag = out.contact.etag ?? p.psEtag;
          }
          if (!['update', 'link', 'noop'].includes(out.pp.plan.action))
            p.failed = { message: `changed meanwhile, now: ${out.pp.plan.reason}`, retryable: true };
        }
      } catch (error) {
        if (stopsTheRun(error)) {
          abort ??= error;
          return;
        }
        if (plan.action === 'delete-in-propstreet' && isPropsyncError(error) && error.code === 'NOT_FOUND')
          p.unlink = true;
        else if (plan.action === 'create-in-propstreet' && isDuplicateEmail(error))
          p.failed = { message: emailTaken(p.pp, mapper.crmEmailProperty, error), retryable: true };
        else fail(p, error);
      }
      p.pending--;
    }),
  );
  const creates = progress.filter((p) => p.pp.plan.action === 'create-in-crm');
  const deletes = progress.filter((p) => p.pp.plan.action === 'delete-in-crm');
  for (const p of [...creates, ...deletes]) p.pending++;
  const crmPhaseA = (async () => {
    try {
      const created = await inBatches(creates, crm.limits.writeBatchSize, crmConcurrency, (batch) =>
        crm.upsertByKey(batch.map((p) => ({ key: p.psId!, properties: p.pp.crmProperties }))),
      );
      created.forEach((r, i) => {
        applyCrm(creates[i]!, r);
      });
      const deleted = await inBatches(deletes, crm.limits.writeBatchSize, crmConcurrency, (batch) =>
        crm.delete(batch.map((p) => p.crmId!)),
      );
      deleted.forEach((r, i) => {
        const p = deletes[i]!;
        applyCrm(p, r);
        if (r.ok) p.unlink = true;
      });
    } catch (error) {
      abort ??= error;
    }
  })();
  await Promise.all([...psWrites, crmPhaseA]);

  // Phase B.
  const updates = progress.filter((p) => {
    if (p.failed || p.unlink || p.pending > 0) return false;
    const { plan } = p.pp;
    if (plan.action === 'create-in-propstreet') return p.psId !== null;
    return (
      (plan.action === 'update' || plan.action === 'link') &&
      (Object.keys(p.pp.crmProperties).length > 0 || plan.writeCrmKey)
    );
  });
  const refs = progress.filter(
    (p) =>
      !p.failed && p.pending === 0 && p.pp.plan.action === 'create-in-crm' && !p.mirrorFailed && p.contact,
  );
  if (abort) {
    // The link of a create is known; only its mirror waits for the next run.
    for (const p of updates) {
      if (p.pp.plan.action === 'create-in-propstreet') {
        p.mirrorFailed = 'run stopped before the CRM key write-back';
        p.mirrorSide = 'crm';
      } else p.pending++;
    }
    for (const p of refs) p.mirrorFailed = 'run stopped before the Propstreet externalRef write-back';
  } else {
    for (const p of updates) p.pending++;
    const crmPhaseB = (async () => {
      try {
        const results = await inBatches(updates, crm.limits.writeBatchSize, crmConcurrency, (batch) =>
          crm.update(
            batch.map((p) => {
              const isCreate = p.pp.plan.action === 'create-in-propstreet';
              const properties: Record<string, string | null> = isCreate ? {} : { ...p.pp.crmProperties };
              if (isCreate || p.pp.plan.writeCrmKey) properties[crm.keyProperty] = p.psId;
              return { id: p.crmId!, properties };
            }),
          ),
        );
        results.forEach((r, i) => {
          const p = updates[i]!;
          if (!r.ok && p.pp.plan.action === 'create-in-propstreet') {
            p.pending--;
            p.mirrorFailed = `CRM key write-back: ${r.error.message}`;
            p.mirrorSide = 'crm';
          } else applyCrm(p, r);
        });
      } catch (error) {
        abort ??= error;
      }
    })();
    await crmPhaseB;
  }

  // A no-op writes nothing, but its open conflicts (manual policy) are what `propsync
  // conflicts` lists: recorded as planned now.
  const noops = plans.filter((pp) => pp.plan.action === 'noop').map((pp) => pp.plan);
  return commitOutcome(progress, deps, abort, new Set(refs), noops);
}

/** Actions after which a pair's open conflicts are known (a create has none, a skip was not looked at). */
const KNOWS_CONFLICTS: ReadonlySet<RecordPlan['action']> = new Set([
  'update',
  'link',
  'noop',
  'unlink',
  'delete-in-crm',
  'delete-in-propstreet',
]);

/** The pair's conflicts no policy or person resolved, as rows for `propsync conflicts`. */
function openConflicts(plan: RecordPlan, ended: boolean, now: string) {
  const { propstreetId, crmId } = plan;
  if (!propstreetId || !crmId || !KNOWS_CONFLICTS.has(plan.action)) return [];
  const open = ended ? [] : plan.conflicts.filter((c) => c.winner === 'none' && !c.resolved);
  return [
    {
      propstreetId,
      conflicts: open.map((c) => ({
        propstreetId,
        crmId,
        field: c.field,
        propstreet: c.propstreet,
        crm: c.crm,
        shadow: c.shadow,
        since: now,
      })),
    },
  ];
}

async function dropRef(p: Progress, deps: ExecuteDeps): Promise<void> {
  if (!p.psId) return;
  const contact = p.contact && !p.contact.deletedUtc ? p.contact : await deps.propstreet.getContact(p.psId);
  if (!contact || contact.deletedUtc) return;
  if (!contact.externalRefs.some((r) => r.namespace.toLowerCase() === deps.settings.namespace.toLowerCase()))
    return;
  const written = await deps.propstreet.patchContact(
    contact.id,
    { externalRefs: refsWith(contact.externalRefs, deps.settings.namespace, null) },
    { ifMatch: contact.etag ?? undefined },
  );
  if (written.etag) p.ownEtags.push(written.etag);
}

async function commitOutcome(
  progress: Progress[],
  deps: ExecuteDeps,
  abort: unknown,
  refs: ReadonlySet<Progress>,
  noops: readonly RecordPlan[],
): Promise<ChunkOutcome> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const upsertLinks: Link[] = [];
  const deleteLinks: string[] = [];
  const ownEtags: { propstreetId: string; etag: string }[] = [];
  const upsertFailures: Failure[] = [];
  const clearFailures: { side: Side; recordId: string }[] = [];
  const upsertTombstones: Tombstone[] = [];
  const deleteTombstones: string[] = [];
  const replaceConflicts = noops.flatMap((plan) => openConflicts(plan, false, nowIso));
  const succeeded: RecordPlan[] = [];
  const failures: RecordFailure[] = [];
  const refTasks: RefTask[] = [];

  for (const p of progress) {
    const side: Side = p.psId ? 'propstreet' : 'crm';
    const recordId = (p.psId ?? p.crmId)!;
    for (const etag of p.ownEtags) if (p.psId) ownEtags.push({ propstreetId: p.psId, etag });
    if (p.pending > 0) continue;
    if (p.failed) {
      const { message, untilChanged } = p.failed;
      const failure = nextFailure(
        deps.settings,
        deps.knownFailures,
        side,
        recordId,
        message,
        now,
        false,
        untilChanged === true,
      );
      upsertFailures.push(failure);
      failures.push({
        side,
        recordId,
        label: p.pp.plan.label,
        error: p.failed.message,
        quarantined: failure.quarantined,
      });
      continue;
    }
    if (p.unlink) {
      const ended = p.pp.pair.link;
      if (ended) deleteLinks.push(ended.propstreetId);
      if (ended && p.pp.plan.tombstone !== undefined)
        upsertTombstones.push({
          propstreetId: ended.propstreetId,
          crmId: ended.crmId,
          reason: p.pp.plan.tombstone,
          endedAt: nowIso,
          relinkedAt: null,
        });
    } else if (p.psId && p.crmId) {
      // A new link (a relinked contact, a restored CRM record, deletes.recreate) ends any tombstone.
      if (NEW_LINK.has(p.pp.plan.action)) deleteTombstones.push(p.psId);
      const link: Link = {
        propstreetId: p.psId,
        crmId: p.crmId,
        shadow: p.pp.shadow,
        propstreetEtag: p.psEtag,
        crmModifiedAt: p.crmModifiedAt,
        updatedAt: nowIso,
      };
      upsertLinks.push(link);
      if (refs.has(p) && !p.mirrorFailed && p.contact)
        refTasks.push({ link, contact: p.contact, label: p.pp.plan.label });
    }
    if (p.mirrorFailed) {
      const mirrorSide = p.mirrorSide === 'crm' && p.crmId ? 'crm' : side;
      const mirrorId = mirrorSide === 'crm' ? p.crmId! : recordId;
      const failure = nextFailure(
        deps.settings,
        deps.knownFailures,
        mirrorSide,
        mirrorId,
        p.mirrorFailed,
        now,
        true,
      );
      upsertFailures.push(failure);
      failures.push({
        side: mirrorSide,
        recordId: mirrorId,
        label: p.pp.plan.label,
        error: p.mirrorFailed,
        quarantined: failure.quarantined,
      });
    } else {
      clearFailures.push(
        { side: 'propstreet', recordId: p.psId ?? recordId },
        { side: 'crm', recordId: p.crmId ?? recordId },
      );
    }
    replaceConflicts.push(...openConflicts(p.pp.plan, p.unlink === true, nowIso));
    succeeded.push(p.pp.plan);
  }
  const changes: StateChanges = {
    upsertLinks,
    deleteLinks,
    ownEtags,
    upsertFailures,
    clearFailures,
    upsertTombstones,
    deleteTombstones,
    replaceConflicts,
  };
  await deps.store.commit(deps.scope, changes);
  return abort ? { succeeded, failures, refTasks, abort } : { succeeded, failures, refTasks };
}

/**
 * `soon`: retry on the next run (a write-back, not the record's values). `untilChanged`: the CRM
 * refuses the record as it stands, so retrying an unchanged record can only fail again: it is
 * held at once, the way a quarantined record is, until either side changes or `propsync retry`.
 */
export function nextFailure(
  settings: Pick<SyncSettings, 'retryBaseMs' | 'maxAttempts'>,
  known: Map<string, Failure>,
  side: Side,
  recordId: string,
  error: string,
  now: Date,
  soon = false,
  untilChanged = false,
): Failure {
  const key = `${side}:${recordId}`;
  const prior = known.get(key);
  const attempts = (prior?.attempts ?? 0) + 1;
  const quarantined = untilChanged || attempts >= settings.maxAttempts;
  // A quarantined record has no next retry: the field then says when it was quarantined.
  const wait = soon || quarantined ? 0 : settings.retryBaseMs * 2 ** (attempts - 1);
  const failure: Failure = {
    side,
    recordId,
    attempts,
    // A CRM or Propstreet error may echo a token back: never store one; nor a whole field value.
    lastError: clipText(redactText(error), MESSAGE_MAX),
    nextRetryAt: new Date(now.getTime() + wait).toISOString(),
    quarantined,
    firstFailedAt: prior?.firstFailedAt ?? now.toISOString(),
  };
  known.set(key, failure);
  return failure;
}

/**
 * Propstreet refused a create because another contact holds the email. Nothing is paired
 * behind the engine's back: the record fails with the reason, and a person decides.
 */
function emailTaken(pp: PairPlan, emailProperty: string | undefined, error: unknown): string {
  const email = emailProperty ? pp.pair.crm?.properties[emailProperty]?.trim().toLowerCase() : undefined;
  return (
    `email ${email ?? '(mapped)'} is already held by another Propstreet contact; not paired automatically ` +
    `(pairing by email is the engine's: it matches a unique, unlinked contact when \`email\` is in the connection's match rules; ` +
    `otherwise link the two by hand or make the email unique) [${message(error)}]`
  );
}

/** `CODE: message`, unless the CRM's message already starts with its code. */
function withCode(code: string, text: string): string {
  return text.startsWith(code) ? text : `${code}: ${text}`;
}
