/**
 * The test-side handle on a fake org: seed data fast, act as a human user (edits stamped with a
 * different LastModifiedById), merge, drive the clock, inject per-record rejections, expire the
 * session, and read everything back. The same operations are served under `/__control/…`.
 */
import type { RecordError } from './contact-rules.js';
import type { RejectionRule } from './contact-store.js';
import type { FakeOrg } from './fake-org.js';
import { projectRow } from './query-service.js';
import { purge } from './recycle-bin.js';
import type { FieldValue } from './soql-eval.js';

export type ContactSnapshot = Readonly<Record<string, unknown>>;
export type SeedContact = Readonly<Record<string, FieldValue>>;

export interface SalesforceFakeControl {
  readonly apiUserId: string;
  readonly uiUserId: string;
  /** Inserts rows as given (no rules), stamped now; returns their ids in order. */
  seed(records: readonly SeedContact[], options?: { as?: string }): string[];
  /** `n` synthetic contacts keyed `${prefix}${i}` (i from 1, zero-padded to 6). */
  generate(n: number, options?: { prefix?: string; as?: string }): string[];
  create(fields: Readonly<Record<string, unknown>>, options?: { as?: string }): string;
  /** An edit as a user (default: the UI user); throws on a rule failure. */
  edit(id: string, fields: Readonly<Record<string, unknown>>, options?: { as?: string }): void;
  remove(id: string, options?: { as?: string }): void;
  /** Purges deleted rows from the recycle bin now, as a full bin or `emptyRecycleBin()` does. */
  emptyRecycleBin(ids: readonly string[]): void;
  /** Merges one or two losers into the master (Salesforce merges at most three records). */
  merge(masterId: string, loserIds: string | readonly string[], options?: { as?: string }): void;
  setClock(at: Date | string | number): void;
  advanceClock(ms: number): void;
  useRealClock(): void;
  get(id: string): ContactSnapshot | undefined;
  getByKey(key: string): ContactSnapshot | undefined;
  dump(options?: { includeDeleted?: boolean }): ContactSnapshot[];
  count(options?: { includeDeleted?: boolean }): number;
  reject(rule: RejectionRule): void;
  clearRejections(): void;
  /** Turns the standard-like Contact duplicate rule on (the default) or off. */
  setDuplicateRule(enabled: boolean): void;
  /**
   * Opens a case on a contact (auto-numbered unless given): Salesforce then refuses to delete
   * the contact (DELETE_FAILED), as it does for one a portal user depends on. Returns the number.
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

export function createControl(org: FakeOrg): SalesforceFakeControl {
  const as = (o?: { as?: string }) => ({ userId: o?.as ?? org.uiUserId, api: false });
  const snapshot = (id: string | undefined) => {
    const row = id ? org.store.get(id) : undefined;
    if (!row) return undefined;
    const { attributes: _attributes, ...rest } = projectRow(row, org.schema.fields, org.version);
    return rest;
  };
  let cases = 0;
  const live = (includeDeleted?: boolean) =>
    [...org.store.rows.values()].filter((r) => includeDeleted === true || !r.IsDeleted);
  return {
    apiUserId: org.apiUserId,
    uiUserId: org.uiUserId,
    seed: (records, o) => org.store.seed(records, o?.as ?? org.apiUserId),
    generate(n, o) {
      const prefix = o?.prefix ?? 'ps-';
      const ext = org.schema.externalIdField;
      const records: SeedContact[] = [];
      for (let i = 1; i <= n; i++) {
        const tag = String(i).padStart(6, '0');
        records.push({
          FirstName: 'Test',
          LastName: `Contact ${tag}`,
          Email: `contact${tag}@example.com`,
          ...(ext ? { [ext]: `${prefix}${tag}` } : {}),
        });
      }
      return org.store.seed(records, o?.as ?? org.apiUserId);
    },
    create(fields, o) {
      const r = org.store.create(fields, as(o));
      if (!r.success) throw new Error(describeErrors(r.errors));
      return r.id;
    },
    edit(id, fields, o) {
      const r = org.store.update(id, fields, as(o));
      if (!r.success) throw new Error(describeErrors(r.errors));
    },
    remove(id, o) {
      const r = org.store.remove(id, as(o));
      if (!r.success) throw new Error(describeErrors(r.errors));
    },
    emptyRecycleBin(ids) {
      for (const id of ids) {
        const row = org.store.get(id);
        if (row) purge(row);
      }
    },
    merge: (masterId, loserIds, o) =>
      org.store.merge(masterId, typeof loserIds === 'string' ? [loserIds] : loserIds, o?.as ?? org.uiUserId),
    setClock: (at) => org.clock.set(at),
    advanceClock: (ms) => org.clock.advance(ms),
    useRealClock: () => org.clock.real(),
    get: (id) => snapshot(id),
    getByKey: (key) => snapshot(org.store.findLiveByKey(key)?.Id as string | undefined),
    dump: (o) => live(o?.includeDeleted).map((r) => snapshot(r.Id as string) as ContactSnapshot),
    count: (o) => live(o?.includeDeleted).length,
    reject: (rule) => org.store.reject(rule),
    clearRejections: () => org.store.clearRejections(),
    setDuplicateRule(enabled) {
      org.store.duplicateRule = enabled;
    },
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
