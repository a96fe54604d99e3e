/**
 * CRM search as HubSpot documents it: filter groups OR'd, filters inside a group AND'd,
 * ≤ 5 groups / ≤ 6 filters each / ≤ 18 in all and a request body of ≤ 3,000 characters (the
 * search guide's "Limits", last modified 30 March 2026: stricter than the 2024 changelog's
 * 10 / 25, and the newer page wins), one sort, limit ≤ 200, a numeric `after`
 * offset and a hard cap of 10,000 results per query (paging further is a 400). Archived
 * records never show. Ties on the sort key come back in a stable but id-unrelated order,
 * because HubSpot does not promise any order among ties.
 */
import type { FakeResponse } from '../shared/http-fake.js';
import { rank as tieRank } from './batch-common.js';
import { badRequest } from './fake-errors.js';
import type { ObjectStore, StoredRecord } from './object-store.js';
import type { PropertyType } from './property-definitions.js';
import { isRecord, publicObject } from './wire.js';

const SEARCH_CAP = 10_000;
const MAX_FILTERS_PER_GROUP = 6;
const MAX_FILTERS = 18;
/** "A query can contain a maximum of 3,000 characters": the request body, as sent. */
const MAX_SEARCH_BODY = 3_000;
const OPERATORS = new Set([
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
]);

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}

type Key = number | string;

function keyOf(type: PropertyType | undefined, raw: string): Key {
  if (type === 'number') return Number(raw);
  if (type === 'datetime' || type === 'date') return /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return raw.toLowerCase();
}

