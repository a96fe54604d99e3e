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
}

export const REF_OUTBOX_COLUMNS =
  'o.propstreet_id, o.crm_id, o.namespace, o.etag, o.refs, o.enqueued_at, o.attempts, o.last_error';

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
  };
}
