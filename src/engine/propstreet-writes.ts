/**
 * Propstreet writes for one pair. PATCHes carry If-Match; a 412 means a user edited the
 * contact since we read it: re-read, re-plan with the fresh version, try again — never
 * overwrite the edit. externalRefs are read-modify-written, keeping other namespaces.
 */
import { isPropsyncError } from '../core/errors.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Contact, ContactWrite, ExternalRef } from '../propstreet/schema.js';
import type { PairPlan } from './plan-pair.js';
import type { RecordMapper } from './record-mapper.js';

export const MAX_PRECONDITION_RETRIES = 3;

export function refsWith(
  refs: readonly ExternalRef[],
  namespace: string,
  crmId: string | null,
): ExternalRef[] {
  const others = refs.filter((r) => r.namespace.toLowerCase() !== namespace.toLowerCase());
  return crmId === null ? others : [...others, { namespace, id: crmId }];
}

export function valuesOf(changes: PairPlan['plan']['toPropstreet']): Record<string, string | null> {
  return Object.fromEntries(changes.map((c) => [c.field, c.after]));
}

export interface PatchOutcome {
  readonly pp: PairPlan;
  readonly contact: Contact | null;
}

/**
 * Applies `pp`'s Propstreet changes (values and/or the ref). On 412 re-reads, asks `replan`
 * for a new plan for the fresh version, and goes again with that plan.
 */
export async function patchWithReplan(
  pp: PairPlan,
  deps: {
    propstreet: PropstreetApi;
    mapper: RecordMapper;
    namespace: string;
    replan: (fresh: Contact) => PairPlan;
  },
): Promise<PatchOutcome> {
  let current = pp;
  if (
    !current.pair.propstreet &&
    current.plan.propstreetId &&
    deps.mapper.needsCurrent(current.plan.toPropstreet.map((c) => c.field))
  ) {
    // List fields (phones, emails) are rewritten whole: start from the contact as it is now.
    const now = await deps.propstreet.getContact(current.plan.propstreetId);
    if (now) current = deps.replan(now);
  }
  for (let attempt = 1; ; attempt++) {
    const contact = current.pair.propstreet;
    const body: ContactWrite =
      current.plan.toPropstreet.length > 0
        ? deps.mapper.toPropstreet(valuesOf(current.plan.toPropstreet), contact)
        : {};
    if (current.plan.writePropstreetRef && contact)
      body.externalRefs = refsWith(contact.externalRefs, deps.namespace, current.plan.crmId);
    if (Object.keys(body).length === 0) return { pp: current, contact };
    const id = current.plan.propstreetId!;
    const ifMatch = contact?.etag ?? current.pair.link?.propstreetEtag ?? undefined;
    try {
      const written = await deps.propstreet.patchContact(id, body, { ifMatch });
      return { pp: current, contact: written };
    } catch (error) {
      if (
        !isPropsyncError(error) ||
        error.code !== 'PRECONDITION_FAILED' ||
        attempt >= MAX_PRECONDITION_RETRIES
      )
        throw error;
      const fresh = await deps.propstreet.getContact(id);
      if (!fresh) throw error;
      current = deps.replan(fresh);
      if (current.plan.action !== 'update' && current.plan.action !== 'link')
        return { pp: current, contact: fresh };
    }
  }
}
