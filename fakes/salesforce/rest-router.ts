/**
 * Routes under `/services/data/vXX.X`: resources, limits, describeGlobal, sobjects, collections
 * and queries. Authentication and the daily limit are checked by the caller.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { collectionRoute } from './collection-routes.js';
import {
  type FakeOrg,
  fromRequestError,
  isRequestError,
  json,
  notFoundResource,
  sfError,
} from './fake-org.js';
import { batchSizeFrom, DEFAULT_BATCH } from './query-service.js';
import { sobjectRoute } from './sobject-routes.js';
import { SoqlError } from './soql-lexer.js';

function queryRoute(org: FakeOrg, req: FakeRequest, rest: string, version: string): FakeResponse {
  const m = /^\/(queryAll|query)(?:\/([^/]*))?$/.exec(rest);
  if (!m || req.method !== 'GET') return notFoundResource();
  const batch = batchSizeFrom(req.headers['sforce-query-options']);
  const locator = m[2] ?? '';
  try {
    if (locator !== '') return json(200, org.queries.more(locator, batch, version));
    const q = req.query.get('q');
    if (!q) return sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    return json(200, org.queries.run(q, m[1] === 'queryAll', batch ?? DEFAULT_BATCH, version));
  } catch (e) {
    if (e instanceof SoqlError) return sfError(400, e.errorCode, e.message);
    throw e;
  }
}

function limits(org: FakeOrg): FakeResponse {
  return json(200, {
    DailyApiRequests: { Max: org.dailyLimit, Remaining: Math.max(0, org.dailyLimit - org.used) },
    DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
    DataStorageMB: { Max: 5, Remaining: 5 },
  });
}

export function restRoute(org: FakeOrg, req: FakeRequest, rest: string, version: string): FakeResponse {
  try {
    if (rest === '' || rest === '/') {
      const base = `/services/data/v${version}`;
      return json(200, {
        limits: `${base}/limits`,
        sobjects: `${base}/sobjects`,
        query: `${base}/query`,
        queryAll: `${base}/queryAll`,
        composite: `${base}/composite`,
      });
    }
    if (rest === '/limits' || rest === '/limits/') return limits(org);
    if (rest === '/sobjects' || rest === '/sobjects/') {
      return json(200, {
        encoding: 'UTF-8',
        maxBatchSize: 200,
        sobjects: org.objects.map((s) => ({ name: s.name, keyPrefix: s.schema.keyPrefix })),
      });
    }
    if (rest.startsWith('/sobjects/')) return sobjectRoute(org, req, rest, version);
    if (rest.startsWith('/composite/sobjects')) return collectionRoute(org, req, rest, version);
    if (rest.startsWith('/query')) return queryRoute(org, req, rest, version);
    return notFoundResource();
  } catch (e) {
    if (isRequestError(e)) return fromRequestError(e);
    throw e;
  }
}
