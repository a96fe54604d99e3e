/**
 * The rows of one fake sObject with the indexes Salesforce rules need (the unique external id,
 * case-insensitive, and whatever keys the object's duplicate rule looks candidates up by; live
 * rows only) and an undo journal, so an allOrNone request can be rolled back.
 */
import type { SObjectRow } from './soql-eval.js';

type KeyOf = (row: Readonly<SObjectRow>) => string;

export class SObjectTable {
  readonly rows = new Map<string, SObjectRow>();
  private readonly keyIndex = new Map<string, string>();
  /** Built on first use (most tests never run a duplicate rule), kept up to date after. */
  private readonly indexes = new Map<string, { keyOf: KeyOf; ids: Map<string, Set<string>> }>();
  private journal: Map<string, SObjectRow | undefined> | undefined;

  constructor(
    private readonly externalIdField: string | null,
    private readonly indexKeys: Readonly<Record<string, KeyOf>> = {},
  ) {}

  /** The live row holding this external id value. */
  idByKey(key: string): string | undefined {
    return this.keyIndex.get(key.toLowerCase());
  }

  /** Live rows filed under `key` in the named index. */
  liveIds(index: string, key: string): ReadonlySet<string> {
    return this.index(index)?.ids.get(key) ?? new Set();
  }

  put(row: SObjectRow): void {
    const id = row.Id as string;
    const previous = this.rows.get(id);
    if (this.journal && !this.journal.has(id)) this.journal.set(id, previous);
    if (previous) this.unfile(previous);
    this.rows.set(id, row);
    this.file(row);
  }

  /** Removes a row for good (no recycle bin), journaled like `put`. */
  delete(id: string): void {
    const previous = this.rows.get(id);
    if (!previous) return;
    if (this.journal && !this.journal.has(id)) this.journal.set(id, previous);
    this.unfile(previous);
    this.rows.delete(id);
  }

  begin(): void {
    this.journal = new Map();
  }

  commit(): void {
    this.journal = undefined;
  }

  rollback(): void {
    const journal = this.journal;
    this.journal = undefined;
    for (const [id, previous] of journal ?? []) {
      const current = this.rows.get(id);
      if (current) this.unfile(current);
      if (previous) {
        this.rows.set(id, previous);
        this.file(previous);
      } else this.rows.delete(id);
    }
  }

  private index(name: string) {
    let index = this.indexes.get(name);
    const keyOf = this.indexKeys[name];
    if (!index && keyOf) {
      index = { keyOf, ids: new Map() };
      this.indexes.set(name, index);
      for (const row of this.rows.values()) if (!row.IsDeleted) fileIn(index.ids, keyOf(row), row);
    }
    return index;
  }

  private keyOf(row: SObjectRow): string | undefined {
    const key = this.externalIdField ? row[this.externalIdField] : null;
    return typeof key === 'string' && key !== '' ? key.toLowerCase() : undefined;
  }

  private file(row: SObjectRow): void {
    if (row.IsDeleted) return;
    const key = this.keyOf(row);
    if (key) this.keyIndex.set(key, row.Id as string);
    for (const { keyOf, ids } of this.indexes.values()) fileIn(ids, keyOf(row), row);
  }

  private unfile(row: SObjectRow): void {
    const key = this.keyOf(row);
    if (key && this.keyIndex.get(key) === row.Id) this.keyIndex.delete(key);
    for (const { keyOf, ids } of this.indexes.values()) ids.get(keyOf(row))?.delete(row.Id as string);
  }
}

function fileIn(ids: Map<string, Set<string>>, key: string, row: SObjectRow): void {
  if (key === '') return;
  const set = ids.get(key) ?? new Set<string>();
  set.add(row.Id as string);
  ids.set(key, set);
}
