/**
 * The ref outbox on PostgreSQL: its SQL (merged into the store's statements), its steps of a
 * commit (in the commit's transaction, so a link and its pending write-back are stored
 * together) as batched arrays through `unnest`.
 */
import type { StateChanges } from './port.js';
import { REF_OUTBOX_COLUMNS } from './ref-outbox-rows.js';
import { lastByKey, toMs } from './rows.js';

export function refOutboxSql(s: string) {
  return {
    dropRefsForLinks: `DELETE FROM ${s}.ref_outbox WHERE scope_id = $1 AND propstreet_id = ANY($2::text[])`,
    enqueueRefs: `INSERT INTO ${s}.ref_outbox (scope_id, propstreet_id, crm_id, namespace, etag, refs,
        enqueued_at, next_try_ms)
      SELECT $1::integer, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                        $7::text[], $8::bigint[])
      ON CONFLICT (scope_id, propstreet_id) DO UPDATE SET crm_id = EXCLUDED.crm_id,
        namespace = EXCLUDED.namespace, etag = EXCLUDED.etag, refs = EXCLUDED.refs,
        enqueued_at = EXCLUDED.enqueued_at, attempts = 0, next_try_ms = EXCLUDED.next_try_ms,
        last_error = NULL`,
    refsDone: `DELETE FROM ${s}.ref_outbox o USING unnest($2::text[], $3::text[]) AS d(p, c)
      WHERE o.scope_id = $1 AND o.propstreet_id = d.p AND o.crm_id = d.c`,
    moveLinkEtags: `UPDATE ${s}.links l SET propstreet_etag = d.etag
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS d(p, c, etag, old)
      WHERE l.scope_id = $1 AND l.propstreet_id = d.p AND l.crm_id = d.c
        AND l.propstreet_etag IS NOT DISTINCT FROM d.old`,
    refsDeferred: `UPDATE ${s}.ref_outbox o SET attempts = d.attempts, next_try_ms = d.ms, last_error = d.error
      FROM unnest($2::text[], $3::integer[], $4::bigint[], $5::text[]) AS d(p, attempts, ms, error)
      WHERE o.scope_id = $1 AND o.propstreet_id = d.p`,
    queuedRefs: `SELECT sc.connection, ${REF_OUTBOX_COLUMNS}
      FROM ${s}.ref_outbox o JOIN ${s}.scopes sc ON sc.id = o.scope_id
        LEFT JOIN ${s}.links l ON l.scope_id = o.scope_id AND l.propstreet_id = o.propstreet_id
      WHERE sc.tenant = $1 AND sc.kind = $2 AND o.next_try_ms <= $4
        AND ($3::text IS NULL OR o.propstreet_id > $3::text)
      ORDER BY o.propstreet_id, sc.connection LIMIT $5`,
    refBacklog: `SELECT count(*)::integer AS pending, count(*) FILTER (WHERE attempts > 0)::integer AS failing
      FROM ${s}.ref_outbox WHERE scope_id = $1`,
  };
}

type OutboxKey = keyof ReturnType<typeof refOutboxSql>;

/** The outbox's steps of one commit, after the links'. */
export function refOutboxSteps(s: number, c: StateChanges): [OutboxKey, unknown[]][] {
  const steps: [OutboxKey, unknown[]][] = [];
  // An ended link takes its pending write-back with it: there is nothing left to mirror.
  if (c.deleteLinks?.length) steps.push(['dropRefsForLinks', [s, c.deleteLinks]]);
  const queued = lastByKey(c.enqueueRefs ?? [], (r) => r.propstreetId);
  if (queued.length)
    steps.push([
      'enqueueRefs',
      [
        s,
        queued.map((r) => r.propstreetId),
        queued.map((r) => r.crmId),
        queued.map((r) => r.namespace),
        queued.map((r) => r.etag),
        queued.map((r) => JSON.stringify(r.refs)),
        queued.map((r) => r.enqueuedAt),
        queued.map((r) => toMs('enqueuedAt', r.enqueuedAt)),
      ],
    ]);
  const done = c.refsDone ?? [];
  if (done.length) {
    steps.push(['refsDone', [s, done.map((d) => d.propstreetId), done.map((d) => d.crmId)]]);
    const moved = lastByKey(
      done.filter((d) => d.etag),
      (d) => d.propstreetId,
    );
    if (moved.length)
      steps.push([
        'moveLinkEtags',
        [
          s,
          moved.map((d) => d.propstreetId),
          moved.map((d) => d.crmId),
          moved.map((d) => d.etag),
          moved.map((d) => d.linkEtag ?? null),
        ],
      ]);
  }
  const deferred = lastByKey(c.refsDeferred ?? [], (d) => d.propstreetId);
  if (deferred.length)
    steps.push([
      'refsDeferred',
      [
        s,
        deferred.map((d) => d.propstreetId),
        deferred.map((d) => d.attempts),
        deferred.map((d) => toMs('nextTryAt', d.nextTryAt)),
        deferred.map((d) => d.lastError),
      ],
    ]);
  return steps;
}
