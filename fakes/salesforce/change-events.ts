/**
 * Change Data Capture in the fake org: every committed create, update, delete and undelete of a
 * Contact or an Account (API writes, user edits, merges, cascades; not seeds) becomes a change
 * event on the org's event bus, with a `ChangeEventHeader` and an increasing replay id, kept
 * for `retentionMs` of the org's clock (72 h, as Salesforce keeps change events). The CometD
 * endpoint (cometd-server.ts) replays and streams them. Sources: docs/VENDOR-BEHAVIOUR.md,
 * "Change Data Capture".
 *
 * Within one REST request the changes wait for its end and are then diffed against the rows as
 * they are: an `allOrNone` request that rolled back leaves no event, and one transaction's
 * events share a `transactionKey` with increasing `sequenceNumber`s.
 */
import { randomUUID } from 'node:crypto';
import { type FakeClock, formatSfDateTime } from './fake-clock.js';
import type { SObjectStore } from './sobject-store.js';
import type { FieldValue, SObjectRow } from './soql-eval.js';

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';

export interface ChangeEventHeader {
  readonly entityName: string;
  readonly recordIds: readonly string[];
  readonly changeType: ChangeType;
  readonly changeOrigin: string;
  readonly transactionKey: string;
  readonly sequenceNumber: number;
  readonly commitTimestamp: number;
  readonly commitNumber: number;
  readonly commitUser: string;
  readonly changedFields: readonly string[];
}

export interface ChangeEvent {
  readonly replayId: number;
  /** The CometD channel of the entity (`/data/ContactChangeEvent`). */
  readonly channel: string;
  readonly payload: { readonly ChangeEventHeader: ChangeEventHeader } & Record<string, unknown>;
}

export interface ChangeEventOptions {
  /** How long events stay replayable, on the org's clock; default 72 h. */
  readonly retentionMs?: number;
  /** Objects selected for Change Data Capture in Setup; default Contact and Account. */
  readonly entities?: readonly string[];
}

/** Fields that never appear in a change event: the fake's own bookkeeping, and the audit stamp
 * Salesforce leaves out (a guess: SystemModstamp is not in the documented event bodies). */
const HIDDEN = new Set(['Id', 'IsDeleted', 'DeletedAt', 'SystemModstamp']);

export const channelOf = (entity: string): string => `/data/${entity}ChangeEvent`;

export class ChangeEventLog {
  readonly retentionMs: number;
  readonly entities: readonly string[];
  private events: ChangeEvent[] = [];
  private nextReplay = 1;
  /** The highest replay id purged (0: none): an older position can no longer be replayed. */
  private purgedThrough = 0;
  private commitNumber = 1000;
  private listeners = new Set<(e: ChangeEvent) => void>();
  /** Rows touched by the request in progress: id → its state before the request. */
  private pending: Map<string, { store: SObjectStore; before: SObjectRow | undefined }> | undefined;

  constructor(
    private readonly clock: FakeClock,
    stores: readonly SObjectStore[],
    options: ChangeEventOptions = {},
  ) {
    this.retentionMs = options.retentionMs ?? 72 * 3600_000;
    this.entities = options.entities ?? ['Contact', 'Account'];
    for (const store of stores) {
      if (!this.entities.includes(store.name)) continue;
      store.observer = (id, before) => this.observe(store, id, before);
    }
  }

  /** Runs `work` as one transaction made through `origin` (`com/salesforce/api/rest/62.0;client=…`). */
  inRequest<T>(origin: string, work: () => T): T {
    this.pending = new Map();
    try {
      return work();
    } finally {
      const touched = this.pending;
      this.pending = undefined;
      this.publish(
        [...touched.entries()].map(([id, t]) => ({ id, ...t })),
        origin,
      );
    }
  }

