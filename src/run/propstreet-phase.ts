/**
 * Phase A on Propstreet: each pair's Propstreet write (create, delete, ref removal, values),
 * at most `propstreetConcurrency` at once. A stale version re-plans the pair (propstreet-writes.ts).
 */
import { isPropsyncError, isTransient } from '../core/errors.js';
import { crmMatchProperty } from '../engine/record-mapper.js';
import { unreachable } from '../engine/record-plan.js';
import { type PropstreetRecord, refsWith } from '../engine/records.js';
import type { RunAbort } from '../engine/run-abort.js';
import { messageOf, type Progress } from './chunk-progress.js';
import { stopsTheRun } from './crm-batches.js';
import type { ExecuteDeps } from './execute-chunk.js';
import {
  createInPropstreet,
  deleteWithReplan,
  isStale,
  MAX_PRECONDITION_RETRIES,
  patchWithReplan,
  type WriteDeps,
} from './propstreet-writes.js';

export async function writePropstreet<R extends PropstreetRecord, W>(
  p: Progress<R>,
  deps: ExecuteDeps<R, W>,
  abort: RunAbort,
): Promise<void> {
  p.unanswered.add('propstreet');
  if (abort.stopped) return;
  const { plan } = p.pp;
  try {
    await propstreetStep(p, deps);
  } catch (error) {
    if (stopsTheRun(error)) {
      abort.fail(error);
      return;
    }
    if (plan.action === 'delete-in-propstreet' && isNotFound(error)) p.unlink = true;
    // Deleted in Propstreet without the deletion in this run's delta: execute-chunk re-plans
    // the pair with it in view, as it does when the CRM answers an update with not-found.
    else if ((plan.action === 'update' || plan.action === 'link') && isNotFound(error)) p.psGone = true;
    else p.failed = failureOf(p, deps, error);
  }
  p.unanswered.delete('propstreet');
}

/** How a failed Propstreet write of the pair is recorded (retried; a refused create says why). */
export function failureOf<R extends PropstreetRecord, W>(
  p: Progress<R>,
  deps: ExecuteDeps<R, W>,
  error: unknown,
): NonNullable<Progress<R>['failed']> {
  return (
    refused(p, deps, error) ?? {
      message: messageOf(error),
      retryable: isPropsyncError(error) ? error.retryable : true,
      ...(isTransient(error) ? { transient: true } : {}),
    }
  );
}

const isNotFound = (e: unknown): boolean => isPropsyncError(e) && e.code === 'NOT_FOUND';

/** A create Propstreet refused by the kind's own rule (contacts: a taken email): retried, with why. */
function refused<R extends PropstreetRecord, W>(p: Progress<R>, deps: ExecuteDeps<R, W>, error: unknown) {
  if (p.pp.plan.action !== 'create-in-propstreet') return undefined;
  const message = deps.kind.writes.createRefused(error, p.pp.pair.crm, crmMatchProperty(deps.mapper));
  return message === undefined ? undefined : { message, retryable: true };
}

/**
 * Whether the pair's plan writes to Propstreet in phase A. One that does not is never queued
 * for a Propstreet slot: it has nothing there to wait for, and nothing there left unanswered
 * when the run stops (its CRM write's answer alone decides what its commit records).
 */
export function writesPropstreet(p: Progress<PropstreetRecord>): boolean {
  const { plan } = p.pp;
  switch (plan.action) {
    case 'create-in-propstreet':
    case 'delete-in-propstreet':
    case 'unlink':
      return true;
    case 'update':
    case 'link':
      return plan.toPropstreet.length > 0 || plan.writePropstreetRef;
    case 'create-in-crm':
    case 'delete-in-crm':
    case 'invalid':
    case 'noop':
    case 'skip':
      return false;
    default:
      return unreachable(plan);
  }
}

