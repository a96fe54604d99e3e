/**
 * Where each pair of a chunk stands while the chunk executes: the ids and versions its writes
 * returned, what failed, and which writes were sent but never answered (the run stopped), so
 * the commit records exactly what is known to have happened.
 */

import type { PairPlan } from '../engine/plan-pair.js';
import type { UpsertAction } from '../engine/ports.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { Side } from '../state/port.js';

/** The API a write went to: a pair with one still unanswered commits nothing. */
export type WriteSide = 'propstreet' | 'crm';

export interface RecordKey {
  readonly side: Side;
  readonly id: string;
}

export interface Progress<R extends PropstreetRecord = PropstreetRecord> {
  /** The plan as executed; a stale Propstreet version may have re-planned it. */
  pp: PairPlan<R>;
  psId: string | null;
  crmId: string | null;
  /** Who the record is before a create gives it a Propstreet id. */
  readonly key: RecordKey;
  psEtag: string | null;
  crmModifiedAt: string | null;
  /** Etags our Propstreet writes produced: stored unless the pair was left unanswered (bug 40). */
  readonly ownEtags: string[];
  /**
   * Value writes failed: keep the old shadow. `untilChanged`: held until the record changes.
   * `transient`: the service failed, not the record (retried without quarantine).
   */
  failed?: { message: string; retryable: boolean; untilChanged?: boolean; transient?: boolean };
  /** Only a key/ref write-back failed: the link and shadow stand, the mirror is retried. */
  mirrorFailed?: string;
  /** The side whose record lacks the mirror: a retry re-reads that record and writes it. */
  mirrorSide?: Side;
  /** The CRM answered the update with not-found: the record is gone (execute-chunk re-plans). */
  crmGone?: boolean;
  /** Propstreet answered the update with not-found: the contact is gone (execute-chunk re-plans). */
  psGone?: boolean;
  /** The link ends with this pair (delete, unlink). */
  unlink?: boolean;
  /** The Propstreet record as last read or written. */
  record: R | null;
  /** A create the batch upsert already made (batch-creates.ts): id and etag, no record. */
  batched?: BatchCreated;
  /** Writes sent and not answered. */
  readonly unanswered: Set<WriteSide>;
}

/** What the batch upsert answered for one create: the result model carries no record. */
export interface BatchCreated {
  readonly id: string;
  readonly etag: string | null;
  readonly action: UpsertAction;
}

/** Progress for the pairs of a chunk that write something (or fail without a call). */
export function progressOf<R extends PropstreetRecord>(plans: readonly PairPlan<R>[]): Progress<R>[] {
  return plans.flatMap((pp): Progress<R>[] => {
    const { plan, pair } = pp;
    if (plan.action === 'noop' || plan.action === 'skip') return [];
    const key: RecordKey =
      plan.propstreetId !== null
        ? { side: 'propstreet', id: plan.propstreetId }
        : { side: 'crm', id: plan.crmId };
    return [
      {
        pp,
        psId: plan.propstreetId,
        crmId: plan.crmId,
        key,
        psEtag: pair.propstreet?.etag ?? pair.link?.propstreetEtag ?? null,
        crmModifiedAt: pair.crm?.modifiedAt ?? pair.link?.crmModifiedAt ?? null,
        ownEtags: [],
        record: pair.propstreet,
        unanswered: new Set(),
        // A record the CRM would reject is recorded as failed without a call.
        ...(plan.action === 'invalid'
          ? { failed: { message: plan.problems.join('; '), retryable: false } }
          : {}),
      },
    ];
  });
}

/** The record a failure of the pair is recorded against: its Propstreet id once it has one. */
export function recordKeyOf(p: Progress<PropstreetRecord>): RecordKey {
  return p.psId !== null ? { side: 'propstreet', id: p.psId } : p.key;
}

export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
