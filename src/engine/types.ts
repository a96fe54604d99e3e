/**
 * The engine's data: settings for one connection and the plan (pure data, versioned). A dry
 * run renders the plan; a real run executes the same plan (src/run).
 */

import type {
  ConflictPolicy,
  CrmDeletePolicy,
  DeleteAgainstEditPolicy,
  Direction,
  MatchRule,
  PropstreetDeletePolicy,
} from '../core/vocabulary.js';
import type { Side } from '../state/port.js';

// One vocabulary (src/core/vocabulary.ts) for config, mapping and engine.
export type {
  ConflictPolicy,
  CrmDeletePolicy,
  DeleteAgainstEditPolicy,
  Direction,
  MatchRule,
  PropstreetDeletePolicy,
};

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
  /**
   * A run whose CRM read is older than this re-reads the records it updates in the CRM first
   * (src/run/crm-recheck.ts); absent: 60 s.
   */
  readonly recheckCrmAfterMs?: number | undefined;
  /**
   * Every link is checked by id against the CRM when the last such check (or full read) is older
   * than this (records deleted for good leave no trace in a delta); absent or 0: never by age.
   */
  readonly reconcileEveryMs?: number | undefined;
  /** Records planned and executed together (state committed per chunk). */
  readonly chunkSize: number;
  /** Propstreet writes in flight at once. */
  readonly propstreetConcurrency: number;
  /** Failed records are retried on later runs; after this many attempts they are quarantined. */
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  /**
   * How long a run keeps writing queued ref write-backs after its CRM work (the rest wait in the
   * store for the next runs); absent: 10 minutes.
   */
  readonly refDrainMs?: number | undefined;
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
 * made one record (merge them in Propstreet), a delete that raced an edit on the other side, a
 * delete held because the record still has dependants (a company with linked contacts), or a
 * run that had to check every link by id because the CRM may have forgotten deletions.
 */
export interface Notice {
  readonly kind:
    | 'crm-merge'
    | 'delete-vs-edit'
    | 'delete-held'
    | 'full-reconcile'
    | 'batch-fallback'
    | 'bridge-dry-run';
  readonly text: string;
  readonly propstreetIds: readonly string[];
  readonly crmId: string | null;
}

/** What every record plan says besides its action and ids (the JSON shape reports read). */
export interface PlanFields {
  /** Display name for reports: the Propstreet record's name when there is one. */
  readonly label: string;
  /** The CRM record's current name, when it differs from `label` (renamed in the CRM). */
  readonly crmLabel?: string;
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
   * language HubSpot's `hs_language` does not list), or cut to fit (a field's `truncate`); the
   * rest of the record is written.
   */
  readonly notSent?: readonly string[];
  /** Deletes held back by the mass-delete guard. */
  readonly guarded?: boolean;
  /**
   * A CRM deletion held, not carried to Propstreet, until these other connections of the bridge
   * have read their CRM's changes since it (the run keeps it and plans it again later).
   */
  readonly heldFor?: readonly string[];
  readonly notice?: Notice | undefined;
  /**
   * The link ends because the CRM record went away, and a tombstone keeps the record from
   * being created in that CRM again (`deletes.recreate: false`): why the link ended.
   */
  readonly tombstone?: string;
}

/** The side a record is known on: at least one of its ids. */
export type OneSide =
  | { readonly propstreetId: string; readonly crmId: string | null }
  | { readonly propstreetId: null; readonly crmId: string };

/** New in Propstreet: its CRM record does not exist yet. */
export type CreateInCrmPlan = PlanFields & {
  readonly action: 'create-in-crm';
  readonly propstreetId: string;
  readonly crmId: null;
};
/** New in the CRM: its Propstreet record does not exist yet. */
export type CreateInPropstreetPlan = PlanFields & {
  readonly action: 'create-in-propstreet';
  readonly propstreetId: null;
  readonly crmId: string;
};
/** Actions on a linked pair: both ids are known. */
export type PairedAction = 'update' | 'link' | 'delete-in-crm' | 'delete-in-propstreet' | 'unlink';
export type PairedPlan<A extends PairedAction = PairedAction> = {
  readonly [K in A]: PlanFields & {
    readonly action: K;
    readonly propstreetId: string;
    readonly crmId: string;
  };
}[A];
/** A record the CRM or Propstreet would refuse: failed without a call. */
export type InvalidPlan = PlanFields & { readonly action: 'invalid' } & OneSide;
/** Nothing to write (noop), or left alone with the reason (skip). */
export type QuietPlan = {
  readonly [K in 'noop' | 'skip']: PlanFields & {
    readonly action: K;
    readonly propstreetId: string | null;
    readonly crmId: string | null;
  };
}['noop' | 'skip'];

/**
 * What the engine intends for one pair, with the reason: a value keyed on `action`, so each
 * action carries exactly the ids it acts on.
 */
export type RecordPlan = CreateInCrmPlan | CreateInPropstreetPlan | PairedPlan | InvalidPlan | QuietPlan;

/**
 * A record plan as reports read it (and as builders in tests write it): the same fields, with
 * the ids and action unrelated. Every RecordPlan is one.
 */
export interface RecordPlanShape extends PlanFields {
  readonly propstreetId: string | null;
  readonly crmId: string | null;
  readonly action: RecordAction;
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

/** The version of the plan's shape; a consumer of stored or sent plans checks it. */
export const PLAN_VERSION = 1;
