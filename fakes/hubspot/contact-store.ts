/**
 * The fake's data: contacts with string-only property values, HubSpot's unique rules
 * (email, and every property created with `hasUniqueValue`), archive, merge, a settable
 * clock (so thousands of records can share one `lastmodifieddate`) and an optional search
 * indexing delay (search shows the previous version of a record until it is indexed).
 */
import {
  invalidOptions,
  isValidEmail,
  type PropertyDefinition,
  standardContactProperties,
} from './contact-properties.js';
import type { PropertyIssue } from './fake-errors.js';

export interface StoredContact {
  readonly id: string;
  props: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt: number | undefined;
  /** Until `until` (wall clock), search still sees `snapshot` (null: not yet indexed at all). */
  pendingIndex?: { until: number; snapshot: StoredContact | null } | undefined;
}

export type WriteProblem =
  | { readonly kind: 'invalid'; readonly issues: PropertyIssue[] }
  | { readonly kind: 'duplicate-email'; readonly existingId: string }
  | {
      readonly kind: 'duplicate-unique';
      readonly property: string;
      readonly value: string;
      readonly existingId: string;
    };

export type Clash = Exclude<WriteProblem, { kind: 'invalid' }>;

export interface SeedContact {
  readonly properties: Readonly<Record<string, string | null>>;
  readonly createdAt?: number | string;
  /** Becomes `lastmodifieddate`. */
  readonly updatedAt?: number | string;
}

export type WireValue = string | number | boolean | null;

/** Properties a merge sets itself rather than copying from the merged records. */
const MERGE_OWN = new Set([
  'hs_object_id',
  'createdate',
  'lastmodifieddate',
  'hs_merged_object_ids',
  'hs_additional_emails',
]);

const splitList = (v: string | undefined): string[] => (v ? v.split(';').filter(Boolean) : []);

function toMs(v: number | string): number {
  return typeof v === 'number' ? v : Date.parse(v);
}

const ARCHIVE_RETENTION_MS = 90 * 24 * 3600_000;

export class ContactStore {
  readonly contacts = new Map<string, StoredContact>();
  readonly mergedInto = new Map<string, string>();
  private readonly properties = new Map<string, PropertyDefinition>();
  private readonly emailIndex = new Map<string, string>();
  private readonly uniqueIndex = new Map<string, Map<string, string>>();
  private nextId = 101;
  private fixedNow: number | undefined;
  private lastNow = 0;

  constructor(readonly searchIndexDelayMs = 0) {
    for (const p of standardContactProperties()) this.properties.set(p.name, p);
  }

  /** Server time: the fixed clock when set, else wall time that never goes backwards. */
  now(): number {
    if (this.fixedNow !== undefined) return this.fixedNow;
    this.lastNow = Math.max(this.lastNow, Date.now());
    return this.lastNow;
  }

  setClock(at: number | string | null): void {
    this.fixedNow = at === null ? undefined : toMs(at);
  }

  advanceClock(ms: number): void {
    this.fixedNow = (this.fixedNow ?? this.now()) + ms;
  }

  property(name: string): PropertyDefinition | undefined {
    return this.properties.get(name);
  }

  allProperties(): PropertyDefinition[] {
    return [...this.properties.values()];
  }

  defineProperty(def: PropertyDefinition): void {
    this.properties.set(def.name, def);
    if (def.hasUniqueValue && !this.uniqueIndex.has(def.name)) {
      const index = new Map<string, string>();
      for (const c of this.contacts.values()) {
        const v = c.props[def.name];
        if (!c.archived && v !== undefined) index.set(v, c.id);
      }
      this.uniqueIndex.set(def.name, index);
    }
  }

  isUnique(name: string): boolean {
    return name === 'email' || this.properties.get(name)?.hasUniqueValue === true;
  }