async function propstreetStep<R extends PropstreetRecord, W>(
  p: Progress<R>,
  deps: ExecuteDeps<R, W>,
): Promise<void> {
  const { plan } = p.pp;
  switch (plan.action) {
    case 'create-in-propstreet': {
      // The batch upsert refused it (batch-creates.ts): recorded as failed like a refused single upsert.
      if (p.failed) return;
      const created = await createInPropstreet(plan, writeDeps(p, deps), p.batched);
      p.psId = created.id;
      p.psEtag = created.etag;
      p.record = created.record;
      return;
    }
    case 'delete-in-propstreet': {
      const out = await deleteWithReplan(p.pp, { propstreet: deps.propstreet, replan: replanOf(p, deps) });
      p.pp = out.pp;
      if (out.deleted) p.unlink = true;
      else
        p.failed = {
          message: `edited in Propstreet after the delete was planned; re-planned: ${out.pp.plan.action} (${out.pp.plan.reason}), carried out on the next run`,
          retryable: true,
        };
      return;
    }
    case 'unlink': {
      // A link ended by a CRM merge leaves the record as it is, ref included (its
      // tombstone keeps a later edit from creating it again).
      // So does a CRM deletion under `deletes.fromCrm: ignore` (seen in the delta, or found
      // by a write the CRM refused). A contact found gone by a write has no ref to drop.
      const { pair } = p.pp;
      const crmDeleted = pair.crmGone === true || pair.crm?.deleted === true;
      const keepRef =
        Boolean(pair.mergedAway) ||
        pair.propstreetGone === true ||
        (crmDeleted && deps.settings.deletes.fromCrm === 'ignore');
      if (!keepRef) await dropRef(p, deps);
      p.unlink = true;
      return;
    }
    case 'update':
    case 'link': {
      if (!writesPropstreet(p)) return;
      const out = await patchWithReplan(p.pp, { ...writeDeps(p, deps), replan: replanOf(p, deps) });
      p.pp = out.pp;
      if (out.record) {
        p.record = out.record;
        p.psEtag = out.record.etag ?? p.psEtag;
      }
      const now = out.pp.plan.action;
      if (now !== 'update' && now !== 'link' && now !== 'noop')
        p.failed = { message: `changed meanwhile, now: ${out.pp.plan.reason}`, retryable: true };
      return;
    }
    case 'create-in-crm':
    case 'delete-in-crm':
    case 'invalid':
    case 'noop':
    case 'skip':
      return;
    default:
      return unreachable(plan);
  }
}

function writeDeps<R extends PropstreetRecord, W>(p: Progress<R>, deps: ExecuteDeps<R, W>): WriteDeps<R, W> {
  return {
    propstreet: deps.propstreet,
    writes: deps.kind.writes,
    mapper: deps.mapper,
    namespace: deps.settings.namespace,
    own: (etag) => p.ownEtags.push(etag),
  };
}

const replanOf =
  <R extends PropstreetRecord>(p: Progress<R>, deps: Pick<ExecuteDeps<R, unknown>, 'replan'>) =>
  (fresh: R) =>
    deps.replan(p.pp, fresh);

/**
 * Removes this connection's externalRef from the record (an unlink), keeping the others. A
 * stale etag is a person's edit meanwhile: the link ends whatever they edited, so the record is
 * re-read and the removal tried again (bounded). Only a write onto the version we planned from
 * is claimed as our own: one onto a person's version carries their edit.
 */
async function dropRef<R extends PropstreetRecord, W>(
  p: Progress<R>,
  deps: ExecuteDeps<R, W>,
): Promise<void> {
  if (!p.psId) return;
  let record = p.record && !p.record.deletedUtc ? p.record : await deps.propstreet.get(p.psId);
  const { namespace } = deps.settings;
  for (let attempt = 1; ; attempt++) {
    if (!record || record.deletedUtc) return;
    if (!record.externalRefs.some((r) => r.namespace.toLowerCase() === namespace.toLowerCase())) return;
    try {
      const written = await deps.propstreet.patch(
        record.id,
        deps.kind.writes.withRefs(deps.kind.writes.empty(), refsWith(record.externalRefs, namespace, null)),
        { ifMatch: record.etag ?? undefined },
      );
      if (written.etag && attempt === 1) p.ownEtags.push(written.etag);
      return;
    } catch (error) {
      // Deleted meanwhile: a deleted contact's ref is not ours to edit, and the link ends anyway.
      if (isNotFound(error)) return;
      if (!isStale(error) || attempt >= MAX_PRECONDITION_RETRIES) throw error;
      record = await deps.propstreet.get(record.id);
    }
  }
}
