/**
 * The engine's data: settings for one connection, the plan (pure data, versioned) and the
 * run result. A dry run renders the plan; a real run executes the same plan.
 */
import type { Side } from '../state/port.js';

export type Direction = 'bidirectional' | 'to-crm' | 'from-crm';
export type ConflictPolicy = 'propstreet-wins' | 'crm-wins' | 'newest-wins' | 'manual';
export type MatchRule = 'externalRef' | 'key' | 'email';
export type PropstreetDeletePolicy = 'archive' | 'delete' | 'unlink' | 'ignore';
export type CrmDeletePolicy = 'delete' | 'unlink' | 'ignore';
/** A delete on one side against an edit on the other since the last sync: who wins. */
export type DeleteAgainstEditPolicy = 'keep-edited' | 'delete';

export interface SyncSettings {
  readonly tenant: string;
  readonly connection: string;
  /** externalRefs namespace on Propstreet for this connection. */
  readonly namespace: string;
  readonly direction: Direction;
  readonly conflictPolicy: ConflictPolicy;
  readonly match: readonly MatchRule[];
  readonly deletes: {
    readonly fromPropstreet: PropstreetDeletePolicy;
    readonly fromCrm: CrmDeletePolicy;
    /** When the other side's record was edited since the last sync, the delete is a conflict. */
    readonly againstEdit: DeleteAgainstEditPolicy;
    /**
     * A contact whose link a CRM deletion or merge ended is created in that CRM again on its
     * next change (true), or left out until `propsync relink` (false, the default).
     */
    readonly recreate?: boolean | undefined;
    /** Abort before deleting when a run would delete more than this share of links… */
    readonly maxShare: number;
    /** …or more than this many records (whichever is hit first). */
    readonly maxCount?: number | undefined;
    /**
     * The same limits hold over this sliding window across runs (ms); 0 or absent: per run only.
     */
    readonly windowMs?: number | undefined;
  };
  /** changeOrigin values that mark the connector's own Propstreet writes. */
  readonly ownChangeOrigins: readonly string[];
  /** Re-read this much before each checkpoint (clock skew, equal timestamps). */
  readonly overlapMs: number;
  /** Records planned and executed together (state committed per chunk). */
  readonly chunkSize: number;
  /** Propstreet writes in flight at once. */
  readonly propstreetConcurrency: number;
  /** Failed records are retried on later runs; after this many attempts they are quarantined. */
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
}

export interface FieldChange {
  readonly field: string;
  readonly before: string | null;
  readonly after: string | null;
}

export interface FieldConflict {
  readonly field: string;
  readonly propstreet: string | null;
  readonly crm: string | null;
  readonly shadow: string | null;
  readonly policy: ConflictPolicy;
  /** Which value the policy chose; 'none' under `manual` (both left as they are). */
  readonly winner: 'propstreet' | 'crm' | 'none';
  /** A person's resolution (`propsync resolve`) applied in this plan: the value both sides get. */
  readonly resolved?: { readonly take: 'propstreet' | 'crm' | 'value'; readonly value: string | null };
}

export type RecordAction =
  | 'create-in-crm'
  | 'create-in-propstreet'
  | 'update'
  | 'link'
  | 'delete-in-crm'
  | 'delete-in-propstreet'
  | 'unlink'
  | 'noop'
  | 'skip'
  | 'invalid';

/**
 * Something a person must act on, beyond field changes: Propstreet contacts that a CRM merge
 * made one record (merge them in Propstreet), a delete that raced an edit on the other side,
 * or a run that had to check every link by id because the CRM may have forgotten deletions.
 */
export interface Notice {
  readonly kind: 'crm-merge' | 'delete-vs-edit' | 'full-reconcile';
  readonly text: string;
  readonly propstreetIds: readonly string[];
  readonly crmId: string | null;
}

/** What the engine intends for one contact pair, with the reason. */
export interface RecordPlan {
  readonly propstreetId: string | null;
  readonly crmId: string | null;
  /** Display name for reports: the Propstreet contact's name when there is one. */
  readonly label: string;
  /** The CRM record's current name, when it differs from `label` (renamed in the CRM). */
  readonly crmLabel?: string;
  readonly action: RecordAction;
  readonly reason: string;
  /** How the pair was linked, when it was linked in this run. */
  readonly linkedBy?: MatchRule | 'merge' | undefined;
  /** Field changes to write to the CRM (canonical names). */
  readonly toCrm: readonly FieldChange[];
  /** Field changes to write to Propstreet (canonical names). */
  readonly toPropstreet: readonly FieldChange[];
  readonly conflicts: readonly FieldConflict[];
  /** Key/ref write-backs needed to mirror the link on each side. */
  readonly writeCrmKey: boolean;
  readonly writePropstreetRef: boolean;
  /** Problems that make the record fail validation (e.g. LastName missing). */
  readonly problems: readonly string[];
  /**
   * Values left out of the CRM write, each with why (outside the property's options, e.g. a
   * language HubSpot's `hs_language` does not list); the rest of the record is written.
   */
  readonly notSent?: readonly string[];
  /** Deletes held back by the mass-delete guard. */
  readonly guarded?: boolean;
  readonly notice?: Notice | undefined;
  /**
   * The link ends because the CRM record went away, and a tombstone keeps the contact from
   * being created in that CRM again (`deletes.recreate: false`): why the link ended.
   */
  readonly tombstone?: string;
}

export interface PlanCounts {
  create: Record<Side, number>;
  update: Record<Side, number>;
  delete: Record<Side, number>;
  link: number;
  unlink: number;
  conflict: number;
  skip: number;
  noop: number;
  invalid: number;
}

export interface ApiCalls {
  readonly propstreet: Readonly<Record<string, number>>;
  readonly crm: Readonly<Record<string, number>>;
}

export interface RecordFailure {
  readonly side: Side;
  readonly recordId: string;
  readonly label: string;
  readonly error: string;
  readonly quarantined: boolean;
}

export interface ConnectionResult {
  readonly tenant: string;
  readonly connection: string;
  readonly crm: string;
  readonly dryRun: boolean;
  readonly status: 'ok' | 'partial' | 'failed' | 'aborted';
  readonly pulled: Record<Side, number>;
  readonly planned: PlanCounts;
  /** Operations that succeeded (real run only; zeros in a dry run). */
  readonly done: PlanCounts;
  readonly conflicts: readonly (FieldConflict & {
    readonly propstreetId: string | null;
    readonly crmId: string | null;
  })[];
  readonly failures: readonly RecordFailure[];
  /** CRM merges and deletes against edits, once each (also on their records' plans). */
  readonly notices: readonly Notice[];
  readonly invalid: readonly {
    readonly side: Side;
    readonly id: string | undefined;
    readonly message: string;
  }[];
  readonly calls: ApiCalls;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Why the run stopped early (guard, auth, daily limit), when it did. */
  readonly abort?: { readonly code: string; readonly message: string } | undefined;
}

/** A plan's records are streamed to a sink: the executor in a real run, a report in a dry run. */
export interface PlanSink {
  records(chunk: readonly RecordPlan[]): void | Promise<void>;
}

export const PLAN_VERSION = 1;