  /** Property-level problems: unknown names, read-only properties, malformed values. */
  validate(props: Readonly<Record<string, WireValue>>): PropertyIssue[] {
    const issues: PropertyIssue[] = [];
    for (const [name, raw] of Object.entries(props)) {
      const def = this.properties.get(name);
      if (!def) {
        issues.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      } else if (def.readOnly) {
        issues.push({
          name,
          error: 'READ_ONLY_VALUE',
          message: `"${name}" is a read only property; its value cannot be set.`,
        });
      } else if (name === 'email' && typeof raw === 'string' && raw !== '' && !isValidEmail(raw)) {
        issues.push({ name, error: 'INVALID_EMAIL', message: `Email address ${raw} is invalid` });
      } else if (raw !== null && typeof raw !== 'object' && invalidOptions(def, String(raw)).length > 0) {
        // HubSpot's wording (v3 VALIDATION_ERROR, INVALID_OPTION): the value, then the allowed values.
        issues.push({
          name,
          error: 'INVALID_OPTION',
          message: `${String(raw)} was not one of the allowed options: [${def.options.map((o) => o.value).join(', ')}]`,
        });
      } else if (raw !== null && typeof raw === 'object') {
        issues.push({
          name,
          error: 'INVALID_VALUE',
          message: `${JSON.stringify(raw)} is not a valid value for ${name}`,
        });
      }
    }
    return issues;
  }

  /** Unique-rule clashes with other live records; `selfId` is the record being written. */
  conflict(props: Readonly<Record<string, WireValue>>, selfId?: string): Clash | undefined {
    const email = props.email;
    if (typeof email === 'string' && email !== '') {
      const owner = this.emailIndex.get(email.toLowerCase());
      if (owner !== undefined && owner !== selfId) return { kind: 'duplicate-email', existingId: owner };
    }
    for (const [name, index] of this.uniqueIndex) {
      const v = props[name];
      if (v === undefined || v === null || v === '') continue;
      const owner = index.get(String(v));
      if (owner !== undefined && owner !== selfId)
        return { kind: 'duplicate-unique', property: name, value: String(v), existingId: owner };
    }
    return undefined;
  }

  getLive(id: string): StoredContact | undefined {
    const c = this.contacts.get(id);
    return c && !c.archived ? c : undefined;
  }

  getArchived(id: string): StoredContact | undefined {
    const c = this.contacts.get(id);
    return c?.archived && !this.purged(c) ? c : undefined;
  }

  /**
   * HubSpot keeps an archived contact restorable for 90 days ("Restore deleted records"); after
   * that it is gone from the archived list and from reads by id.
   */
  purged(c: StoredContact): boolean {
    return c.archived && c.archivedAt !== undefined && this.now() - c.archivedAt >= ARCHIVE_RETENTION_MS;
  }

  /** A live record by id, or by a unique property's value when `idProperty` is given. */
  resolve(idOrValue: string, idProperty?: string): StoredContact | undefined {
    if (!idProperty || idProperty === 'hs_object_id') return this.getLive(idOrValue);
    const id =
      idProperty === 'email'
        ? this.emailIndex.get(idOrValue.toLowerCase())
        : this.uniqueIndex.get(idProperty)?.get(idOrValue);
    return id === undefined ? undefined : this.getLive(id);
  }

  create(
    props: Readonly<Record<string, WireValue>>,
    at?: { createdAt?: number; updatedAt?: number },
  ): StoredContact {
    const now = this.now();
    const id = String(this.nextId++);
    const c: StoredContact = {
      id,
      props: {},
      createdAt: at?.createdAt ?? now,
      updatedAt: at?.updatedAt ?? at?.createdAt ?? now,
      archived: false,
      archivedAt: undefined,
    };
    this.contacts.set(id, c);
    this.markPending(c, true);
    this.assign(c, props);
    this.stamp(c);
    return c;
  }

  update(c: StoredContact, props: Readonly<Record<string, WireValue>>): StoredContact {
    this.markPending(c, false);
    this.unindex(c);
    this.assign(c, props);
    c.updatedAt = this.now();
    this.stamp(c);
    return c;
  }

  archive(c: StoredContact): void {
    if (c.archived) return;
    this.markPending(c, false);
    this.unindex(c);
    c.archived = true;
    c.archivedAt = this.now();
  }