  onEvent(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `replayId` (-2: all retained), or undefined when that position was purged. */
  after(replayId: number): ChangeEvent[] | undefined {
    this.purge();
    if (replayId === -2) return [...this.events];
    if (replayId === -1) return [];
    if (replayId < this.purgedThrough || replayId >= this.nextReplay) return undefined;
    return this.events.filter((e) => e.replayId > replayId);
  }

  /** Every retained event (control API). */
  retained(): readonly ChangeEvent[] {
    this.purge();
    return this.events;
  }

  private purge(): void {
    const cutoff = this.clock.nowMs() - this.retentionMs;
    let drop = 0;
    while (
      drop < this.events.length &&
      (this.events[drop]?.payload.ChangeEventHeader.commitTimestamp ?? 0) < cutoff
    )
      drop++;
    if (drop === 0) return;
    this.purgedThrough = this.events[drop - 1]?.replayId ?? this.purgedThrough;
    this.events = this.events.slice(drop);
  }

  private observe(store: SObjectStore, id: string, before: Readonly<SObjectRow> | undefined): void {
    if (this.pending) {
      if (!this.pending.has(id)) this.pending.set(id, { store, before });
      return;
    }
    // A change outside a REST request (a user's edit through the control API) is committed
    // once the call returns: the row is put after this observer sees it.
    this.deferred.push({ id, store, before });
    if (this.deferred.length === 1)
      queueMicrotask(() => {
        const batch = this.deferred;
        this.deferred = [];
        this.publish(batch, '');
      });
  }

  private deferred: { id: string; store: SObjectStore; before: SObjectRow | undefined }[] = [];

  private publish(
    touched: readonly { id: string; store: SObjectStore; before: SObjectRow | undefined }[],
    origin: string,
  ): void {
    const transactionKey = randomUUID();
    const seen = new Set<string>();
    let sequence = 0;
    const commitNumber = ++this.commitNumber;
    for (const { id, store, before } of touched) {
      if (seen.has(id)) continue;
      seen.add(id);
      const after = store.rows.get(id);
      // Rolled back, or saved back as it was (same object): nothing committed.
      if (after === before) continue;
      const event = changeOf(store, before, after);
      if (!event) continue;
      const header: ChangeEventHeader = {
        entityName: store.name,
        recordIds: [id],
        changeType: event.changeType,
        changeOrigin: origin,
        transactionKey,
        sequenceNumber: ++sequence,
        commitTimestamp: this.clock.nowMs(),
        commitNumber,
        commitUser: String((after ?? before)?.LastModifiedById ?? ''),
        changedFields: event.changedFields,
      };
      const e: ChangeEvent = {
        replayId: this.nextReplay++,
        channel: channelOf(store.name),
        payload: { ChangeEventHeader: header, ...event.fields },
      };
      this.events.push(e);
      for (const l of this.listeners) l(e);
    }
  }
}

function changeOf(
  store: SObjectStore,
  before: SObjectRow | undefined,
  after: SObjectRow | undefined,
): { changeType: ChangeType; changedFields: string[]; fields: Record<string, unknown> } | undefined {
  const live = (r: SObjectRow | undefined): r is SObjectRow => r !== undefined && !r.IsDeleted;
  if (!live(before) && live(after))
    return { changeType: before ? 'UNDELETE' : 'CREATE', changedFields: [], fields: visible(store, after) };
  if (live(before) && !live(after)) return { changeType: 'DELETE', changedFields: [], fields: {} };
  if (!live(before) || !live(after)) return undefined;
  const changed: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(after)) {
    if (HIDDEN.has(k) || (before[k] ?? null) === (v ?? null)) continue;
    changed[k] = v ?? null;
  }
  if (Object.keys(changed).length === 0) return undefined;
  // Documented as always among an update's changed fields; the fake's whole-second stamp may tie.
  changed.LastModifiedDate = after.LastModifiedDate ?? null;
  const changedFields = Object.keys(changed);
  return { changeType: 'UPDATE', changedFields, fields: rendered(store, changed) };
}

/** A created or undeleted record's fields: those with a value. */
function visible(store: SObjectStore, row: SObjectRow): Record<string, unknown> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(row)) if (!HIDDEN.has(k) && v !== null && v !== undefined) out[k] = v;
  return rendered(store, out);
}

/** Datetimes as the REST API renders them (the fake keeps them as ms). */
function rendered(store: SObjectStore, values: Record<string, FieldValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values))
    out[k] = store.schema.resolve(k)?.type === 'datetime' && typeof v === 'number' ? formatSfDateTime(v) : v;
  return out;
}
