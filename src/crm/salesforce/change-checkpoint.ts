/**
 * The resumable position in an sObject's change feed: the SystemModstamp of the last record
 * handed out, as an ISO string. Resuming reads `SystemModstamp >= stamp − overlap`, inclusive.
 *
 * Not a (SystemModstamp, Id) keyset: Salesforce stamps have whole seconds, and a record saved
 * later in the same second as the checkpoint, with a lower Id, would fall before such a keyset
 * and be skipped for good. Re-reading the checkpoint's second costs a few repeats, which the
 * engine deduplicates; skipping costs a lost change.
 */
import { PropsyncError } from '../../core/errors.js';
import { soqlDateTime } from './soql.js';

/** A stamp in the future (skewed clock, hostile data) is clamped to now, or it would hide every change until then. */
export function encodeCheckpoint(stampMs: number, now: number = Date.now()): string {
  return new Date(Math.min(stampMs, now)).toISOString();
}

export function decodeCheckpoint(checkpoint: string): number {
  const stampMs = /^\d{4}-\d{2}-\d{2}T/.test(checkpoint) ? Date.parse(checkpoint) : Number.NaN;
  if (Number.isNaN(stampMs)) {
    throw new PropsyncError(
      'STATE',
      `Salesforce checkpoint ${JSON.stringify(checkpoint)} is not an ISO-8601 time; reset the connection's checkpoint`,
    );
  }
  return stampMs;
}

/**
 * The WHERE clause that re-reads from the checkpoint's second, `overlapMs` earlier, but never
 * from before `floor` (an ISO stamp before which every change is known to be read).
 */
export function afterCheckpoint(stampMs: number, overlapMs: number, floor?: string): string {
  const floorMs = floor === undefined ? Number.NaN : Date.parse(floor);
  const from = stampMs - Math.max(0, overlapMs);
  return `SystemModstamp >= ${soqlDateTime(Number.isNaN(floorMs) ? from : Math.min(stampMs, Math.max(from, floorMs)))}`;
}
