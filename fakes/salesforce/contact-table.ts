/**
 * The rows of the fake Contact table with the indexes Salesforce rules need (the unique
 * external id and Email, both case-insensitive; the last-name key the duplicate rule blocks
 * on; live rows only) and an undo journal, so an allOrNone request can be rolled back.
 */
import { nameKey } from './duplicate-rule.js';
import type { ContactRow } from './soql-eval.js';

export class ContactTable {
  readonly rows = new Map<string, ContactRow>();
  private readonly keyIndex = new Map<string, string>();
  private readonly emailIndex = new Map<string, Set<string>>();
  /** Built on first use (most tests never run the duplicate rule), kept up to date after. */
  private lastNameIndex: Map<string, Set<string>> | undefined;
  private journal: Map<string, ContactRow | undefined> | undefined;

  constructor(private readonly externalIdField: string | null) {}

  /** The live row holding this external id value. */
  idByKey(key: string): string | undefined {
    return this.keyIndex.get(key.toLowerCase());
  }

  liveIdsByEmail(email: string): readonly string[] {
    return [...(this.emailIndex.get(email.toLowerCase()) ?? [])];
  }

  /** Live rows whose LastName has this `nameKey`. */
  liveIdsByLastName(key: string): ReadonlySet<string> {
    if (!this.lastNameIndex) {
      this.lastNameIndex = new Map();
      for (const row of this.rows.values()) if (!row.IsDeleted) this.indexLastName(row);
    }
    return this.lastNameIndex.get(key) ?? new Set();
  }

  put(row: ContactRow): void {
    const id = row.Id as string;
    const previous = this.rows.get(id);
    if (this.journal && !this.journal.has(id)) this.journal.set(id, previous);
    if (previous) this.unindex(previous);
    this.rows.set(id, row);
    this.index(row);
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
      if (current) this.unindex(current);
      if (previous) {
        this.rows.set(id, previous);
        this.index(previous);
      } else this.rows.delete(id);
    }
  }

  private keyOf(row: ContactRow): string | undefined {
    const key = this.externalIdField ? row[this.externalIdField] : null;
    return typeof key === 'string' && key !== '' ? key.toLowerCase() : undefined;
  }

  private index(row: ContactRow): void {
    if (row.IsDeleted) return;
    const key = this.keyOf(row);
    if (key) this.keyIndex.set(key, row.Id as string);
    if (typeof row.Email === 'string' && row.Email !== '') {
      const k = row.Email.toLowerCase();
      const set = this.emailIndex.get(k) ?? new Set<string>();
      set.add(row.Id as string);
      this.emailIndex.set(k, set);
    }
    if (this.lastNameIndex) this.indexLastName(row);
  }

  private indexLastName(row: ContactRow): void {
    const last = nameKey(row.LastName);
    if (last === '' || !this.lastNameIndex) return;
    const set = this.lastNameIndex.get(last) ?? new Set<string>();
    set.add(row.Id as string);
    this.lastNameIndex.set(last, set);
  }

  private unindex(row: ContactRow): void {
    const key = this.keyOf(row);
    if (key && this.keyIndex.get(key) === row.Id) this.keyIndex.delete(key);
    if (typeof row.Email === 'string') this.emailIndex.get(row.Email.toLowerCase())?.delete(row.Id as string);
    this.lastNameIndex?.get(nameKey(row.LastName))?.delete(row.Id as string);
  }
}
