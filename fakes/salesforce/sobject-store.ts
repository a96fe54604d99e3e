/**
 * Writes to one sObject of the fake org as Salesforce performs them: live rows plus a recycle bin
 * (IsDeleted = true, visible to queryAll only), the save rules, lookups, the unique external id,
 * the object's standard-like duplicate rule (on by default), records that cases keep from being
 * deleted, injected per-record rejections, and merges. What one object's writes do to another's
 * rows (an Account's delete takes its Contacts along) comes in through the `relations` hooks.
 */
import {
  type DuplicateRule,
  duplicatesDetectedError,
  MAX_MATCHES,
  matchFieldsChanged,
} from './duplicate-rule.js';
import type { FakeClock } from './fake-clock.js';
import { duplicateValueError, fieldErrors, normaliseInput, type RecordError } from './save-rules.js';
import type { FieldDef, SObjectSchema } from './sobject-schema.js';
import { SObjectTable } from './sobject-table.js';
import type { FieldValue, SObjectRow } from './soql-eval.js';

export type SaveOutcome =
  | { readonly success: true; readonly id: string; readonly created: boolean }
  | { readonly success: false; readonly id?: string; readonly errors: readonly RecordError[] };

export interface RejectionRule {
  /** Matches an input (or the stored record) whose field equals this value. */
  readonly field: string;
  readonly value: string;
  readonly statusCode: string;
  readonly message: string;
  readonly fields?: readonly string[];
  /** Fires at most this many times; unlimited when absent. */
  readonly times?: number;
}

export interface WriteContext {
  readonly userId: string;
  /** API writes pass through injected rejections and duplicate-rule alerts; control edits do not. */
  readonly api: boolean;
  /** The request carried `Sforce-Duplicate-Rule-Header: allowSave=true` (API 52.0+). */
  readonly allowSave?: boolean;
}

/** What makes one object's store differ from another's. */
export interface ObjectBehaviour {
  /** The object's standard duplicate rule; none for objects without one. */
  readonly duplicateRule?: DuplicateRule;
  /** Field values a new record starts with (`IsActive: true`). */
  readonly defaults?: Readonly<Record<string, FieldValue>>;
  /** Deleted records are gone at once instead of going to the recycle bin. */
  readonly hardDelete?: boolean;
  /** The record's name as messages say it (Contact: first and last name; Account: Name). */
  displayName(row: Readonly<SObjectRow>): string;
  /** The read-only `Name` a save computes (Contact: FirstName + LastName); absent: Name is written. */
  computedName?(row: Readonly<SObjectRow>): string;
  /** Extra live-row indexes the org's relations look rows up by (field value → ids). */
  readonly indexes?: Readonly<Record<string, (row: Readonly<SObjectRow>) => string>>;
}

/** How this object's writes reach other objects' rows; set by the org. */
export interface Relations {
  /** A lookup's value on save: an error when it names no live record of its target object. */
  checkReference?(def: FieldDef, value: string): RecordError | undefined;
  /** Rules across records the object has besides its key (a relation's unique pair). */
  validate?(row: Readonly<SObjectRow>, existing: Readonly<SObjectRow> | undefined): RecordError | undefined;
  /** After a save or a seed: what the platform keeps in step elsewhere (a contact's direct relation). */
  afterSave?(before: Readonly<SObjectRow> | undefined, after: Readonly<SObjectRow>, userId: string): void;
  /** Why this record may not be deleted (beyond its own cases), e.g. an Account whose contacts have cases. */
  deleteBlocker?(row: Readonly<SObjectRow>): RecordError | undefined;
  /** After a delete: what goes to the recycle bin with it (an Account's Contacts). */
  afterDelete?(row: Readonly<SObjectRow>, userId: string): void;
  /** After a merge: the losers' children move to the master (an Account's Contacts). */
  afterMerge?(masterId: string, loserIds: readonly string[], userId: string): void;
}

/** Sees each row before it changes (change-events.ts): the row's id and its state before. */
export type ChangeObserver = (id: string, before: Readonly<SObjectRow> | undefined) => void;

export class SObjectStore {
  /** Told of every change but seeds (Change Data Capture, change-events.ts). */
  observer: ChangeObserver | undefined;
  private seeding = false;
  /** The object's standard-like duplicate rule (duplicate-rule.ts) is active. */
  duplicateRule = true;
  /**
   * Its edit action alerts (fails an API edit that makes a match) instead of only reporting:
   * the rule's own default (duplicate-rule.ts), or what an admin set (fake-org `duplicateRuleOnEdit`).
   */
  duplicateRuleAlertsOnEdit: boolean;
  /** Records that cases depend on, with those cases' numbers: deletes fail with DELETE_FAILED. */
  readonly casesOf = new Map<string, readonly string[]>();
  relations: Relations = {};
  private readonly table: SObjectTable;
  private rejections: { rule: RejectionRule; fired: number }[] = [];
  private counter = 0;

