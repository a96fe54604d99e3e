/**
 * The per-kind ports a run reads and writes records through. A kind binds them to the API
 * clients with thin adapters (src/kinds/<kind>/ports.ts); the clients stay as they are.
 */
import type {
  CrmChangePage,
  CrmLimits,
  CrmRecord,
  ReadChangesOptions,
  UpdateInput,
  UpsertInput,
  WriteResult,
} from '../crm/port.js';
import type { PropstreetRecord } from './records.js';

/** A record in a page that failed its schema: isolated, reported, never a crash. */
export interface InvalidRecord {
  readonly id: string | undefined;
  readonly jsonPath: string;
  readonly message: string;
}

export interface RecordPage<R> {
  readonly records: readonly R[];
  readonly invalid: readonly InvalidRecord[];
}

export type UpsertAction = 'created' | 'updated' | 'revived';

/** One record of a batch upsert: its id and etag (no record comes back), or why it failed. */
export type BatchUpserted =
  | { readonly ok: true; readonly id: string; readonly etag: string | null; readonly action: UpsertAction }
  | { readonly ok: false; readonly error: Error };

/** One kind's records in Propstreet. `W` is the body a write of the kind sends. */
export interface PropstreetRecords<R extends PropstreetRecord, W> {
  /** Changed records since `updatedSince` (all without it), deleted ones included when asked, page by page. */
  list(options: {
    readonly updatedSince?: string | undefined;
    readonly includeDeleted: boolean;
  }): AsyncIterable<RecordPage<R>>;
  /** Null when the record does not exist (404). */
  get(id: string): Promise<R | null>;
  /** Throws PreconditionFailedError on a stale etag. */
  patch(id: string, body: W, options: { readonly ifMatch?: string | undefined }): Promise<R>;
  /** Create-or-update addressed by an external ref; takes no If-Match. */
  upsertByExternalRef(
    namespace: string,
    externalId: string,
    body: W,
  ): Promise<{ record: R; action: UpsertAction }>;
  delete(id: string, options?: { readonly ifMatch?: string | undefined }): Promise<void>;
  /**
   * Create-or-updates addressed by external refs of one namespace, one call per ≤ 100 (a kind
   * whose API has a batch upsert, and only when the tenant turned it on); results in order.
   * Null: no batch upsert here (any more): the caller upserts one by one.
   */
  upsertManyByExternalRef?(
    namespace: string,
    items: readonly { readonly externalId: string; readonly body: W }[],
  ): Promise<readonly BatchUpserted[] | null>;
  /** Why a configured batch upsert fell back to one call per record (for the run's notices); null when it did not. */
  batchFallback?(): string | null;
}

/** One kind's object in the CRM (HubSpot `contacts`, Salesforce `Contact`), in CRM terms. */
export interface CrmObjects {
  /** The CRM property/field that holds the Propstreet id. */
  readonly keyProperty: string;
  readonly limits: CrmLimits;
  /** How long `readChanges` sees a deleted record; an older checkpoint may have missed deletions. */
  readonly deletionsVisibleForMs: number;
  readChanges(checkpoint: string | null, options?: ReadChangesOptions): AsyncIterable<CrmChangePage>;
  readByIds(ids: readonly string[]): Promise<CrmRecord[]>;
  readByKeys(keys: readonly string[]): Promise<CrmRecord[]>;
  /** Live records whose value of `property` (the CRM property the match field maps to) equals one of these (case-insensitive). */
  findByMatch(property: string, values: readonly string[]): Promise<CrmRecord[]>;
  upsertByKey(inputs: readonly UpsertInput[]): Promise<WriteResult[]>;
  update(inputs: readonly UpdateInput[]): Promise<WriteResult[]>;
  delete(ids: readonly string[]): Promise<WriteResult[]>;
  /** Fixed options of the mapped properties that take only those (HubSpot enumerations). */
  allowedValues?(): Promise<ReadonlyMap<string, readonly string[]>>;
}
