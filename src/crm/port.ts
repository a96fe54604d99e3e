/**
 * The CrmAdapter port: what every CRM offers the engine, in CRM terms only. An adapter knows
 * its CRM's batch sizes, limits and error codes, and nothing of Propstreet or the engine.
 * Property names here are the CRM's own (HubSpot `firstname`, Salesforce `FirstName`).
 */
import type { AccountIdentity } from '../core/account-identity.js';

/** A CRM record as the engine sees it. Every value is a string or null (HubSpot's wire form). */
export interface CrmRecord {
  readonly id: string;
  readonly properties: Readonly<Record<string, string | null>>;
  /** ISO-8601 last-modified stamp (HubSpot `lastmodifieddate`, Salesforce `SystemModstamp`). */
  readonly modifiedAt: string;
  readonly deleted: boolean;
  /** When this record was merged away: the id of the record that survived. */
  readonly mergedInto?: string | undefined;
}

export interface CrmChangePage {
  readonly records: readonly CrmRecord[];
  /**
   * Opaque, resumable position: passing it back to `readChanges` continues after this page.
   * The engine stores it only once every record up to it is applied or recorded as failed.
   */
  readonly checkpoint: string;
}

export interface ReadChangesOptions {
  /** Re-read this much before the checkpoint, for clock skew and equal timestamps. */
  readonly overlapMs?: number;
  /**
   * Re-read from this ISO stamp (inclusive) instead of `checkpoint − overlapMs`, but never from
   * after the checkpoint: the run's deferred overlap window (src/run/quiet-window.ts).
   */
  readonly from?: string;
  readonly signal?: AbortSignal;
  /** The engine's clock: decides whether a periodic deletion scan is due. */
  readonly now?: Date;
  /**
   * `false`: live changes only, no deletion scan where it costs calls of its own (HubSpot's
   * archived list); deleted records the same read sees anyway may still come (Salesforce).
   */
  readonly deletions?: boolean;
}

export interface UpsertInput {
  /** The value of the connector's key property (`propstreet_id` / `Propstreet_Id__c`). */
  readonly key: string;
  readonly properties: Readonly<Record<string, string | null>>;
}

export interface UpdateInput {
  readonly id: string;
  readonly properties: Readonly<Record<string, string | null>>;
}

export type WriteErrorCode =
  | 'duplicate' // a unique rule matched another record; `existingId` when the CRM says which
  | 'invalid' // the CRM rejected a value (validation, too long, bad email…)
  | 'required-missing'
  | 'not-found' // the record is gone (deleted, merged)
  | 'conflict' // a precondition failed: changed since read
  | 'rate-limited'
  | 'server'
  | 'unknown';

export interface WriteError {
  readonly code: WriteErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly existingId?: string;
  /** The CRM's own code, e.g. `DUPLICATE_VALUE` or `VALIDATION_ERROR`. */
  readonly crmCode?: string;
  readonly fields?: readonly string[];
  /**
   * The CRM refuses the record as it stands, by a rule of its own (a duplicate rule, a contact
   * that cases depend on): the same write fails again until someone changes the record, so it
   * is held until then (or `propsync retry`) rather than retried on every run.
   */
  readonly untilChanged?: boolean;
}

/** One result per input, in input order. */
export type WriteResult =
  | { readonly ok: true; readonly id: string; readonly created: boolean; readonly modifiedAt?: string }
  | { readonly ok: false; readonly error: WriteError };

export interface CrmLimits {
  /** Inputs per batch write call (HubSpot 100, Salesforce 200). */
  readonly writeBatchSize: number;
  /** Records per read page at most. */
  readonly readPageSize: number;
  /** Requests the adapter may have in flight at once for this tenant. */
  readonly maxConcurrency: number;
}

export interface SetupCheck {
  readonly ok: boolean;
  readonly checks: readonly {
    readonly name: string;
    readonly ok: boolean;
    readonly message: string;
    /** The error code when a call failed (NETWORK, UNAUTHORIZED…): decides the exit code. */
    readonly code?: string;
  }[];
}

/** Whether the key property/field can hold Propstreet ids without overwriting anyone's data. */
export interface KeyFieldReport {
  /** The key property/field as the CRM names it. */
  readonly field: string;
  /**
   * Why it cannot (missing, not unique, not text, one of the CRM's own fields…); empty when
   * its definition is fine.
   */
  readonly problems: readonly string[];
  /** What to do about the problems: which property/field to create, and how. */
  readonly fix: string;
  /** Non-empty values it holds now (at most the sample size asked for; none when problems). */
  readonly sample: readonly string[];
}

export interface CrmUsage {
  /** API calls made by this adapter instance, by kind ('read' | 'write' | 'search' | …). */
  readonly calls: Readonly<Record<string, number>>;
  /** The CRM's own usage figure where it reports one (Salesforce `Sforce-Limit-Info`). */
  readonly apiUsage?: { readonly used: number; readonly limit: number };
}

export interface CrmAdapter {
  readonly kind: string;
  readonly limits: CrmLimits;
  /** The CRM property/field that holds the Propstreet contact id. */
  readonly keyProperty: string;
  /**
   * How long the CRM lets `readChanges` see a deleted record (Salesforce's recycle bin: 15
   * days; HubSpot's archived contacts: 90 days). A checkpoint older than this may have
   * missed deletions, so the engine then checks every link by id instead.
   */
  readonly deletionsVisibleForMs: number;

  /** Verifies credentials and the key property; writes nothing. */
  check(): Promise<SetupCheck>;
  /** Like `check`, and creates what is missing where the CRM allows (HubSpot property). */
  setup(): Promise<SetupCheck>;
  /** The account these credentials reach (one call); null when the CRM does not say. */
  identity(): Promise<AccountIdentity | null>;
  /** The key property's definition and up to `sampleSize` of its non-empty values (≤ 2 calls). */
  inspectKeyField(sampleSize: number): Promise<KeyFieldReport>;

  /**
   * Records changed (created, updated, deleted, merged away) since `checkpoint` (null = all),
   * oldest first, page by page. The same record may appear twice across an overlap; the
   * engine deduplicates.
   */
  readChanges(checkpoint: string | null, options?: ReadChangesOptions): AsyncIterable<CrmChangePage>;
  /**
   * Records by CRM id; ids not found are absent from the result. A record merged away comes
   * back as what the CRM keeps of it: its survivor (HubSpot answers a merged id with the
   * surviving record) or itself deleted with `mergedInto` (Salesforce's merge losers).
   */
  readByIds(ids: readonly string[]): Promise<CrmRecord[]>;
  /** Records by the key property's value (Propstreet id). */
  readByKeys(keys: readonly string[]): Promise<CrmRecord[]>;
  /** Live records whose value of `property` equals one of these (case-insensitive). */
  findByMatch(property: string, values: readonly string[]): Promise<CrmRecord[]>;

  /** Create-or-update keyed by the key property: a repeated call never duplicates. */
  upsertByKey(inputs: readonly UpsertInput[]): Promise<WriteResult[]>;
  update(inputs: readonly UpdateInput[]): Promise<WriteResult[]>;
  /** Archive (HubSpot) or delete (Salesforce, to the recycle bin). */
  delete(ids: readonly string[]): Promise<WriteResult[]>;

  /**
   * The values the CRM accepts for the mapped properties that take only fixed options (HubSpot
   * enumerations such as `hs_language`), by property name, in the CRM's order; one read.
   * Properties that take any value are absent. Adapters without such properties omit it.
   */
  allowedValues?(): Promise<ReadonlyMap<string, readonly string[]>>;

  usage(): CrmUsage;
}
