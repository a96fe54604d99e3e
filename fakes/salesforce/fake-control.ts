/**
 * The test-side handle on a fake org: seed data fast, act as a human user (edits stamped with a
 * different LastModifiedById), merge, drive the clock, inject per-record rejections, expire the
 * session, and read everything back. The same operations are served under `/__control/…`.
 */
import type { FakeOrg } from './fake-org.js';
import { projectRow } from './query-service.js';
import { purge } from './recycle-bin.js';
import type { RecordError } from './save-rules.js';
import type { RejectionRule, SObjectStore } from './sobject-store.js';
import type { FieldValue } from './soql-eval.js';

export type ContactSnapshot = Readonly<Record<string, unknown>>;
export type SeedContact = Readonly<Record<string, FieldValue>>;

/** The test-side operations on one object's records (Contact at the top level, `accounts`). */
export interface SObjectControl {
  /** Inserts rows as given (no rules), stamped now; returns their ids in order. */
  seed(records: readonly SeedContact[], options?: { as?: string }): string[];
  /** `n` synthetic records keyed `${prefix}${i}` (i from 1, zero-padded to 6). */
  generate(n: number, options?: { prefix?: string; as?: string }): string[];
  create(fields: Readonly<Record<string, unknown>>, options?: { as?: string }): string;
  /** An edit as a user (default: the UI user); throws on a rule failure. */
  edit(id: string, fields: Readonly<Record<string, unknown>>, options?: { as?: string }): void;
  remove(id: string, options?: { as?: string }): void;
  /** Purges deleted rows from the recycle bin now, as a full bin or `emptyRecycleBin()` does. */
  emptyRecycleBin(ids: readonly string[]): void;
  /**
   * Purges the delete log now, as Salesforce's two-hourly process does when the log is over its
   * limit: the ids deleted so far are no longer listed, and a getDeleted() start before now is
   * refused (INVALID_REPLICATION_DATE).
   */
  purgeDeleteLog(): void;
  /** Merges one or two losers into the master (Salesforce merges at most three records). */
  merge(masterId: string, loserIds: string | readonly string[], options?: { as?: string }): void;
  get(id: string): ContactSnapshot | undefined;
  getByKey(key: string): ContactSnapshot | undefined;
  dump(options?: { includeDeleted?: boolean }): ContactSnapshot[];
  count(options?: { includeDeleted?: boolean }): number;
  reject(rule: RejectionRule): void;
  clearRejections(): void;
  /**
   * Turns the object's standard-like duplicate rule on (the default) or off; `onEdit` sets its
   * edit action as an admin would (`report`, the shipped default, or `alert`).
   */
  setDuplicateRule(enabled: boolean, options?: { onEdit?: 'report' | 'alert' }): void;
}

export interface SalesforceFakeControl extends SObjectControl {
  readonly apiUserId: string;
  readonly uiUserId: string;
  /** The same operations on Account records. */
  readonly accounts: SObjectControl;
  /** On AccountContactRelation records, when the org has Contacts to Multiple Accounts on. */
  readonly accountContactRelations: SObjectControl | undefined;
  setClock(at: Date | string | number): void;
  advanceClock(ms: number): void;
  useRealClock(): void;
  /**
   * Opens a case on a contact (auto-numbered unless given): Salesforce then refuses to delete
   * the contact (DELETE_FAILED), as it does for one a portal user depends on, and its account.
   * Returns the number.
   */
  attachCase(contactId: string, caseNumber?: string): string;
  /** Removes the contact from its cases, so it can be deleted again. */
  detachCases(contactId: string): void;
  expireToken(): void;
  /** The refresh token stops working (400 invalid_grant at the token endpoint). */
  revokeRefreshToken(): void;
  /** Lifetime of sessions, issued ones included (ms). */
  setSessionLifetime(ms: number): void;
  /** Every token the token endpoint handed out (for leak scans). */
  issuedTokens(): string[];
  setApiUsage(usage: { used?: number; limit?: number }): void;
  apiUsage(): { used: number; limit: number };
}

function describeErrors(errors: readonly RecordError[]): string {
  return errors.map((e) => `${e.statusCode}: ${e.message}`).join('; ');
}

/** The synthetic row `generate` makes for the i-th record (`tag` is i zero-padded to 6). */
type Generator = (tag: string) => SeedContact;

const CONTACT_ROW: Generator = (tag) => ({
  FirstName: 'Test',
  LastName: `Contact ${tag}`,
  Email: `contact${tag}@example.com`,
});

const ACCOUNT_ROW: Generator = (tag) => ({
  Name: `Company ${tag}`,
  Website: `https://www.company${tag}.example.com`,
});

