/**
 * The resumable position in the Contact change feed: the last record's SystemModstamp and Id,
 * as `<ISO stamp>|<Id>`. Ordering by (SystemModstamp, Id) makes the pair a strict keyset, so
 * resuming with no overlap neither skips nor repeats a tie group; with an overlap the adapter
 * re-reads from `stamp − overlap` and the engine deduplicates.
 */
import { PropsyncError } from '../../core/errors.js';
import { isSalesforceId, soqlDateTime, soqlString } from './soql.js';

export interface ChangePosition {
  readonly stampMs: number;
  readonly id: string | undefined;
}

export function encodeCheckpoint(p: ChangePosition): string {
  const iso = new Date(p.stampMs).toISOString();
  return p.id ? `${iso}|${p.id}` : iso;
}

export function decodeCheckpoint(checkpoint: string): ChangePosition {
  const [stamp = '', id, ...rest] = checkpoint.split('|');
  const stampMs = Date.parse(stamp);
  if (Number.isNaN(stampMs) || rest.length > 0 || (id !== undefined && !isSalesforceId(id))) {
    throw new PropsyncError(
      'STATE',
      `Salesforce checkpoint ${JSON.stringify(checkpoint)} is not "<ISO time>|<Contact Id>"; reset the connection's checkpoint`,
    );
  }
  return { stampMs, id };
}

/** The WHERE clause that continues after `p` (or re-reads `overlapMs` before it). */
export function afterPosition(p: ChangePosition, overlapMs: number): string {
  if (overlapMs > 0 || !p.id) return `SystemModstamp >= ${soqlDateTime(p.stampMs - overlapMs)}`;
  const at = soqlDateTime(p.stampMs);
  return `(SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${soqlString(p.id)}))`;
}
