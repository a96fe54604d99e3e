/**
 * Row shapes and conversions shared by the SQLite and PostgreSQL stores, so both return
 * byte-identical domain objects and reject the same bad input.
 */
import { PropsyncError, ValidationError } from '../core/errors.js';
import { withoutNul } from '../core/without-nul.js';
import type {
  CanonicalValues,
  ConflictResolution,
  Failure,
  Link,
  OpenConflict,
  RunRecord,
  Scope,
  Side,
  StateChanges,
  Tombstone,
} from './port.js';

/** How many own-write etags we remember per contact; older ones cannot come back as echoes. */
export const OWN_ETAGS_KEPT = 5;

export interface LinkRow {
  propstreet_id: string;
  crm_id: string;
  shadow: string | null;
  propstreet_etag: string | null;
  crm_modified_at: string | null;
  updated_at: string;
}

export interface FailureRow {
  side: string;
  record_id: string;
  attempts: number;
  last_error: string;
  next_retry_at: string;
  quarantined: number | boolean;
  first_failed_at: string;
}

export interface RunRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  dry_run: number | boolean;
  status: string;
  summary: string | null;
}

export interface TombstoneRow {
  propstreet_id: string;
  crm_id: string;
  reason: string;
  ended_at: string;
  relinked_at: string | null;
}

export interface ConflictRow {
  propstreet_id: string;
  crm_id: string;
  field: string;
  propstreet_value: string | null;
  crm_value: string | null;
  shadow_value: string | null;
  since: string;
  take: string | null;
  value: string | null;
  resolved_at: string | null;
}

export const TOMBSTONE_COLUMNS = 'propstreet_id, crm_id, reason, ended_at, relinked_at';
export const CONFLICT_COLUMNS =
  'propstreet_id, crm_id, field, propstreet_value, crm_value, shadow_value, since, take, value, resolved_at';

export const LINK_COLUMNS = 'propstreet_id, crm_id, shadow, propstreet_etag, crm_modified_at, updated_at';
export const FAILURE_COLUMNS =
  'side, record_id, attempts, last_error, next_retry_at, quarantined, first_failed_at';
export const RUN_COLUMNS = 'id, started_at, finished_at, dry_run, status, summary';

export function linkFromRow(r: LinkRow): Link {
  return {
    propstreetId: r.propstreet_id,
    crmId: r.crm_id,
    shadow: r.shadow === null ? null : (JSON.parse(r.shadow) as CanonicalValues),
    propstreetEtag: r.propstreet_etag,
    crmModifiedAt: r.crm_modified_at,
    updatedAt: r.updated_at,
  };
}

export function failureFromRow(r: FailureRow): Failure {
  return {
    side: asSide(r.side),
    recordId: r.record_id,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    nextRetryAt: r.next_retry_at,
    quarantined: Boolean(r.quarantined),
    firstFailedAt: r.first_failed_at,
  };
}

export function runFromRow(r: RunRow): RunRecord {
  return {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    dryRun: Boolean(r.dry_run),
    status: r.status as RunRecord['status'],
    summary: r.summary === null ? null : JSON.parse(r.summary),
  };
}

export function tombstoneFromRow(r: TombstoneRow): Tombstone {
  return {
    propstreetId: r.propstreet_id,
    crmId: r.crm_id,
    reason: r.reason,
    endedAt: r.ended_at,
    relinkedAt: r.relinked_at,
  };
}

export function conflictFromRow(r: ConflictRow): OpenConflict {
  return {
    propstreetId: r.propstreet_id,
    crmId: r.crm_id,
    field: r.field,
    propstreet: r.propstreet_value,
    crm: r.crm_value,
    shadow: r.shadow_value,
    since: r.since,
    resolution:
      r.take === null || r.resolved_at === null
        ? null
        : { take: asTake(r.take), value: r.value, at: r.resolved_at },
  };
}

function asTake(value: string): ConflictResolution['take'] {
  if (value === 'propstreet' || value === 'crm' || value === 'value') return value;
  throw new PropsyncError('STATE', `unknown conflict resolution in state: ${value}`);
}

/** The conflict rows of a replaceConflicts change, flattened (one per pair and field). */
export function conflictRowsOf(c: StateChanges): Omit<OpenConflict, 'resolution'>[] {
  return (c.replaceConflicts ?? []).flatMap((r) =>
    r.conflicts.map((x) => {
      if (x.propstreetId !== r.propstreetId)
        throw new ValidationError(`conflict of ${x.propstreetId} listed under ${r.propstreetId}`);
      return x;
    }),
  );
}