function objectControl(org: FakeOrg, store: SObjectStore, generated: Generator): SObjectControl {
  const as = (o?: { as?: string }) => ({ userId: o?.as ?? org.uiUserId, api: false });
  const snapshot = (id: string | undefined) => {
    const row = id ? store.get(id) : undefined;
    if (!row) return undefined;
    const { attributes: _attributes, ...rest } = projectRow(
      store.name,
      row,
      store.schema.fields,
      org.version,
    );
    return rest;
  };
  const live = (includeDeleted?: boolean) =>
    [...store.rows.values()].filter((r) => includeDeleted === true || !r.IsDeleted);
  return {
    seed: (records, o) => store.seed(records, o?.as ?? org.apiUserId),
    generate(n, o) {
      const prefix = o?.prefix ?? 'ps-';
      const ext = store.schema.externalIdField;
      const records: SeedContact[] = [];
      for (let i = 1; i <= n; i++) {
        const tag = String(i).padStart(6, '0');
        records.push({ ...generated(tag), ...(ext ? { [ext]: `${prefix}${tag}` } : {}) });
      }
      return store.seed(records, o?.as ?? org.apiUserId);
    },
    create(fields, o) {
      const r = store.create(fields, as(o));
      if (!r.success) throw new Error(describeErrors(r.errors));
      return r.id;
    },
    edit(id, fields, o) {
      const r = store.update(id, fields, as(o));
      if (!r.success) throw new Error(describeErrors(r.errors));
    },
    remove(id, o) {
      const r = store.remove(id, as(o));
      if (!r.success) throw new Error(describeErrors(r.errors));
    },
    emptyRecycleBin(ids) {
      for (const id of ids) {
        const row = store.get(id);
        if (row) purge(row);
      }
    },
    purgeDeleteLog() {
      store.erasedAt.clear();
      store.deleteLogPurgedAt = org.clock.nowMs();
    },
    merge: (masterId, loserIds, o) =>
      store.merge(masterId, typeof loserIds === 'string' ? [loserIds] : loserIds, o?.as ?? org.uiUserId),
    get: (id) => snapshot(id),
    getByKey: (key) => snapshot(store.findLiveByKey(key)?.Id as string | undefined),
    dump: (o) => live(o?.includeDeleted).map((r) => snapshot(r.Id as string) as ContactSnapshot),
    count: (o) => live(o?.includeDeleted).length,
    reject: (rule) => store.reject(rule),
    clearRejections: () => store.clearRejections(),
    setDuplicateRule(enabled, options) {
      store.duplicateRule = enabled;
      if (options?.onEdit) store.duplicateRuleAlertsOnEdit = options.onEdit === 'alert';
    },
  };
}

/** Relations need an account and a contact each: there is nothing to make up. */
const NO_GENERATOR: Generator = () => {
  throw new Error('generate() makes no AccountContactRelation: seed them with AccountId and ContactId');
};

export function createControl(org: FakeOrg): SalesforceFakeControl {
  let cases = 0;
  const relations = org.accountContactRelations;
  return {
    ...objectControl(org, org.store, CONTACT_ROW),
    accounts: objectControl(org, org.accounts, ACCOUNT_ROW),
    accountContactRelations: relations ? objectControl(org, relations, NO_GENERATOR) : undefined,
    apiUserId: org.apiUserId,
    uiUserId: org.uiUserId,
    setClock: (at) => org.clock.set(at),
    advanceClock: (ms) => org.clock.advance(ms),
    useRealClock: () => org.clock.real(),
    attachCase(contactId, caseNumber) {
      const row = org.store.get(contactId);
      if (!row || row.IsDeleted) throw new Error(`no live contact ${contactId}`);
      const id = row.Id as string;
      const number = caseNumber ?? String(1001 + cases++).padStart(8, '0');
      org.store.casesOf.set(id, [...(org.store.casesOf.get(id) ?? []), number]);
      return number;
    },
    detachCases(contactId) {
      org.store.casesOf.delete((org.store.get(contactId)?.Id as string | undefined) ?? contactId);
    },
    expireToken: () => org.expireTokens(),
    revokeRefreshToken: () => org.revokeRefreshToken(),
    setSessionLifetime(ms) {
      org.sessionLifetimeMs = ms;
    },
    issuedTokens: () => [...org.issued],
    setApiUsage(usage) {
      if (usage.used !== undefined) org.used = usage.used;
      if (usage.limit !== undefined) org.dailyLimit = usage.limit;
    },
    apiUsage: () => ({ used: org.used, limit: org.dailyLimit }),
  };
}
