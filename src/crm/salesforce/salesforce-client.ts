/**
 * Every Salesforce call the adapter makes goes through `call`: it charges the API budget per
 * attempt, maps failures to typed errors, reads `Sforce-Limit-Info` back after each response, and
 * retries only what core/retry.ts allows for the call's idempotency (jsforce's own retry is off,
 * see salesforce-transport.ts). Query pages are fetched here too, following `nextRecordsUrl`
 * ourselves so jsforce's `maxFetch` (10,000 records) never truncates a read.
 */
import type { Connection, QueryResult } from 'jsforce';
import { excerpt } from '../../core/clip-text.js';
import type { Clock } from '../../core/clock.js';
import { PayloadError, type PropsyncError, type RequestInfo } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { type RetryPolicy, withRetry } from '../../core/retry.js';
import type { ApiBudget, CallKind } from './api-budget.js';
import { toPropsyncError } from './salesforce-errors.js';
import type { SoqlRow } from './sobject-record.js';

/** Salesforce's largest query page (Sforce-Query-Options batchSize, 200..2000). */
export const QUERY_BATCH_SIZE = 2000;

export interface SalesforceClientOptions {
  readonly conn: Connection;
  readonly budget: ApiBudget;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retryPolicy?: RetryPolicy | undefined;
}

export class SalesforceClient {
  constructor(private readonly o: SalesforceClientOptions) {}

  get conn(): Connection {
    return this.o.conn;
  }

  async call<T>(kind: CallKind, request: RequestInfo, idempotent: boolean, fn: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        this.o.budget.spend(kind);
        try {
          return await fn();
        } catch (e) {
          const error = toPropsyncError(e, request);
          if (error.code === 'DAILY_LIMIT') this.o.budget.stop(error);
          throw error;
        } finally {
          this.o.budget.observe(this.o.conn.limitInfo?.apiUsage);
        }
      },
      {
        idempotent,
        clock: this.o.clock,
        ...(this.o.retryPolicy ? { policy: this.o.retryPolicy } : {}),
        onRetry: ({ attempt, decision, error }) =>
          this.o.logger.warn(
            { crm: 'salesforce', attempt, waitMs: decision.waitMs, error: (error as PropsyncError).message },
            `Salesforce call failed (${decision.reason}); retrying`,
          ),
      },
    );
  }

  /** Pages of a SOQL query, oldest request first; `all` uses queryAll (deleted and merged rows too). */
  async *pages(soql: string, kind: CallKind, all: boolean): AsyncGenerator<QueryResult<SoqlRow>> {
    const headers = { 'Sforce-Query-Options': `batchSize=${QUERY_BATCH_SIZE}` };
    const resource = all ? '/queryAll' : '/query';
    let page = await this.call(kind, { method: 'GET', path: resource }, true, () =>
      this.o.conn.request<QueryResult<SoqlRow>>({
        method: 'GET',
        url: `${resource}?q=${encodeURIComponent(soql)}`,
        headers,
      }),
    );
    for (;;) {
      checkQueryPage(page, resource);
      yield page;
      const next = page.nextRecordsUrl;
      if (page.done || !next) return;
      page = await this.call(kind, { method: 'GET', path: next }, true, () =>
        this.o.conn.request<QueryResult<SoqlRow>>({ method: 'GET', url: next, headers }),
      );
    }
  }

  async queryAllRows(soql: string, kind: CallKind, all = false): Promise<SoqlRow[]> {
    const rows: SoqlRow[] = [];
    for await (const page of this.pages(soql, kind, all)) rows.push(...page.records);
    return rows;
  }
}

/** jsforce hands back whatever the body was (text when it is not JSON): check the shape. */
function checkQueryPage(page: unknown, path: string): asserts page is QueryResult<SoqlRow> {
  const p = page as Partial<QueryResult<SoqlRow>> | null;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.records) || typeof p.done !== 'boolean')
    throw new PayloadError(
      `Salesforce answered ${path} with something that is not a query result (${typeof page === 'string' ? `text: ${excerpt(page, 80)}` : excerpt(JSON.stringify(page) ?? String(page), 80)})`,
      typeof p === 'object' && p !== null && !Array.isArray(p.records) ? 'records' : '$',
      undefined,
      { method: 'GET', path },
    );
}
