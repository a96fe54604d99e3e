/**
 * The StateStore port: links, shadows, own-write etags, checkpoints, failures, run log and
 * the per-scope run lock. Everything is keyed by scope (tenant + connection + object kind), so
 * one tenant's run can never see another's rows, and a connection's companies never share a
 * link, checkpoint or lock with its contacts. SQLite and PostgreSQL implement it and pass
 * one contract suite (test/contract/state-store.contract.ts).
 */

/** Canonical field values: every value a string or null (tags as a sorted `;`-list). */
export type CanonicalValues = Readonly<Record<string, string | null>>;

export interface Scope {
  readonly tenant: string;
  readonly connection: string;
  /**
   * The object kind the state is about (`contacts`, `companies`; src/kinds). State written
   * before kinds existed is the contacts kind's.
   */
  readonly kind: string;
}

/** A tenant's connection, whatever kinds it syncs: what a run request or a job names. */
export type ConnectionScope = Pick<Scope, 'tenant' | 'connection'>;

/**
 * Where facts about a whole connection are kept (its Salesforce session, the webhook events it
 * has seen): its contacts scope, where they were before kinds, whichever kinds it syncs now.
 */
export function connectionFacts(scope: ConnectionScope): Scope {
  return { tenant: scope.tenant, connection: scope.connection, kind: 'contacts' };
}

export type Side = 'propstreet' | 'crm';

export interface Link {
  readonly propstreetId: string;
  readonly crmId: string;
  /** What both sides held after the last successful sync of this pair; null = never synced. */
  readonly shadow: CanonicalValues | null;
  /** Propstreet etag seen (or returned by our write) at that sync. */
  readonly propstreetEtag: string | null;
  /** CRM modified stamp seen (or returned by our write) at that sync. */
  readonly crmModifiedAt: string | null;
  readonly updatedAt: string;
}

export interface Failure {
  readonly side: Side;
  /** The record's id on that side. */
  readonly recordId: string;
  readonly attempts: number;
  readonly lastError: string;
  readonly nextRetryAt: string;
  readonly quarantined: boolean;
  readonly firstFailedAt: string;
}

export interface RunRecord {
  readonly id: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly dryRun: boolean;
  readonly status: 'running' | 'ok' | 'partial' | 'failed' | 'aborted';
  /** The run summary as JSON (counts, calls, errors). */
  readonly summary: unknown;
}

/**
 * A link ended because the CRM record went away (a CRM deletion under `unlink`, a merge into
 * another contact's record, a delete kept against an edit): the Propstreet contact is not
 * created in that CRM again unless the tenant sets `deletes.recreate` or a person relinks it.
 */
export interface Tombstone {
  readonly propstreetId: string;
  /** The CRM record the link ended with. */
  readonly crmId: string;
  /** Why the link ended (the plan's reason). */
  readonly reason: string;
  readonly endedAt: string;
  /**
   * Set by `propsync relink`: the next run reads the contact by id and may pair or create it
   * again; the tombstone goes once the contact is linked.
   */
  readonly relinkedAt: string | null;
}

/** How a person resolved a conflict (`propsync resolve`), applied by the next run. */
export interface ConflictResolution {
  readonly take: 'propstreet' | 'crm' | 'value';
  /** The value to write to both sides when `take` is 'value'. */
  readonly value: string | null;
  readonly at: string;
}

/** A field changed differently on both sides that no policy resolved (`conflictPolicy: manual`). */
export interface OpenConflict {
  readonly propstreetId: string;
  readonly crmId: string;
  readonly field: string;
  readonly propstreet: string | null;
  readonly crm: string | null;
  /** The last synced value. */
  readonly shadow: string | null;
  /** When a run first found it (kept while it stays open). */
  readonly since: string;
  readonly resolution: ConflictResolution | null;
}

/**
 * A Propstreet externalRef write-back waiting in the ref outbox: one per scope and record,
 * queued in the commit that records the link, gone once the write is verified.
 */
