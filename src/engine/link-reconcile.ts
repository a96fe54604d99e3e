/**
 * A full reconcile of links against the CRM, for when its delta can no longer be trusted to
 * report every deletion: the last checkpoint is older than the CRM keeps deleted records
 * visible (Salesforce's recycle bin, HubSpot's archived list), or the user asked for it.
 * Every linked CRM id is then read back by id (src/run/linked-reads.ts); an id the CRM no
 * longer has is a deletion the delta may have missed.
 */
import type { CrmAdapter } from '../crm/port.js';

/** Why a full reconcile is needed now, or undefined when the delta can be trusted. */
export function reconcileReason(input: {
  readonly requested: boolean;
  readonly hasCheckpoint: boolean;
  /** When the checkpoint in use was read (engine clock), if known. */
  readonly checkpointReadAt: string | null;
  /** When every link was last checked by id, or the CRM read whole (engine clock), if known. */
  readonly reconciledAt?: string | null;
  /** `reconcileEvery` in ms; absent or 0: no check by age. */
  readonly everyMs?: number | undefined;
  readonly now: Date;
  readonly crm: Pick<CrmAdapter, 'kind' | 'deletionsVisibleForMs'>;
}): string | undefined {
  if (input.requested) return 'a full reconcile was requested (--reconcile)';
  if (!input.hasCheckpoint) return undefined;
  const window = input.crm.deletionsVisibleForMs;
  if (input.checkpointReadAt === null)
    return `the ${input.crm.kind} checkpoint's age is unknown (state from an older propsync)`;
  const age = input.now.getTime() - Date.parse(input.checkpointReadAt);
  if (age > window)
    return `the last ${input.crm.kind} checkpoint is ${days(age)} old, longer than ${input.crm.kind} keeps deletions visible (${days(window)})`;
  const every = input.everyMs ?? 0;
  if (every <= 0 || input.reconciledAt === undefined) return undefined;
  // Records deleted for good (a HubSpot GDPR delete, a Salesforce recycle bin emptied) are in no
  // delta: only a check by id finds them (bug 61).
  if (input.reconciledAt === null)
    return `no check of every link by id is on record (reconcileEvery ${days(every)}): records deleted for good in ${input.crm.kind} show in no delta`;
  const since = input.now.getTime() - Date.parse(input.reconciledAt);
  if (!(since > every)) return undefined;
  return `every link was last checked by id ${days(since)} ago (reconcileEvery ${days(every)}): records deleted for good in ${input.crm.kind} show in no delta`;
}

function days(ms: number): string {
  const d = ms / (24 * 3600_000);
  return d >= 1 ? `${Math.round(d)} days` : `${Math.round(ms / 3600_000)} hours`;
}
