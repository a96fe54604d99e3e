/**
 * Writes to the fake org's Contacts as Salesforce performs them: live rows plus a recycle bin
 * (IsDeleted = true, visible to queryAll only), the save rules, the unique external id, the
 * standard-like duplicate rule (on by default), contacts that cases keep from being deleted,
 * injected per-record rejections, and merges.
 */
import { duplicateValueError, fieldErrors, normaliseInput, type RecordError } from './contact-rules.js';
import type { ContactSchema } from './contact-schema.js';
import { ContactTable } from './contact-table.js';
import { duplicatesDetectedError, firstNamesMatch, matchFieldsChanged, nameKey } from './duplicate-rule.js';
import type { FakeClock } from './fake-clock.js';
import type { ContactRow, FieldValue } from './soql-eval.js';

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

/** At most this many matches are listed in a DUPLICATES_DETECTED result. */
const MAX_MATCHES = 10;

export class ContactStore {
  /** The standard-like Contact duplicate rule (duplicate-rule.ts) is active. */
  duplicateRule = true;
  /** Contacts that cases depend on, with those cases' numbers: deletes fail with DELETE_FAILED. */
  readonly casesOf = new Map<string, readonly string[]>();
  private readonly table: ContactTable;
  private rejections: { rule: RejectionRule; fired: number }[] = [];
  private counter = 0;

  constructor(
    readonly schema: ContactSchema,
    readonly clock: FakeClock,
    private readonly version: () => string,
  ) {
    this.table = new ContactTable(schema.externalIdField);
  }

  get rows(): ReadonlyMap<string, ContactRow> {
    return this.table.rows;
  }

  get(id: string): ContactRow | undefined {
    return this.rows.get(id.length === 15 ? this.expandId(id) : id);
  }

  findLiveByKey(value: string): ContactRow | undefined {
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
    const row: ContactRow = { ...this.blankRow(), ...values, Id: id };
    Object.assign(row, { CreatedDate: now, CreatedById: ctx.userId, OwnerId: ctx.userId });
    return this.save(undefined, row, values, ctx, true);
  }

  update(id: string, input: Readonly<Record<string, unknown>>, ctx: WriteContext): SaveOutcome {
    const { values, errors } = normaliseInput(this.schema, input, 'update');
    const existing = this.get(id);
    if (!existing) return notFound(id);
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
    if (!existing) return notFound(id);
    if (existing.IsDeleted) return { success: false, id, errors: [deletedError()] };
    // Referential integrity holds for every user, API or not.
    const cases = this.casesOf.get(existing.Id as string);
    if (cases?.length) return { success: false, id, errors: [deleteFailedError(existing, cases)] };
    const rejected = this.rejection(existing, {}, ctx);
    if (rejected) return { success: false, id, errors: [rejected] };
    this.put({ ...existing, ...this.touch(ctx.userId), IsDeleted: true, DeletedAt: this.clock.stamp() });
    return { success: true, id: existing.Id as string, created: false };
  }

  /**
   * Salesforce merge (API `merge()`, Apex `merge`): up to three records, the master and one or
   * two losers. The master keeps its Id and its values; each loser goes to the recycle bin
   * (queryAll only) with `MasterRecordId` set to the master.
   */
  merge(masterId: string, loserIds: readonly string[], userId: string): void {
    const master = this.get(masterId);
    const losers = loserIds.map((id) => this.get(id));
    const usable = (r: ContactRow | undefined): r is ContactRow => r !== undefined && !r.IsDeleted;
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
    for (const loser of losers as ContactRow[]) {
      this.put({
        ...loser,
        ...this.touch(userId),
        IsDeleted: true,
        MasterRecordId: master.Id as string,
        DeletedAt: this.clock.stamp(),
      });
    }
  }

  /** Bulk insert for tests: no rules, no journal; fast enough for 100k rows. */
  seed(records: readonly Readonly<Record<string, FieldValue>>[], userId: string): string[] {
    const now = this.clock.stamp();
    return records.map((r) => {
      const id = this.nextId();
      const base = { ...this.blankRow(), CreatedDate: now, CreatedById: userId, OwnerId: userId };
      const row: ContactRow = { ...base, ...this.touch(userId), ...r, Id: id };
      row.Name = fullName(row);
      this.put(row);
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
    existing: ContactRow | undefined,
    row: ContactRow,
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
    const ext = this.schema.externalIdField;
    const key = ext ? row[ext] : null;
    if (ext && typeof key === 'string' && key !== '') {
      const other = this.table.idByKey(key);
      if (other && other !== id) return fail([duplicateValueError(ext, other)]);
    }
    // On an edit the rule runs only when a field it matches on changed value.
    const runsRule = ctx.api && !ctx.allowSave && this.duplicateRule;
    if (runsRule && (!existing || matchFieldsChanged(existing, row))) {
      const matches = this.duplicatesOf(row);
      if (matches.length) return fail([duplicatesDetectedError(matches, this.version())]);
    }
    // Every save bumps the stamps, even one that changes nothing: as on Salesforce.
    this.put({ ...row, ...this.touch(ctx.userId), Name: fullName(row) });
    return { success: true, id, created };
  }

  /** Live contacts the duplicate rule matches `row` with (not `row` itself). */
  private duplicatesOf(row: Readonly<ContactRow>): string[] {
    const found = new Set<string>();
    const email = typeof row.Email === 'string' ? row.Email : '';
    if (email !== '') for (const o of this.table.liveIdsByEmail(email)) found.add(o);
    const last = nameKey(row.LastName);
    if (last !== '') {
      for (const o of this.table.liveIdsByLastName(last)) {
        if (found.size > MAX_MATCHES) break;
        if (firstNamesMatch(row.FirstName, this.table.rows.get(o)?.FirstName)) found.add(o);
      }
    }
    found.delete(row.Id as string);
    return [...found].slice(0, MAX_MATCHES);
  }

  private rejection(
    target: Readonly<ContactRow>,
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

  private touch(userId: string): ContactRow {
    const now = this.clock.stamp();
    return { LastModifiedDate: now, SystemModstamp: now, LastModifiedById: userId };
  }

  private blankRow(): ContactRow {
    const row: ContactRow = {};
    for (const f of this.schema.fields) row[f.name] = null;
    row.IsDeleted = false;
    return row;
  }

  private put(row: ContactRow): void {
    this.table.put(row);
  }

  /** `003` + a zero-padded base-36 counter + `AAA`: byte order equals creation order. */
  private nextId(): string {
    this.counter++;
    return `003${this.counter.toString(36).toUpperCase().padStart(12, '0')}AAA`;
  }

  private expandId(id15: string): string {
    return `${id15}AAA`;
  }
}

function fullName(row: ContactRow): string {
  return [row.FirstName, row.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
}

/** Salesforce's wording, as a delete of a contact with cases answers it (name, then case numbers). */
function deleteFailedError(row: Readonly<ContactRow>, cases: readonly string[]): RecordError {
  return {
    statusCode: 'DELETE_FAILED',
    message: `Your attempt to delete ${fullName(row)} could not be completed because it is associated with the following cases.: ${cases.join(', ')}\n`,
    fields: [],
  };
}

function deletedError(): RecordError {
  return { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] };
}

function notFound(id: string): SaveOutcome {
  const malformedId = !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(id);
  return {
    success: false,
    id,
    errors: [
      malformedId
        ? {
            statusCode: 'MALFORMED_ID',
            message: `Contact ID: id value of incorrect type: ${id}`,
            fields: ['Id'],
          }
        : { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] },
    ],
  };
}
