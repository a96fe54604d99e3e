/**
 * The query and the answer every versioned V1 list shares (contacts, companies, links):
 * `updated_since` (on or after), `include_deleted`, `page_size` (a string matching
 * `^-?(?:0|[1-9]\d*)$`, 1–500, default 500) and an opaque `cursor`; the answer
 * `{data, page:{nextCursor, hasMore, pageSize}}`. The sync-patterns guide says the same
 * patterns hold for "every v1 list endpoint that exposes updated_since, include_deleted, and
 * page_size".
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { canonicalUtc } from './fake-time.js';
import { validationProblem } from './problem.js';
import type { FakeVersioned, ListQuery } from './versioned-store.js';

const PAGE_SIZE = /^-?(?:0|[1-9]\d*)$/;

/** The store query (asking one row more than the page, to know whether more follow), or a 400. */
export function parseListQuery(req: FakeRequest): ListQuery | FakeResponse {
  const errors: Record<string, string[]> = {};
  const q = req.query;
  let size = 500;
  const ps = q.get('page_size');
  if (ps !== null && ps !== '') {
    if (!PAGE_SIZE.test(ps)) errors.page_size = [`The value '${ps}' is not valid.`];
    else if (Number(ps) < 1 || Number(ps) > 500) errors.page_size = ['page_size must be between 1 and 500.'];
    else size = Number(ps);
  }
  let includeDeleted = false;
  const inc = q.get('include_deleted');
  if (inc !== null && inc !== '') {
    if (!/^(true|false)$/i.test(inc)) errors.include_deleted = [`The value '${inc}' is not valid.`];
    else includeDeleted = inc.toLowerCase() === 'true';
  }
  let since: string | undefined;
  const us = q.get('updated_since');
  if (us !== null && us !== '') {
    const c = canonicalUtc(us);
    if (c === null) errors.updated_since = [`The value '${us}' is not a valid ISO 8601 date-time.`];
    else since = c;
  }
  const rawCursor = q.get('cursor');
  const cursor = rawCursor ? decodeCursor(rawCursor) : null;
  if (rawCursor && !cursor) errors.cursor = ['The cursor is invalid or expired.'];
  if (Object.keys(errors).length > 0) return validationProblem(req.path, errors);
  return {
    ...(since !== undefined ? { since } : {}),
    ...(cursor ? { cursor } : {}),
    includeDeleted,
    limit: size + 1,
  };
}

export const isListQuery = (x: ListQuery | FakeResponse): x is ListQuery => 'limit' in x;

/** A page of `rows` (fetched with `limit` = page size + 1), each shown through `view`. */
export function pageAnswer<T extends FakeVersioned>(
  rows: readonly T[],
  q: ListQuery,
  view: (r: T) => unknown,
): FakeResponse {
  const size = q.limit - 1;
  const hasMore = rows.length > size;
  const data = hasMore ? rows.slice(0, size) : rows;
  const last = data[data.length - 1];
  const nextCursor = hasMore && last ? encodeCursor({ u: last.updatedUtc, n: Number(last.id) }) : null;
  return {
    status: 200,
    body: { data: data.map(view), page: { nextCursor, hasMore, pageSize: data.length } },
  };
}
