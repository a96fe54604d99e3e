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
  readonly now: Date;
  readonly crm: Pick<CrmAdapter, 'kind' | 'deletionsVisibleForMs'>;
}): string | undefined {
  if (input.requested) return 'a full reconcile was requested (--reconcile)';
  if (!input.hasCheckpoint) return undefined;
  const window = input.crm.deletionsVisibleForMs;
  if (input.checkpointReadAt === null)
    return `the ${input.crm.kind} checkpoint's age is unknown (state from an older propsync)`;
  const age = input.now.getTime() - Date.parse(input.checkpointReadAt);
  if (!(age > window)) return undefined;
  return `the last ${input.crm.kind} checkpoint is ${days(age)} old, longer than ${input.crm.kind} keeps deletions visible (${days(window)})`;
}

function days(ms: number): string {
  const d = ms / (24 * 3600_000);
  return d >= 1 ? `${Math.round(d)} days` : `${Math.round(ms / 3600_000)} hours`;
}
