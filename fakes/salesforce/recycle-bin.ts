/**
 * The recycle bin's retention. Salesforce keeps a deleted record restorable, and visible to
 * queryAll, for 15 days; an org whose bin is full (5,000 records per licence) loses its
 * oldest rows sooner, after at least 2 hours (emptyRecycleBin() reference, "Usage"). A purged
 * row is gone from every read: query, queryAll, retrieve and getDeleted.
 */
import type { SObjectRow } from './soql-eval.js';

const RECYCLE_BIN_MS = 15 * 24 * 3600_000;

export function isPurged(row: SObjectRow, nowMs: number): boolean {
  return (
    row.IsDeleted === true && typeof row.DeletedAt === 'number' && nowMs - row.DeletedAt >= RECYCLE_BIN_MS
  );
}

/** As if the bin had been emptied (by a person, or by the org's limit): deleted long ago. */
export function purge(row: SObjectRow): void {
  if (row.IsDeleted === true) row.DeletedAt = 0;
}