/** A free text without U+0000: PostgreSQL's `text` cannot hold it (SQLite's can), so neither store keeps it. */
export function storableText<T extends string | null>(value: T): T {
  return (value === null ? value : withoutNul(value)) as T;
}

/**
 * The changes with their free texts storable (failure and deferral messages, conflict values,
 * tombstone reasons, facts): API error bodies and values read as they are can carry U+0000, and on
 * PostgreSQL one such text failed the whole commit, and every later run at the same record.
 * Values pass through the mapping, which drops it already; shadows are JSON, which escapes it.
 */
export function storableChanges(c: StateChanges): StateChanges {
  const out: { -readonly [K in keyof StateChanges]: StateChanges[K] } = { ...c };
  if (c.upsertFailures?.length)
    out.upsertFailures = c.upsertFailures.map((f) => ({ ...f, lastError: storableText(f.lastError) }));
  if (c.refsDeferred?.length)
    out.refsDeferred = c.refsDeferred.map((d) => ({ ...d, lastError: storableText(d.lastError) }));
  if (c.upsertTombstones?.length)
    out.upsertTombstones = c.upsertTombstones.map((t) => ({ ...t, reason: storableText(t.reason) }));
  if (c.upsertMeta?.length)
    out.upsertMeta = c.upsertMeta.map((m) => ({ ...m, value: storableText(m.value) }));
  if (c.replaceConflicts?.length)
    out.replaceConflicts = c.replaceConflicts.map((r) => ({
      ...r,
      conflicts: r.conflicts.map((x) => ({
        ...x,
        propstreet: storableText(x.propstreet),
        crm: storableText(x.crm),
        shadow: storableText(x.shadow),
      })),
    }));
  return out;
}

export function shadowJson(link: Link): string | null {
  return link.shadow === null ? null : JSON.stringify(link.shadow);
}

export function asSide(value: string): Side {
  if (value === 'propstreet' || value === 'crm') return value;
  throw new PropsyncError('STATE', `unknown side in state: ${value}`);
}

/** Timestamps are kept as given (exact round-trip) plus epoch ms, because ISO text compares badly. */
export function toMs(field: string, iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ValidationError(`${field} is not a timestamp: ${iso}`, { [field]: [iso] });
  return ms;
}

export function checkScope(scope: Scope): void {
  if (!scope.tenant || !scope.connection || !scope.kind) {
    throw new ValidationError('scope needs a tenant, a connection and an object kind', {
      scope: [scopeName(scope)],
    });
  }
}

/** `tenant/connection/kind`, for messages. */
export function scopeName(scope: Scope): string {
  return `${scope.tenant}/${scope.connection}/${scope.kind}`;
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new ValidationError(`limit must be >= 1, got ${limit}`);
}

export function scopeKey(scope: Scope): string {
  return `${scope.tenant}\u0000${scope.connection}\u0000${scope.kind}`;
}

export function isEmpty(c: StateChanges): boolean {
  return (
    !c.upsertLinks?.length &&
    !c.deleteLinks?.length &&
    !c.dropShadowFields?.length &&
    !c.ownEtags?.length &&
    !c.upsertFailures?.length &&
    !c.clearFailures?.length &&
    !c.upsertTombstones?.length &&
    !c.deleteTombstones?.length &&
    !c.deleteMeta?.length &&
    !c.upsertMeta?.length &&
    !c.replaceConflicts?.length &&
    !c.enqueueRefs?.length &&
    !c.refsDone?.length &&
    !c.refsDeferred?.length &&
    (c.checkpoints === undefined || Object.keys(c.checkpoints).length === 0)
  );
}

/** Later entries win, as they would applied one by one; PG's multi-row upsert needs unique keys. */
export function lastByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k);
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

/** A uniqueness violation inside a commit (e.g. one CRM id linked twice) as a typed error. */
export function conflictFrom(err: unknown, scope: Scope): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const unique =
    code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  if (!unique) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new PropsyncError(
    'CONFLICT',
    `state commit for ${scopeName(scope)} violates a uniqueness rule, nothing applied: ${detail}`,
    { cause: err },
  );
}
