/**
 * The fake's data for one object (contacts or companies, by its schema): records with
 * string-only property values, HubSpot's unique rules (contacts' email, and every property
 * created with `hasUniqueValue`), archive, merge, the portal's settable clock (so thousands of
 * records can share one last-modified stamp) and an optional search indexing delay (search
 * shows the previous version of a record until it is indexed).
 */
import type { PropertyIssue } from './fake-errors.js';
import type { FakeObjectSchema } from './object-schema.js';
import { type PortalClock, toMs } from './portal-clock.js';
import { invalidOptions, isValidEmail, type PropertyDefinition } from './property-definitions.js';

export interface StoredRecord {
  readonly id: string;
  props: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt: number | undefined;
  /** Until `until` (wall clock), search still sees `snapshot` (null: not yet indexed at all). */
  pendingIndex?: { until: number; snapshot: StoredRecord | null } | undefined;
}

export type WriteProblem =
  | { readonly kind: 'invalid'; readonly issues: PropertyIssue[] }
  /** The object's own unique property (contacts' email) is taken. */
  | { readonly kind: 'duplicate-primary'; readonly value: string; readonly existingId: string }
  | {
      readonly kind: 'duplicate-unique';
      readonly property: string;
      readonly value: string;
      readonly existingId: string;
    };

export type Clash = Exclude<WriteProblem, { kind: 'invalid' }>;

export interface SeedRecord {
  readonly properties: Readonly<Record<string, string | null>>;
  readonly createdAt?: number | string;
  /** Becomes the last-modified stamp (`lastmodifieddate`, `hs_lastmodifieddate`). */
  readonly updatedAt?: number | string;
}

export type WireValue = string | number | boolean | null;

/** A recorded change, as the webhooks see it (webhooks.ts). */
export type RecordChange =
  | { readonly kind: 'creation'; readonly record: StoredRecord; readonly seeded: boolean }
  /** The properties whose value changed, with the new value ('' when cleared). */
  | {
      readonly kind: 'propertyChange';
      readonly record: StoredRecord;
      readonly changed: readonly (readonly [string, string])[];
    }
  | { readonly kind: 'deletion'; readonly record: StoredRecord }
  | {
      readonly kind: 'merge';
      readonly record: StoredRecord;
      readonly primaryId: string;
      readonly mergedIds: readonly string[];
      /** Properties the merged record took from the other one. */
      readonly moved: number;
    };

const splitList = (v: string | undefined): string[] => (v ? v.split(';').filter(Boolean) : []);

const ARCHIVE_RETENTION_MS = 90 * 24 * 3600_000;

export class ObjectStore {
  readonly records = new Map<string, StoredRecord>();
  readonly mergedInto = new Map<string, string>();
  private readonly properties = new Map<string, PropertyDefinition>();
  /** The schema's own unique property (contacts' email), lower-cased value → id. */
  private readonly primaryIndex = new Map<string, string>();
  private readonly uniqueIndex = new Map<string, Map<string, string>>();
  /** Properties a merge sets itself rather than copying from the merged records. */
  private readonly mergeOwn: ReadonlySet<string>;
  /** How each calculated property's value is worked out when read (name → value, undefined: unset). */
  private readonly calculators = new Map<string, (c: StoredRecord) => string | undefined>();
  /** Told of every merge (the associations move to the merged record). */
  onMerged: ((oldId: string, intoId: string) => void) | undefined;
  /** Told of every change while a webhook subscription exists (webhooks.ts); unset otherwise. */
  onChange: ((change: RecordChange) => void) | undefined;
  private seeding = false;
  private merging = false;

  constructor(
    readonly schema: FakeObjectSchema,
    private readonly clock: PortalClock,
    readonly searchIndexDelayMs = 0,
  ) {
    for (const p of schema.standardProperties()) this.properties.set(p.name, p);
    this.mergeOwn = new Set([
      'hs_object_id',
      'createdate',
      schema.lastModified,
      'hs_merged_object_ids',
      schema.mergeKeepsOther.list,
    ]);
  }

