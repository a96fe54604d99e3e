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
 * The WHERE clause that re-reads from the checkpoint's second, `overlapMs` earlier, or from
 * `from` (the run's deferred overlap window) when given, but never from after the checkpoint.
 */
export function afterCheckpoint(stampMs: number, overlapMs: number, from?: string): string {
  const fromMs = from === undefined ? Number.NaN : Date.parse(from);
  const start = Number.isNaN(fromMs)
    ? stampMs - Math.max(0, overlapMs)
    : Math.min(stampMs - Math.max(0, overlapMs), fromMs);
  return `SystemModstamp >= ${soqlDateTime(start)}`;
}
