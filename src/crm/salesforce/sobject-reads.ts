/**
 * Reading records of one sObject (Contact, Account). Changes come from queryAll ordered by
 * (SystemModstamp, Id), so deleted rows (IsDeleted) and merge losers (MasterRecordId) are part of
 * the feed; each page carries the stamp of its last row as checkpoint (see change-checkpoint.ts).
 * Lookups by id, key or a matching value are live rows, in `IN (…)` chunks (by id also the merge
 * losers, from queryAll); SOQL's `=`/`IN`
 * on text is case-insensitive, which makes email lookups so. A web-address field (Account
 * `Website`) is matched by host instead (website-match.ts).
 */
import type { CrmChangePage, CrmRecord, ReadChangesOptions } from '../port.js';
import { afterCheckpoint, decodeCheckpoint, encodeCheckpoint } from './change-checkpoint.js';
import type { SalesforceClient } from './salesforce-client.js';
import type { SObjectDescriptor } from './sobject.js';
import { type SoqlRow, toCrmRecord } from './sobject-record.js';
import { chunkForIn, inList, isSalesforceId, selectList, soqlLikeWords } from './soql.js';
import { likeConditions, websiteHost } from './website-match.js';

export class SObjectReader {
  /** Fields carried in `properties`: the configured ones and the key. */
  private readonly propertyFields: readonly string[];
  private readonly select: string;

  constructor(
    private readonly client: SalesforceClient,
    private readonly object: SObjectDescriptor,
    private readonly fields: readonly string[],
    private readonly externalIdField: string,
  ) {
    const seen = new Set<string>();
    this.propertyFields = [...fields, externalIdField].filter(
      (f) => !seen.has(f.toLowerCase()) && seen.add(f.toLowerCase()),
    );
    this.select = selectList(fields, externalIdField);
  }

  async *changes(checkpoint: string | null, options: ReadChangesOptions = {}): AsyncGenerator<CrmChangePage> {
    const where = checkpoint
      ? ` WHERE ${afterCheckpoint(decodeCheckpoint(checkpoint), options.overlapMs ?? 0, options.from)}`
      : '';
    const soql = `SELECT ${this.select} FROM ${this.object.name}${where} ORDER BY SystemModstamp ASC, Id ASC`;
    for await (const page of this.client.pages(soql, 'read', true)) {
      options.signal?.throwIfAborted();
      const records = page.records.map((row) => this.record(row));
      const last = records.at(-1);
      if (last) yield { records, checkpoint: encodeCheckpoint(Date.parse(last.modifiedAt)) };
    }
  }

  /**
   * Live records by id, and the merge losers among the ids not found live (deleted, with
   * `mergedInto`): a loser is in the recycle bin with its MasterRecordId, which only queryAll
   * returns (S11, S16). Without them, a merge made while a run wrote the loser read as its
   * deletion — the Propstreet contact deleted under `againstEdit: delete`, a false conflict
   * otherwise. Records deleted outright stay absent, as on HubSpot. One more query only when an
   * id is not found live.
   */
  async byIds(ids: readonly string[]): Promise<CrmRecord[]> {
    // A malformed id fails the whole query on Salesforce; such an id cannot exist anyway.
    const wanted = unique(ids.filter(isSalesforceId));
    const live = await this.lookup('Id', wanted, 'read');
    const found = new Set(live.map((r) => r.id));
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length === 0) return live;
    return [...live, ...(await this.lookup('Id', missing, 'read', 'MasterRecordId != null'))];
  }

  async byKeys(keys: readonly string[]): Promise<CrmRecord[]> {
    return this.lookup(this.externalIdField, unique(keys.filter((k) => k !== '')), 'read');
  }

  /**
   * Live records whose `field` equals one of the values, case-insensitively (SOQL compares text
   * so). For a web-address field: whose host (websiteHost) equals a value's host.
   */
  async byMatch(field: string, values: readonly string[]): Promise<CrmRecord[]> {
    const host = this.object.hostFields.find((f) => f.toLowerCase() === field.toLowerCase());
    if (host) return this.byHost(host, values);
    const wanted = unique(values.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''));
    const spaced = wanted.filter((v) => /\s/.test(v));
    const found = await this.lookup(
      field,
      wanted.filter((v) => !/\s/.test(v)),
      'search',
    );
    return spaced.length === 0 ? found : [...found, ...(await this.byWords(field, spaced, found))];
  }

  /**
   * Values of several words (a company name): SOQL's `IN` compares the stored text, so `Acme
   * Fastigheter AB` typed with two spaces or a non-breaking one was not found by a later run (a
   * first sync compares every staged record's canonical name) and a second Account was created.
   * Found by the words in order instead; the caller keeps those equal in canonical form.
   */
  private byWords(field: string, values: readonly string[], known: readonly CrmRecord[]) {
    const seen = new Set(known.map((r) => r.id));
    return this.byLike(
      field,
      likeConditions(field, values, 50, 3000, soqlLikeWords),
      (row) => !seen.has(row.Id as string),
    );
  }

  private byHost(field: string, values: readonly string[]): Promise<CrmRecord[]> {
    const wanted = new Set(values.flatMap((v) => websiteHost(v) ?? []));
    return this.byLike(field, likeConditions(field, [...wanted]), (row) => {
      const value = row[field];
      return typeof value === 'string' && wanted.has(websiteHost(value) ?? '');
    });
  }

  /** Live rows meeting any of the LIKE conditions on `field` that `keep` keeps, each once. */
  private async byLike(
    field: string,
    conditions: readonly string[],
    keep: (row: SoqlRow) => boolean,
  ): Promise<CrmRecord[]> {
    // The field is read to filter on even when the mapping does not carry it.
    const select = selectList([...this.fields, field], this.externalIdField);
    const out: CrmRecord[] = [];
    const seen = new Set<string>();
    for (const condition of conditions) {
      const soql = `SELECT ${select} FROM ${this.object.name} WHERE ${condition} ORDER BY Id ASC`;
      for (const row of await this.client.queryAllRows(soql, 'search')) {
        if (!keep(row)) continue;
        const record = this.record(row);
        if (!seen.has(record.id)) out.push(record);
        seen.add(record.id);
      }
    }
    return out;
  }

  /** Live rows whose `field` is in `values`; with `deletedWhere`, the deleted rows that meet it. */
  private async lookup(
    field: string,
    values: readonly string[],
    kind: 'read' | 'search',
    deletedWhere?: string,
  ): Promise<CrmRecord[]> {
    const out: CrmRecord[] = [];
    const seen = new Set<string>();
    const also = deletedWhere === undefined ? '' : ` AND IsDeleted = true AND ${deletedWhere}`;
    for (const chunk of chunkForIn(values)) {
      const soql = `SELECT ${this.select} FROM ${this.object.name} WHERE ${inList(field, chunk)}${also} ORDER BY Id ASC`;
      for (const row of await this.client.queryAllRows(soql, kind, deletedWhere !== undefined)) {
        const record = this.record(row);
        if (!seen.has(record.id)) out.push(record);
        seen.add(record.id);
      }
    }
    return out;
  }

  private record(row: SoqlRow): CrmRecord {
    return toCrmRecord(row, this.propertyFields, this.object.name);
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