  now(): number {
    return this.clock.now();
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
      for (const c of this.records.values()) {
        const v = c.props[def.name];
        if (!c.archived && v !== undefined) index.set(v, c.id);
      }
      this.uniqueIndex.set(def.name, index);
    }
  }

  /**
   * Computes a calculated property on every read instead of storing it: HubSpot keeps such a
   * rollup current by itself, and computing it never stamps the record as modified.
   */
  calculate(name: string, value: (c: StoredRecord) => string | undefined): void {
    this.calculators.set(name, value);
  }

  /** A property's current value on `c`: stored, or calculated when the property is. */
  valueOf(c: StoredRecord, name: string): string | undefined {
    const calculator = this.calculators.get(name);
    return calculator ? calculator(c) : c.props[name];
  }

  isUnique(name: string): boolean {
    return name === this.schema.primaryUnique || this.properties.get(name)?.hasUniqueValue === true;
  }

  /** Property-level problems: unknown names, read-only properties, malformed values. */
  validate(props: Readonly<Record<string, WireValue>>): PropertyIssue[] {
    const issues: PropertyIssue[] = [];
    for (const [name, raw] of Object.entries(props)) {
      const def = this.properties.get(name);
      if (!def) {
        issues.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      } else if (def.readOnly) {
        // HubSpot names a calculated property as such in the same refusal (mautic#8785 quotes it).
        const what = def.calculated ? 'calculated' : 'read only';
        issues.push({
          name,
          error: 'READ_ONLY_VALUE',
          message: `"${name}" is a ${what} property; its value cannot be set.`,
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
    const primary = this.schema.primaryUnique === undefined ? undefined : props[this.schema.primaryUnique];
    if (typeof primary === 'string' && primary !== '') {
      const owner = this.primaryIndex.get(primary.toLowerCase());
      if (owner !== undefined && owner !== selfId)
        return { kind: 'duplicate-primary', value: primary, existingId: owner };
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

  getLive(id: string): StoredRecord | undefined {
    const c = this.records.get(id);
    return c && !c.archived ? c : undefined;
  }

  getArchived(id: string): StoredRecord | undefined {
    const c = this.records.get(id);
    return c?.archived && !this.purged(c) ? c : undefined;
  }

  /**
   * HubSpot keeps an archived contact or company restorable for 90 days ("Restore deleted
   * records"); after that it is gone from the archived list and from reads by id.
   */
  purged(c: StoredRecord): boolean {
    return c.archived && c.archivedAt !== undefined && this.now() - c.archivedAt >= ARCHIVE_RETENTION_MS;
  }

  /** A live record by id, or by a unique property's value when `idProperty` is given. */
  resolve(idOrValue: string, idProperty?: string): StoredRecord | undefined {
    if (!idProperty || idProperty === 'hs_object_id') return this.getLive(idOrValue);
    const id =
      idProperty === this.schema.primaryUnique
        ? this.primaryIndex.get(idOrValue.toLowerCase())
        : this.uniqueIndex.get(idProperty)?.get(idOrValue);
    return id === undefined ? undefined : this.getLive(id);
  }

  create(
    props: Readonly<Record<string, WireValue>>,
    at?: { createdAt?: number; updatedAt?: number },
  ): StoredRecord {
    const now = this.now();
    const id = this.clock.newId();
    const c: StoredRecord = {
      id,
      props: {},
      createdAt: at?.createdAt ?? now,
      updatedAt: at?.updatedAt ?? at?.createdAt ?? now,
      archived: false,
      archivedAt: undefined,
    };
    this.records.set(id, c);
    this.markPending(c, true);
    this.assign(c, props);
    this.stamp(c);
    if (this.onChange && !this.merging) this.onChange({ kind: 'creation', record: c, seeded: this.seeding });
    return c;
  }

  update(c: StoredRecord, props: Readonly<Record<string, WireValue>>): StoredRecord {
    const before = this.onChange ? { ...c.props } : undefined;
    this.markPending(c, false);
    this.unindex(c);
    this.assign(c, props);
    c.updatedAt = this.now();
    this.stamp(c);
    if (before) {
      // One event per property whose value changed; writing the same value again is no change.
      const changed = Object.keys(props)
        .filter((k) => before[k] !== c.props[k])
        .map((k) => [k, c.props[k] ?? ''] as const);
      if (changed.length > 0) this.onChange?.({ kind: 'propertyChange', record: c, changed });
    }
    return c;
  }

  /** Archived (its deletion event) and then removed for good: a GDPR delete. */
  erase(c: StoredRecord): void {
    this.archive(c);
    this.records.delete(c.id);
  }

  archive(c: StoredRecord): void {
    if (c.archived) return;
    this.markPending(c, false);
    this.unindex(c);
    c.archived = true;
    c.archivedAt = this.now();
    this.onChange?.({ kind: 'deletion', record: c });
  }

  /**
   * HubSpot's merge of contacts and companies ("Updated merge functionality for contacts and
   * companies"): a new record with a new id takes the primary's values, the other's values fill
   * its blanks (single-value properties, the unique key included, hold one value: the
   * primary's), both old ids resolve to it and are listed in `hs_merged_object_ids`, and the
   * other email (contacts) or domain (companies) becomes an additional one. The two old records
   * are gone (not listed as archived).
   */
  merge(primary: StoredRecord, other: StoredRecord): StoredRecord {
    for (const c of [primary, other]) {
      this.unindex(c);
      this.records.delete(c.id);
    }
    const props: Record<string, string> = {};
    for (const source of [other, primary])
      for (const [k, v] of Object.entries(source.props)) if (!this.mergeOwn.has(k)) props[k] = v;
    const mergedIds = [primary, other].flatMap((c) => [...splitList(c.props.hs_merged_object_ids), c.id]);
    props.hs_merged_object_ids = [...new Set(mergedIds)].join(';');
    const { from, list } = this.schema.mergeKeepsOther;
    const kept = props[from]?.toLowerCase();
    const additional = [primary, other]
      .flatMap((c) => [...splitList(c.props[list]), c.props[from] ?? ''])
      .filter((e) => e !== '' && e.toLowerCase() !== kept);
    if (additional.length > 0) props[list] = [...new Set(additional)].join(';');
    this.merging = true;
    let merged: StoredRecord;
    try {
      merged = this.create(props);
    } finally {
      this.merging = false;
    }
    for (const c of [primary, other]) {
      this.mergedInto.set(c.id, merged.id);
      this.onMerged?.(c.id, merged.id);
    }
    for (const [old, into] of this.mergedInto)
      if (into === primary.id || into === other.id) this.mergedInto.set(old, merged.id);
    const moved = Object.keys(other.props).filter(
      (k) => !this.mergeOwn.has(k) && primary.props[k] === undefined,
    ).length;
    this.onChange?.({ kind: 'merge', record: merged, primaryId: primary.id, mergedIds: [other.id], moved });
    return merged;
  }

  /** A live record by id; an id merged away answers with the record it was merged into. */
  resolveMerged(id: string): StoredRecord | undefined {
    const into = this.mergedInto.get(id);
    return this.getLive(id) ?? (into === undefined ? undefined : this.getLive(into));
  }

  /** Bulk load without HTTP: unique rules enforced, timestamps as given. */
  seed(records: readonly SeedRecord[]): string[] {
    this.seeding = true;
    try {
      return this.seedAll(records);
    } finally {
      this.seeding = false;
    }
  }

  private seedAll(records: readonly SeedRecord[]): string[] {
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
  searchView(c: StoredRecord, wallNow: number): StoredRecord | null {
    const p = c.pendingIndex;
    if (!p) return c;
    if (p.until <= wallNow) {
      c.pendingIndex = undefined;
      return c;
    }
    return p.snapshot;
  }

  private markPending(c: StoredRecord, isNew: boolean): void {
    if (this.searchIndexDelayMs <= 0) return;
    const snapshot = isNew ? null : (c.pendingIndex?.snapshot ?? { ...c, props: { ...c.props } });
    c.pendingIndex = { until: Date.now() + this.searchIndexDelayMs, snapshot };
  }

  private assign(c: StoredRecord, props: Readonly<Record<string, WireValue>>): void {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === '') delete c.props[k];
      else c.props[k] = String(v);
    }
    this.index(c);
  }

  private stamp(c: StoredRecord): void {
    c.props.hs_object_id = c.id;
    c.props.createdate = new Date(c.createdAt).toISOString();
    c.props[this.schema.lastModified] = new Date(c.updatedAt).toISOString();
  }

  private primaryValue(c: StoredRecord): string | undefined {
    const name = this.schema.primaryUnique;
    return name === undefined ? undefined : c.props[name]?.toLowerCase();
  }

  private index(c: StoredRecord): void {
    const primary = this.primaryValue(c);
    if (primary) this.primaryIndex.set(primary, c.id);
    for (const [name, index] of this.uniqueIndex) {
      const v = c.props[name];
      if (v !== undefined) index.set(v, c.id);
    }
  }

  private unindex(c: StoredRecord): void {
    const primary = this.primaryValue(c);
    if (primary && this.primaryIndex.get(primary) === c.id) this.primaryIndex.delete(primary);
    for (const [name, index] of this.uniqueIndex) {
      const v = c.props[name];
      if (v !== undefined && index.get(v) === c.id) index.delete(v);
    }
  }
}