  /**
   * HubSpot's merge of contacts ("Updated merge functionality for contacts and companies"):
   * a new record with a new id takes the primary's values, the other's values fill its blanks
   * (single-value properties, the unique key included, hold one value: the primary's), both old
   * ids resolve to it and are listed in `hs_merged_object_ids`, and the other email becomes an
   * additional email. The two old records are gone (not listed as archived).
   */
  merge(primary: StoredContact, other: StoredContact): StoredContact {
    for (const c of [primary, other]) {
      this.unindex(c);
      this.contacts.delete(c.id);
    }
    const props: Record<string, string> = {};
    for (const source of [other, primary])
      for (const [k, v] of Object.entries(source.props)) if (!MERGE_OWN.has(k)) props[k] = v;
    const mergedIds = [primary, other].flatMap((c) => [...splitList(c.props.hs_merged_object_ids), c.id]);
    props.hs_merged_object_ids = [...new Set(mergedIds)].join(';');
    const email = props.email?.toLowerCase();
    const additional = [primary, other]
      .flatMap((c) => [...splitList(c.props.hs_additional_emails), c.props.email ?? ''])
      .filter((e) => e !== '' && e.toLowerCase() !== email);
    if (additional.length > 0) props.hs_additional_emails = [...new Set(additional)].join(';');
    const merged = this.create(props);
    for (const c of [primary, other]) this.mergedInto.set(c.id, merged.id);
    for (const [old, into] of this.mergedInto)
      if (into === primary.id || into === other.id) this.mergedInto.set(old, merged.id);
    return merged;
  }

  /** A live record by id; an id merged away answers with the record it was merged into. */
  resolveMerged(id: string): StoredContact | undefined {
    const into = this.mergedInto.get(id);
    return this.getLive(id) ?? (into === undefined ? undefined : this.getLive(into));
  }

  /** Bulk load without HTTP: unique rules enforced, timestamps as given. */
  seed(records: readonly SeedContact[]): string[] {
    const ids: string[] = [];
    for (const r of records) {
      const issues = this.validate(r.properties);
      if (issues.length > 0) throw new Error(`seed: ${issues.map((i) => i.message).join('; ')}`);
      const clash = this.conflict(r.properties);
      if (clash) throw new Error(`seed: unique value already used by ${clash.existingId}`);
      const createdAt = r.createdAt === undefined ? undefined : toMs(r.createdAt);
      const updatedAt = r.updatedAt === undefined ? createdAt : toMs(r.updatedAt);
      const c = this.create(r.properties, {
        ...(createdAt === undefined ? {} : { createdAt }),
        ...(updatedAt === undefined ? {} : { updatedAt }),
      });
      ids.push(c.id);
    }
    return ids;
  }

  /** What search sees of `c` right now (null: not indexed yet). */
  searchView(c: StoredContact, wallNow: number): StoredContact | null {
    const p = c.pendingIndex;
    if (!p) return c;
    if (p.until <= wallNow) {
      c.pendingIndex = undefined;
      return c;
    }
    return p.snapshot;
  }

  private markPending(c: StoredContact, isNew: boolean): void {
    if (this.searchIndexDelayMs <= 0) return;
    const snapshot = isNew ? null : (c.pendingIndex?.snapshot ?? { ...c, props: { ...c.props } });
    c.pendingIndex = { until: Date.now() + this.searchIndexDelayMs, snapshot };
  }

  private assign(c: StoredContact, props: Readonly<Record<string, WireValue>>): void {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === '') delete c.props[k];
      else c.props[k] = String(v);
    }
    this.index(c);
  }

  private stamp(c: StoredContact): void {
    c.props.hs_object_id = c.id;
    c.props.createdate = new Date(c.createdAt).toISOString();
    c.props.lastmodifieddate = new Date(c.updatedAt).toISOString();
  }

  private index(c: StoredContact): void {
    const email = c.props.email;
    if (email) this.emailIndex.set(email.toLowerCase(), c.id);
    for (const [name, index] of this.uniqueIndex) {
      const v = c.props[name];
      if (v !== undefined) index.set(v, c.id);
    }
  }

  private unindex(c: StoredContact): void {
    const email = c.props.email?.toLowerCase();
    if (email && this.emailIndex.get(email) === c.id) this.emailIndex.delete(email);
    for (const [name, index] of this.uniqueIndex) {
      const v = c.props[name];
      if (v !== undefined && index.get(v) === c.id) index.delete(v);
    }
  }
}