  constructor(
    readonly schema: SObjectSchema,
    readonly clock: FakeClock,
    private readonly version: () => string,
    private readonly behaviour: ObjectBehaviour,
  ) {
    this.duplicateRuleAlertsOnEdit = behaviour.duplicateRule?.alertsOnEdit ?? false;
    this.table = new SObjectTable(schema.externalIdField, {
      ...behaviour.duplicateRule?.indexes,
      ...behaviour.indexes,
    });
  }

  /** Ids of rows deleted for good (hardDelete objects) and when: what getDeleted() still lists. */
  readonly erasedAt = new Map<string, number>();
  /** When the delete log was last purged (getDeleted() refuses a start before it); 0: never. */
  deleteLogPurgedAt = 0;

  get name(): string {
    return this.schema.objectName;
  }

  get rows(): ReadonlyMap<string, SObjectRow> {
    return this.table.rows;
  }

  get(id: string): SObjectRow | undefined {
    return this.rows.get(id.length === 15 ? this.expandId(id) : id);
  }

  /** Live rows filed under `key` in one of the behaviour's indexes. */
  liveIds(index: string, key: string): ReadonlySet<string> {
    return this.table.liveIds(index, key);
  }

  findLiveByKey(value: string): SObjectRow | undefined {
    const id = this.table.idByKey(value);
    return id ? this.rows.get(id) : undefined;
  }

  reject(rule: RejectionRule): void {
    this.rejections.push({ rule, fired: 0 });
  }

  clearRejections(): void {
    this.rejections = [];
  }

  create(input: Readonly<Record<string, unknown>>, ctx: WriteContext): SaveOutcome {
    const { values, errors } = normaliseInput(this.schema, input, 'create');
    if (errors.length) return { success: false, errors };
    const id = this.nextId();
    const now = this.clock.stamp();
    const row: SObjectRow = { ...this.blankRow(), ...values, Id: id };
    Object.assign(row, { CreatedDate: now, CreatedById: ctx.userId, OwnerId: ctx.userId });
    return this.save(undefined, row, values, ctx, true);
  }

  update(id: string, input: Readonly<Record<string, unknown>>, ctx: WriteContext): SaveOutcome {
    const { values, errors } = normaliseInput(this.schema, input, 'update');
    const existing = this.get(id);
    if (!existing) return notFound(id, this.name);
    if (existing.IsDeleted) return { success: false, id, errors: [deletedError()] };
    if (errors.length) return { success: false, id, errors };
    return this.save(existing, { ...existing, ...values }, values, ctx, false);
  }

  upsert(key: string, input: Readonly<Record<string, unknown>>, ctx: WriteContext): SaveOutcome {
    const ext = this.schema.externalIdField;
    if (!ext) throw new Error('no external id field in this org');
    const existing = this.findLiveByKey(key);
    const body = { ...input, [ext]: key };
    return existing ? this.update(existing.Id as string, body, ctx) : this.create(body, ctx);
  }

  remove(id: string, ctx: WriteContext): SaveOutcome {
    const existing = this.get(id);
    if (!existing) return notFound(id, this.name);
    if (existing.IsDeleted) return { success: false, id, errors: [deletedError()] };
    // Referential integrity holds for every user, API or not.
    const cases = this.casesOf.get(existing.Id as string);
    if (cases?.length) {
      const name = this.behaviour.displayName(existing);
      return { success: false, id, errors: [deleteFailedError(name, cases)] };
    }
    const blocked = this.relations.deleteBlocker?.(existing);
    if (blocked) return { success: false, id, errors: [blocked] };
    const rejected = this.rejection(existing, {}, ctx);
    if (rejected) return { success: false, id, errors: [rejected] };
    if (this.behaviour.hardDelete) this.drop(existing.Id as string);
    else this.binRow(existing, ctx.userId);
    this.relations.afterDelete?.(existing, ctx.userId);
    return { success: true, id: existing.Id as string, created: false };
  }

  /** A record the platform makes itself (no rules), e.g. a contact's direct account relation. */
  insertRow(values: Readonly<Record<string, FieldValue>>, userId: string): SObjectRow {
    const now = this.clock.stamp();
    const row: SObjectRow = {
      ...this.blankRow(),
      CreatedDate: now,
      CreatedById: userId,
      ...this.touch(userId),
      ...values,
      Id: this.nextId(),
    };
    this.put(row);
    return row;
  }