export interface PendingRef {
  readonly propstreetId: string;
  /** The CRM id the ref carries (the link's). */
  readonly crmId: string;
  /** The connection's externalRefs namespace. */
  readonly namespace: string;
  /** The Propstreet version the CRM record was made from, and the refs it held: the write's base. */
  readonly etag: string | null;
  readonly refs: readonly { readonly namespace: string; readonly id: string }[];
  readonly enqueuedAt: string;
  /** Writes tried and failed so far (a stale base is no failure). */
  readonly attempts: number;
  readonly lastError: string | null;
}

/**
 * A pending write-back as the drainer reads it: with the connection whose scope queued it and
 * that scope's link of the record as stored with the row (null: the link ended), read in the
 * same query so the drain needs no lookup per row.
 */
export interface QueuedRef extends PendingRef {
  readonly connection: string;
  readonly link: Pick<Link, 'crmId' | 'propstreetEtag'> | null;
}

/** Everything one batch's results change, applied in one transaction. */
export interface StateChanges {
  readonly upsertLinks?: readonly Link[];
  /** Links to drop, by Propstreet id. */
  readonly deleteLinks?: readonly string[];
  /**
   * Fields to drop from every link's shadow in the scope (a mapping now reads them from another
   * CRM property: their last synced values no longer say what either side held), with the
   * fields' conflicts, open or resolved; applied before this commit's link upserts.
   */
  readonly dropShadowFields?: readonly string[];
  readonly ownEtags?: readonly { readonly propstreetId: string; readonly etag: string }[];
  readonly upsertFailures?: readonly Failure[];
  readonly clearFailures?: readonly { readonly side: Side; readonly recordId: string }[];
  readonly checkpoints?: Partial<Record<Side, string>>;
  readonly upsertTombstones?: readonly Tombstone[];
  /** Tombstones to drop, by Propstreet id. */
  readonly deleteTombstones?: readonly string[];
  /** Meta facts of the scope to drop, by key (facts read and done with: association marks). */
  readonly deleteMeta?: readonly string[];
  /** Meta facts of the scope to set, after `deleteMeta` (a CRM deletion held for a bridge's other connections). */
  readonly upsertMeta?: readonly { readonly key: string; readonly value: string }[];
  /**
   * The open conflicts of these pairs as planned now: rows of the pair not listed go (the
   * fields agree again, or a resolution was written); listed rows keep `since` and any
   * resolution.
   */
  readonly replaceConflicts?: readonly {
    readonly propstreetId: string;
    readonly conflicts: readonly Omit<OpenConflict, 'resolution'>[];
  }[];
  /** Ref write-backs to queue (a record created in the CRM), replacing the scope's row of the record. */
  readonly enqueueRefs?: readonly PendingRef[];
  /**
   * Write-backs done or no longer wanted: the scope's row of the record goes if it still carries
   * `crmId`. With `etag`, the link's Propstreet etag moves to it if it still is `linkEtag` (a
   * run that moved it meanwhile knows better).
   */
  readonly refsDone?: readonly {
    readonly propstreetId: string;
    readonly crmId: string;
    readonly etag?: string | null;
    readonly linkEtag?: string | null;
  }[];
  /** Write-backs that failed: tried again from `nextTryAt`. */
  readonly refsDeferred?: readonly {
    readonly propstreetId: string;
    readonly attempts: number;
    readonly nextTryAt: string;
    readonly lastError: string;
  }[];
}

/**
 * A run lock a write must still hold when it is applied: checked inside the write's own
 * transaction, so a run that stalled past its lease and was taken over cannot land a write
 * over the run that took over (lock-lease.ts).
 */
export interface LockFence {
  readonly scope: Scope;
  readonly owner: string;
}

export interface StateStore {
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Atomically applies one batch's results. With `fence`, only while every lock it names is
   * held by its owner (expired or not: an owner no other run replaced), else nothing is
   * applied and it fails RUN_IN_PROGRESS; a takeover waits for the write to end.
   */
  commit(scope: Scope, changes: StateChanges, fence?: readonly LockFence[]): Promise<void>;

  linksByPropstreetIds(scope: Scope, ids: readonly string[]): Promise<Link[]>;
  linksByCrmIds(scope: Scope, ids: readonly string[]): Promise<Link[]>;
  /** Links in Propstreet-id order, after `afterPropstreetId`, for paging (status, migration). */
  listLinks(scope: Scope, options: { after?: string; limit: number }): Promise<Link[]>;
  countLinks(scope: Scope): Promise<number>;