function tokenMatch(stored: string, pattern: string): boolean {
  const tokens = stored
    .toLowerCase()
    .split(/[\s,;]+/)
    .filter(Boolean);
  const p = pattern.toLowerCase();
  if (!p.includes('*')) return tokens.includes(p);
  const re = new RegExp(
    `^${p
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return tokens.some((t) => re.test(t));
}

function matches(store: ObjectStore, c: StoredRecord, f: Filter): boolean {
  const raw = store.valueOf(c, f.propertyName);
  const type = store.property(f.propertyName)?.type;
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return raw !== undefined;
    case 'NOT_HAS_PROPERTY':
      return raw === undefined;
    case 'IN':
    case 'NOT_IN': {
      // String values are compared with the stored value lower-cased, so callers must send
      // lower-case values (a documented HubSpot gotcha).
      const hit =
        raw !== undefined &&
        (f.values ?? []).some((v) =>
          type === 'string' || type === undefined
            ? raw.toLowerCase() === v
            : keyOf(type, raw) === keyOf(type, v),
        );
      return f.operator === 'IN' ? hit : !hit;
    }
    case 'CONTAINS_TOKEN':
      return raw !== undefined && tokenMatch(raw, f.value ?? '');
    case 'NOT_CONTAINS_TOKEN':
      return raw === undefined || !tokenMatch(raw, f.value ?? '');
  }
  if (raw === undefined) return f.operator === 'NEQ';
  const a = keyOf(type, raw);
  const b = keyOf(type, f.value ?? '');
  switch (f.operator) {
    case 'EQ':
      return a === b;
    case 'NEQ':
      return a !== b;
    case 'LT':
      return a < b;
    case 'LTE':
      return a <= b;
    case 'GT':
      return a > b;
    case 'GTE':
      return a >= b;
    case 'BETWEEN':
      return a >= b && a <= keyOf(type, f.highValue ?? '');
    default:
      return false;
  }
}

function parseFilters(store: ObjectStore, body: Record<string, unknown>): Filter[][] | FakeResponse {
  const groups = body.filterGroups ?? [];
  if (!Array.isArray(groups)) return badRequest('filterGroups must be an array');
  if (groups.length > 5) return badRequest(`Too many filter groups (${groups.length}); the maximum is 5.`);
  let total = 0;
  const out: Filter[][] = [];
  for (const g of groups) {
    const filters = isRecord(g) && Array.isArray(g.filters) ? g.filters : undefined;
    if (!filters) return badRequest('Each filter group needs a filters array');
    if (filters.length > MAX_FILTERS_PER_GROUP)
      return badRequest(
        `Too many filters in a group (${filters.length}); the maximum is ${MAX_FILTERS_PER_GROUP}.`,
      );
    total += filters.length;
    const parsed: Filter[] = [];
    for (const f of filters) {
      if (!isRecord(f) || typeof f.propertyName !== 'string' || typeof f.operator !== 'string')
        return badRequest('A filter needs propertyName and operator');
      if (!OPERATORS.has(f.operator)) return badRequest(`Unknown filter operator ${f.operator}`);
      if (!store.property(f.propertyName))
        return badRequest(
          `Property ${f.propertyName} does not exist on ${store.schema.objectType} and cannot be filtered on.`,
        );
      const values = Array.isArray(f.values) ? f.values.map(String) : undefined;
      if (values && values.length > 100)
        return badRequest(
          `Too many values in an ${f.operator} filter (${values.length}); the maximum is 100.`,
        );
      parsed.push({
        propertyName: f.propertyName,
        operator: f.operator,
        ...(f.value === undefined ? {} : { value: String(f.value) }),
        ...(f.highValue === undefined ? {} : { highValue: String(f.highValue) }),
        ...(values ? { values } : {}),
      });
    }
    out.push(parsed);
  }
  if (total > MAX_FILTERS)
    return badRequest(`Too many filters (${total}); the maximum is ${MAX_FILTERS} across all groups.`);
  return out;
}

export function search(store: ObjectStore, body: unknown, rawLength: number): FakeResponse {
  if (!isRecord(body)) return badRequest('Invalid search request body');
  // The page says a 400 and no more: the message is a guess.
  if (rawLength > MAX_SEARCH_BODY)
    return badRequest(
      `The search request body is ${rawLength} characters; a query can contain at most ${MAX_SEARCH_BODY}.`,
    );
  const groups = parseFilters(store, body);
  if (!Array.isArray(groups)) return groups;
  const sorts = body.sorts ?? [];
  if (!Array.isArray(sorts) || sorts.length > 1) return badRequest('At most one sort is supported.');
  const sortSpec = sorts[0];
  let sortProp = 'hs_object_id';
  let descending = false;
  if (typeof sortSpec === 'string') {
    descending = sortSpec.startsWith('-');
    sortProp = sortSpec.replace(/^-/, '');
  } else if (isRecord(sortSpec) && typeof sortSpec.propertyName === 'string') {
    sortProp = sortSpec.propertyName;
    descending = sortSpec.direction === 'DESCENDING';
  } else if (sortSpec !== undefined) return badRequest('Invalid sort');
  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    return badRequest(`limit must be between 1 and 200 (got ${String(body.limit)})`);
  const after = body.after === undefined || body.after === null || body.after === '' ? 0 : Number(body.after);
  if (!Number.isInteger(after) || after < 0) return badRequest(`Invalid after: ${String(body.after)}`);
  if (after >= SEARCH_CAP)
    return badRequest(`Paging beyond ${SEARCH_CAP} results is not supported (after=${after}).`);
  const properties = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
  const query = typeof body.query === 'string' ? body.query.trim().toLowerCase() : '';

  const wallNow = Date.now();
  const type = store.property(sortProp)?.type;
  const hits: { c: StoredRecord; key: Key | undefined; tie: number }[] = [];
  for (const live of store.records.values()) {
    if (live.archived) continue;
    const c = store.searchView(live, wallNow);
    if (!c || c.archived) continue;
    if (groups.length > 0 && !groups.some((g) => g.every((f) => matches(store, c, f)))) continue;
    if (query && !store.schema.queryProperties.some((p) => c.props[p]?.toLowerCase().includes(query)))
      continue;
    const raw = store.valueOf(c, sortProp);
    hits.push({ c, key: raw === undefined ? undefined : keyOf(type, raw), tie: tieRank(c.id) });
  }
  const dir = descending ? -1 : 1;
  hits.sort((x, y) => {
    if (x.key === undefined || y.key === undefined) {
      if (x.key !== y.key) return x.key === undefined ? 1 : -1;
    } else if (x.key !== y.key) return x.key < y.key ? -dir : dir;
    return x.tie < y.tie ? -1 : x.tie > y.tie ? 1 : 0;
  });
  const end = Math.min(after + limit, hits.length, SEARCH_CAP);
  const page = hits.slice(after, end).map((h) => publicObject(store, h.c, properties));
  const more = end < Math.min(hits.length, SEARCH_CAP) || (end === SEARCH_CAP && hits.length > SEARCH_CAP);
  return {
    status: 200,
    body: {
      total: hits.length,
      results: page,
      ...(more ? { paging: { next: { after: String(end), link: `?after=${end}` } } } : {}),
    },
  };
}