  /** Removes a record for good without rules, as a cascade of another record's delete. */
  dropRow(id: string): void {
    this.drop(id);
  }

  /** Moves a live row to the recycle bin without rules: a cascade of another record's delete. */
  binRow(row: Readonly<SObjectRow>, userId: string): void {
    this.put({ ...row, ...this.touch(userId), IsDeleted: true, DeletedAt: this.clock.stamp() });
  }

  /** Sets fields on a live row without rules, as the platform does when it reparents children. */
  touchRow(row: Readonly<SObjectRow>, values: Readonly<Record<string, FieldValue>>, userId: string): void {
    this.put({ ...row, ...values, ...this.touch(userId) });
  }

  /** Cases (their numbers) on this live record; an Account's delete checks those of its contacts. */
  casesFor(id: string): readonly string[] {
    return this.casesOf.get(id) ?? [];
  }

  /**
   * Salesforce merge (API `merge()`, Apex `merge`): up to three records, the master and one or
   * two losers. The master keeps its Id and its values; each loser goes to the recycle bin
   * (queryAll only) with `MasterRecordId` set to the master.
   */
  merge(masterId: string, loserIds: readonly string[], userId: string): void {
    const master = this.get(masterId);
    const losers = loserIds.map((id) => this.get(id));
    const usable = (r: SObjectRow | undefined): r is SObjectRow => r !== undefined && !r.IsDeleted;
    if (
      loserIds.length < 1 ||
      loserIds.length > 2 ||
      !usable(master) ||
      !losers.every(usable) ||
      new Set([master, ...losers]).size !== loserIds.length + 1
    ) {
      throw new Error(`cannot merge ${loserIds.join(', ')} into ${masterId}`);
    }
    this.put({ ...master, ...this.touch(userId) });
    for (const loser of losers as SObjectRow[]) {
      this.put({
        ...loser,
        ...this.touch(userId),
        IsDeleted: true,
        MasterRecordId: master.Id as string,
        DeletedAt: this.clock.stamp(),
      });
    }
    this.relations.afterMerge?.(
      master.Id as string,
      (losers as SObjectRow[]).map((l) => l.Id as string),
      userId,
    );
  }

  /** Bulk insert for tests: no rules, no journal; fast enough for 100k rows. */
  seed(records: readonly Readonly<Record<string, FieldValue>>[], userId: string): string[] {
    const now = this.clock.stamp();
    // Test set-up, not a change anyone subscribes to: 100,000 seeded rows make no events.
    this.seeding = true;
    try {
      return this.seedRows(records, userId, now);
    } finally {
      this.seeding = false;
    }
  }

  private seedRows(
    records: readonly Readonly<Record<string, FieldValue>>[],
    userId: string,
    now: number,
  ): string[] {
    return records.map((r) => {
      const id = this.nextId();
      const base = { ...this.blankRow(), CreatedDate: now, CreatedById: userId, OwnerId: userId };
      const row: SObjectRow = { ...base, ...this.touch(userId), ...r, Id: id };
      if (this.behaviour.computedName) row.Name = this.behaviour.computedName(row);
      this.put(row);
      this.relations.afterSave?.(undefined, row, userId);
      return id;
    });
  }

  begin(): void {
    this.table.begin();
  }

  commit(): void {
    this.table.commit();
  }

  rollback(): void {
    this.table.rollback();
  }

  private save(
    existing: SObjectRow | undefined,
    row: SObjectRow,
    changed: Record<string, FieldValue>,
    ctx: WriteContext,
    created: boolean,
  ): SaveOutcome {
    const id = row.Id as string;
    const fail = (errors: readonly RecordError[]): SaveOutcome =>
      created ? { success: false, errors } : { success: false, id, errors };
    const rejected = this.rejection(existing ?? row, changed, ctx);
    if (rejected) return fail([rejected]);
    const invalid = fieldErrors(this.schema, row, changed);
    if (invalid.length) return fail(invalid);
    const badReference = this.referenceErrors(changed);
    if (badReference.length) return fail(badReference);
    const invalidRelation = this.relations.validate?.(row, existing);
    if (invalidRelation) return fail([invalidRelation]);
    const ext = this.schema.externalIdField;
    const key = ext ? row[ext] : null;
    if (ext && typeof key === 'string' && key !== '') {
      const other = this.table.idByKey(key);
      if (other && other !== id) return fail([duplicateValueError(ext, other)]);
    }
    // On an edit the rule runs only when a field it matches on changed value, and fails the
    // save only when its edit action alerts.
    const rule = this.behaviour.duplicateRule;
    const runsRule = rule && ctx.api && !ctx.allowSave && this.duplicateRule;
    if (
      runsRule &&
      (!existing || (this.duplicateRuleAlertsOnEdit && matchFieldsChanged(rule, existing, row)))
    ) {
      const matches = this.duplicatesOf(rule, row);
      if (matches.length) return fail([duplicatesDetectedError(rule, matches, this.version())]);
    }
    // Every save bumps the stamps, even one that changes nothing: as on Salesforce.
    const computed = this.behaviour.computedName;
    const saved = { ...row, ...this.touch(ctx.userId), ...(computed ? { Name: computed(row) } : {}) };
    this.put(saved);
    this.relations.afterSave?.(existing, saved, ctx.userId);
    return { success: true, id, created };
  }

