/**
 * `query` / `queryAll` with server-side cursors. Results are snapshotted when the query runs and
 * handed out in batches (Sforce-Query-Options batchSize, 200..2000, default 2000); each page
 * carries `nextRecordsUrl = /services/data/vXX.X/query/01g…-<offset>` until `done`. As on
 * Salesforce, the locator URL says `query` even for queryAll, and both paths accept it.
 */
import { type FakeClock, formatSfDateTime } from './fake-clock.js';
import { type OrganizationRow, organizationRecords } from './organization-query.js';
import { isPurged } from './recycle-bin.js';
import { RequestError } from './save-rules.js';
import type { FieldDef } from './sobject-schema.js';
import type { SObjectStore } from './sobject-store.js';
import { bindQuery, matches, type SObjectRow, sortRows } from './soql-eval.js';
import { pointAt, SoqlError } from './soql-lexer.js';
import { parseSoql, type SoqlQuery } from './soql-parser.js';

export interface QueryPage {
  readonly totalSize: number;
  readonly done: boolean;
  readonly nextRecordsUrl?: string;
  readonly records: readonly Record<string, unknown>[];
}

interface Cursor {
  readonly records: Record<string, unknown>[];
  readonly batchSize: number;
}

export const DEFAULT_BATCH = 2000;

/** Reads `Sforce-Query-Options: batchSize=N`, clamped to Salesforce's 200..2000. */
export function batchSizeFrom(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  const m = text ? /batchSize\s*=\s*(\d+)/i.exec(text) : null;
  return m ? Math.min(2000, Math.max(200, Number(m[1]))) : undefined;
}

export function projectRow(
  object: string,
  row: SObjectRow,
  fields: readonly FieldDef[],
  version: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: object, url: `/services/data/v${version}/sobjects/${object}/${String(row.Id)}` },
  };
  for (const f of fields) {
    const v = row[f.name] ?? null;
    out[f.name] = f.type === 'datetime' && typeof v === 'number' ? formatSfDateTime(v) : v;
  }
  return out;
}

export class QueryService {
  private readonly cursors = new Map<string, Cursor>();
  private counter = 0;

  constructor(
    private readonly stores: readonly SObjectStore[],
    private readonly organization: () => OrganizationRow,
    private readonly clock: FakeClock,
  ) {}

  /** Throws SoqlError for a bad query. */
  run(soql: string, includeDeleted: boolean, batchSize: number, version: string): QueryPage {
    const parsed = parseSoql(soql);
    const records =
      parsed.object.toLowerCase() === 'organization'
        ? organizationRecords(parsed, this.organization(), version)
        : this.tableRecords(this.storeOf(parsed), parsed, includeDeleted, version);
    this.counter++;
    const locator = `01g${this.counter.toString(36).toUpperCase().padStart(15, '0')}`;
    this.cursors.set(locator, { records, batchSize });
    return this.page(locator, 0, undefined, version);
  }

  private storeOf(parsed: SoqlQuery): SObjectStore {
    const name = parsed.object.toLowerCase();
    const store = this.stores.find((s) => s.name.toLowerCase() === name);
    if (!store) {
      throw new SoqlError(
        'INVALID_TYPE',
        pointAt(parsed.soql, parsed.objectPos, `sObject type '${parsed.object}' is not supported.`),
      );
    }
    return store;
  }

  private tableRecords(store: SObjectStore, parsed: SoqlQuery, includeDeleted: boolean, version: string) {
    const { schema } = store;
    const bound = bindQuery(parsed, schema);
    const hits: SObjectRow[] = [];
    const now = this.clock.nowMs();
    for (const row of store.rows.values()) {
      if (!includeDeleted && row.IsDeleted) continue;
      if (isPurged(row, now)) continue;
      if (matches(row, bound.where, schema)) hits.push(row);
    }
    const sorted = sortRows(hits, bound.orderBy);
    const start = bound.offset ?? 0;
    const end = bound.limit === undefined ? sorted.length : start + bound.limit;
    return sorted.slice(start, end).map((row) => projectRow(schema.objectName, row, bound.fields, version));
  }

  /** `locatorWithOffset` is the last path segment of a nextRecordsUrl, e.g. `01g…-2000`. */
  more(locatorWithOffset: string, batchSize: number | undefined, version: string): QueryPage {
    const m = /^(01g[0-9A-Za-z]+)-(\d+)$/.exec(locatorWithOffset);
    if (!m || !this.cursors.has(m[1] as string)) {
      throw new RequestError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return this.page(m[1] as string, Number(m[2]), batchSize, version);
  }

  openCursors(): number {
    return this.cursors.size;
  }

  private page(locator: string, offset: number, batchSize: number | undefined, version: string): QueryPage {
    const cursor = this.cursors.get(locator) as Cursor;
    const size = batchSize ?? cursor.batchSize;
    const records = cursor.records.slice(offset, offset + size);
    const next = offset + records.length;
    const done = next >= cursor.records.length;
    if (done) this.cursors.delete(locator);
    return {
      totalSize: cursor.records.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${locator}-${next}` }),
      records,
    };
  }
}
