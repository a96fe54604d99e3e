/** The ref outbox's rows as both stores read them, and what a commit writes into it. */
import type { QueuedRef } from './port.js';

export interface RefOutboxRow {
  connection: string;
  propstreet_id: string;
  crm_id: string;
  namespace: string;
  etag: string | null;
  refs: string;
  enqueued_at: string;
  attempts: number;
  last_error: string | null;
  /** The scope's link of the record (LEFT JOIN links l): null when it ended. */
  link_crm_id: string | null;
  link_etag: string | null;
}

/** Read FROM ref_outbox o … LEFT JOIN links l (on the row's scope and record). */
export const REF_OUTBOX_COLUMNS =
  'o.propstreet_id, o.crm_id, o.namespace, o.etag, o.refs, o.enqueued_at, o.attempts, o.last_error, ' +
  'l.crm_id AS link_crm_id, l.propstreet_etag AS link_etag';

export function queuedRefFromRow(r: RefOutboxRow): QueuedRef {
  return {
    connection: r.connection,
    propstreetId: r.propstreet_id,
    crmId: r.crm_id,
    namespace: r.namespace,
    etag: r.etag,
    refs: JSON.parse(r.refs) as QueuedRef['refs'],
    enqueuedAt: r.enqueued_at,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    link: r.link_crm_id === null ? null : { crmId: r.link_crm_id, propstreetEtag: r.link_etag },
  };
}

/** A row as SQLite's raw read returns it: `sc.connection` and REF_OUTBOX_COLUMNS, in order. */
export type RefOutboxTuple = [
  connection: string,
  propstreetId: string,
  crmId: string,
  namespace: string,
  etag: string | null,
  refs: string,
  enqueuedAt: string,
  attempts: number,
  lastError: string | null,
  linkCrmId: string | null,
  linkEtag: string | null,
];

export function queuedRefFromTuple(r: RefOutboxTuple): QueuedRef {
  const [connection, propstreetId, crmId, namespace, etag, refs, enqueuedAt, attempts, lastError] = r;
  const [linkCrmId, linkEtag] = [r[9], r[10]];
  return {
    connection,
    propstreetId,
    crmId,
    namespace,
    etag,
    refs: JSON.parse(refs) as QueuedRef['refs'],
    enqueuedAt,
    attempts: Number(attempts),
    lastError,
    link: linkCrmId === null ? null : { crmId: linkCrmId, propstreetEtag: linkEtag },
  };
}