  private referenceErrors(changed: Readonly<Record<string, FieldValue>>): RecordError[] {
    const errors: RecordError[] = [];
    for (const [name, value] of Object.entries(changed)) {
      const def = this.schema.resolve(name);
      if (!def?.referenceTo || typeof value !== 'string' || value === '') continue;
      const error = this.relations.checkReference?.(def, value);
      if (error) errors.push(error);
    }
    return errors;
  }

  /** Live records the duplicate rule matches `row` with (not `row` itself). */
  private duplicatesOf(rule: DuplicateRule, row: Readonly<SObjectRow>): string[] {
    const found = new Set(
      rule.matches(row, {
        ids: (index, key) => this.table.liveIds(index, key),
        row: (id) => this.table.rows.get(id),
      }),
    );
    found.delete(row.Id as string);
    return [...found].slice(0, MAX_MATCHES);
  }

  private rejection(
    target: Readonly<SObjectRow>,
    changed: Readonly<Record<string, FieldValue>>,
    ctx: WriteContext,
  ): RecordError | undefined {
    if (!ctx.api) return undefined;
    for (const r of this.rejections) {
      const { rule } = r;
      if (rule.times !== undefined && r.fired >= rule.times) continue;
      const v = rule.field in changed ? changed[rule.field] : target[rule.field];
      if (v !== rule.value) continue;
      r.fired++;
      return { statusCode: rule.statusCode, message: rule.message, fields: rule.fields ?? [] };
    }
    return undefined;
  }

  private touch(userId: string): SObjectRow {
    const now = this.clock.stamp();
    return { LastModifiedDate: now, SystemModstamp: now, LastModifiedById: userId };
  }

  private blankRow(): SObjectRow {
    const row: SObjectRow = {};
    for (const f of this.schema.fields) row[f.name] = null;
    row.IsDeleted = false;
    return Object.assign(row, this.behaviour.defaults);
  }

  private put(row: SObjectRow): void {
    const id = row.Id as string;
    if (!this.seeding) this.observer?.(id, this.table.rows.get(id));
    this.table.put(row);
  }

  private drop(id: string): void {
    this.observer?.(id, this.table.rows.get(id));
    this.table.delete(id);
    // An object deleted for good still supports getDeleted() (AccountContactRelation, S38): its
    // ids stay listable by the replication resource, with no row behind them.
    if (!this.behaviour.hardDelete) return;
    const now = this.clock.stamp();
    this.erasedAt.set(id, now);
    // Listed for 15 days (as the recycle bin's rows): older ids go, oldest first.
    for (const [old, at] of this.erasedAt) {
      if (now - at < ERASED_KEPT_MS) break;
      this.erasedAt.delete(old);
    }
  }

  /** Key prefix (`003`, `001`) + a zero-padded base-36 counter + `AAA`: byte order equals creation order. */
  private nextId(): string {
    this.counter++;
    return `${this.schema.keyPrefix}${this.counter.toString(36).toUpperCase().padStart(12, '0')}AAA`;
  }

  private expandId(id15: string): string {
    return `${id15}AAA`;
  }
}

const ERASED_KEPT_MS = 15 * 24 * 3_600_000;

/** Salesforce's wording, as a delete of a contact with cases answers it (name, then case numbers). */
export function deleteFailedError(name: string, cases: readonly string[]): RecordError {
  return {
    statusCode: 'DELETE_FAILED',
    message: `Your attempt to delete ${name} could not be completed because it is associated with the following cases.: ${cases.join(', ')}\n`,
    fields: [],
  };
}

function deletedError(): RecordError {
  return { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] };
}

function notFound(id: string, object: string): SaveOutcome {
  const malformedId = !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(id);
  return {
    success: false,
    id,
    errors: [
      malformedId
        ? {
            statusCode: 'MALFORMED_ID',
            message: `${object} ID: id value of incorrect type: ${id}`,
            fields: ['Id'],
          }
        : { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] },
    ],
  };
}
