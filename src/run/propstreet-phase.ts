/**
 * Phase A on Propstreet: each pair's Propstreet write (create, delete, ref removal, values),
 * at most `propstreetConcurrency` at once. A stale version re-plans the pair (propstreet-writes.ts).
 */
import { isPropsyncError } from '../core/errors.js';
import type { PairPlan } from '../engine/plan-pair.js';
import { unreachable } from '../engine/record-plan.js';
import type { RunAbort } from '../engine/run-abort.js';
import { isDuplicateEmail } from '../propstreet/problem.js';
import type { Contact } from '../propstreet/schema.js';
import { messageOf, type Progress } from './chunk-progress.js';
import { stopsTheRun } from './crm-batches.js';
import type { ExecuteDeps } from './execute-chunk.js';
import {
  createInPropstreet,
  deleteWithReplan,
  isStale,
  MAX_PRECONDITION_RETRIES,
  patchWithReplan,
  refsWith,
  type WriteDeps,
} from './propstreet-writes.js';

export async function writePropstreet(p: Progress, deps: ExecuteDeps, abort: RunAbort): Promise<void> {
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
    if (plan.action === 'delete-in-propstreet' && isPropsyncError(error) && error.code === 'NOT_FOUND')
      p.unlink = true;
    else if (plan.action === 'create-in-propstreet' && isDuplicateEmail(error))
      p.failed = { message: emailTaken(p.pp, deps.mapper.crmEmailProperty, error), retryable: true };
    else p.failed = { message: messageOf(error), retryable: isPropsyncError(error) ? error.retryable : true };
  }
  p.unanswered.delete('propstreet');
}

async function propstreetStep(p: Progress, deps: ExecuteDeps): Promise<void> {
  const { plan } = p.pp;
  switch (plan.action) {
    case 'create-in-propstreet': {
      const contact = await createInPropstreet(plan, writeDeps(p, deps));
      p.psId = contact.id;
      p.psEtag = contact.etag ?? null;
      p.contact = contact;
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
    case 'unlink':
      // A link ended by a CRM merge leaves the contact as it is, ref included (its
      // tombstone keeps a later edit from creating the person again).
      // So does `deletes.fromCrm: ignore` when a write found the CRM record gone.
      if (!p.pp.pair.mergedAway && !(p.pp.pair.crmGone && deps.settings.deletes.fromCrm === 'ignore'))
        await dropRef(p, deps);
      p.unlink = true;
      return;
    case 'update':
    case 'link': {
      if (plan.toPropstreet.length === 0 && !plan.writePropstreetRef) return;
      const out = await patchWithReplan(p.pp, { ...writeDeps(p, deps), replan: replanOf(p, deps) });
      p.pp = out.pp;
      if (out.contact) {
        p.contact = out.contact;
        p.psEtag = out.contact.etag ?? p.psEtag;
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

function writeDeps(p: Progress, deps: ExecuteDeps): WriteDeps {
  return {
    propstreet: deps.propstreet,
    mapper: deps.mapper,
    namespace: deps.settings.namespace,
    own: (etag) => p.ownEtags.push(etag),
  };
}

const replanOf = (p: Progress, deps: ExecuteDeps) => (fresh: Contact) => deps.replan(p.pp, fresh);

/**
 * Removes this connection's externalRef from the contact (an unlink), keeping the others. A
 * stale etag is a person's edit meanwhile: the link ends whatever they edited, so the contact is
 * re-read and the removal tried again (bounded). Only a write onto the version we planned from
 * is claimed as our own: one onto a person's version carries their edit.
 */
async function dropRef(p: Progress, deps: ExecuteDeps): Promise<void> {
  if (!p.psId) return;
  let contact = p.contact && !p.contact.deletedUtc ? p.contact : await deps.propstreet.getContact(p.psId);
  const { namespace } = deps.settings;
  for (let attempt = 1; ; attempt++) {
    if (!contact || contact.deletedUtc) return;
    if (!contact.externalRefs.some((r) => r.namespace.toLowerCase() === namespace.toLowerCase())) return;
    try {
      const written = await deps.propstreet.patchContact(
        contact.id,
        { externalRefs: refsWith(contact.externalRefs, namespace, null) },
        { ifMatch: contact.etag ?? undefined },
      );
      if (written.etag && attempt === 1) p.ownEtags.push(written.etag);
      return;
    } catch (error) {
      if (!isStale(error) || attempt >= MAX_PRECONDITION_RETRIES) throw error;
      contact = await deps.propstreet.getContact(contact.id);
    }
  }
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
    `otherwise link the two by hand or make the email unique) [${messageOf(error)}]`
  );
}