  /** Of these (propstreetId, etag) pairs, the ones our own writes produced, as their Propstreet ids. */
  ownEtags(scope: Scope, pairs: readonly { propstreetId: string; etag: string }[]): Promise<Set<string>>;
  /**
   * Own-write etags of the contacts after `after` in Propstreet-id order, oldest first per
   * contact; `limit` counts contacts (for `migrate-state`).
   */
  listOwnEtags(
    scope: Scope,
    options: { after?: string; limit: number },
  ): Promise<{ propstreetId: string; etags: string[] }[]>;

  getCheckpoint(scope: Scope, side: Side): Promise<string | null>;

  listFailures(scope: Scope, options?: { dueBy?: string; quarantined?: boolean }): Promise<Failure[]>;

  startRun(scope: Scope, run: { id: string; startedAt: string; dryRun: boolean }): Promise<void>;
  finishRun(
    scope: Scope,
    id: string,
    result: { finishedAt: string; status: RunRecord['status']; summary: unknown },
  ): Promise<void>;
  listRuns(scope: Scope, limit: number): Promise<RunRecord[]>;

  /**
   * Takes the run lock for this scope until `ttlMs` passes or it is released; false when
   * another live owner holds it. An expired lock (a crashed run) may be taken over.
   */
  acquireLock(scope: Scope, owner: string, ttlMs: number): Promise<boolean>;
  releaseLock(scope: Scope, owner: string): Promise<void>;
  /** Who holds the run lock now (expired or not), or null. */
  lockHolder(scope: Scope): Promise<{ owner: string; expiresAt: string } | null>;

  /** Tombstones of these contacts. */
  tombstonesByPropstreetIds(scope: Scope, ids: readonly string[]): Promise<Tombstone[]>;
  /** Newest first (`status`, `migrate-state`); `relinked` filters on `relinkedAt` being set. */
  listTombstones(scope: Scope, options: { limit: number; relinked?: boolean }): Promise<Tombstone[]>;
  countTombstones(scope: Scope): Promise<number>;

  /** Open conflicts in (Propstreet id, field) order; `resolved` filters on a resolution. */
  listConflicts(scope: Scope, options: { limit: number; resolved?: boolean }): Promise<OpenConflict[]>;
  countConflicts(scope: Scope): Promise<number>;
  /** The open conflicts of these contacts. */
  conflictsByPropstreetIds(scope: Scope, ids: readonly string[]): Promise<OpenConflict[]>;
  /** Records (or with null withdraws) a resolution; false when there is no such open conflict. */
  resolveConflict(
    scope: Scope,
    conflict: { propstreetId: string; field: string },
    resolution: ConflictResolution | null,
  ): Promise<boolean>;

  /**
   * Pending ref write-backs of every connection of a tenant's kind, due by `dueBy`, in
   * (Propstreet id, connection) order after the Propstreet id `after`: a record's rows together,
   * so one write can carry every namespace.
   */
  queuedRefs(
    of: Pick<Scope, 'tenant' | 'kind'>,
    options: { dueBy: string; after?: string; limit: number },
  ): Promise<QueuedRef[]>;
  /** The scope's ref outbox: rows pending, and of them the ones that failed at least once. */
  refBacklog(scope: Scope): Promise<{ pending: number; failing: number }>;

  /** Every scope with state, for `status` and `migrate-state`. */
  listScopes(): Promise<Scope[]>;

  /**
   * Small facts about a scope that outlive runs (the accounts its state is bound to, a key
   * field checked once, a deletion window), as strings by key; null when never set.
   */
  getMeta(scope: Scope, key: string): Promise<string | null>;
  /** Sets a fact; null removes it. `fence` as for commit. */
  setMeta(scope: Scope, key: string, value: string | null, fence?: readonly LockFence[]): Promise<void>;
  /** Every fact of a scope, in key order (for `migrate-state`). */
  listMeta(scope: Scope): Promise<{ key: string; value: string }[]>;
}
