/**
 * API calls as the fakes saw them (their request logs are the ground truth: retries and 429s
 * included), sorted into the kinds the optimum is stated in; `429:<kind>` counts the
 * rate-limited answers among a kind's calls.
 */
import type { Sandbox } from '../fakes/sandbox/sandbox.js';
import type { RequestLogEntry } from '../fakes/shared/http-fake.js';
import type { ApiCalls, CallCounts } from './model.js';

export type NetworkApi = 'propstreet' | 'hubspot' | 'salesforce';

const CONTACTS = '/api/v1/network/contacts';

/**
 * `check`: the per-run safety checks every run makes before it reads (which account the
 * credentials reach, the key field, the CRM's fixed options): counted, but apart from the sync's
 * reads, whose optimum they are not part of.
 */
function propstreetKind(r: RequestLogEntry): string {
  if (r.method !== 'GET') return 'write';
  if (r.path === '/api/v1/auth/me') return 'check';
  return r.path === CONTACTS ? 'list' : 'get';
}

function hubspotKind(r: RequestLogEntry): string {
  if (r.path.startsWith('/account-info/') || (r.method === 'GET' && r.path.startsWith('/crm/v3/properties/')))
    return 'check';
  if (r.path.endsWith('/search')) return 'search';
  if (r.path.endsWith('/batch/read')) return 'read';
  if (r.method === 'GET') return r.path === '/crm/v3/objects/contacts' ? 'list' : 'read';
  return 'write';
}

function salesforceKind(r: RequestLogEntry): string {
  if (r.method !== 'GET') return 'write';
  if (!/\/query(All)?(\/|$)/.test(r.path)) return 'meta';
  const soql = decodeURIComponent(r.query).replace(/\+/g, ' ');
  // The account (Organization) and the key field's sample (`… != null LIMIT n`).
  if (/FROM Organization|\sLIMIT \d+/.test(soql)) return 'check';
  // Point lookups (by id, key, email) are `IN (…)` queries; the delta read is not.
  return /\+IN\+|\sIN\s/.test(decodeURIComponent(r.query)) ? 'lookup' : 'query';
}

function countOf(entries: readonly RequestLogEntry[], kind: (r: RequestLogEntry) => string): CallCounts {
  const out: CallCounts = {};
  for (const r of entries) {
    const k = kind(r);
    out[k] = (out[k] ?? 0) + 1;
    if (r.status === 429) out[`429:${k}`] = (out[`429:${k}`] ?? 0) + 1;
  }
  return out;
}

function apiLog(sb: Sandbox, api: NetworkApi): readonly RequestLogEntry[] {
  if (api === 'propstreet') return sb.propstreet.apiRequests();
  if (api === 'hubspot') return sb.hubspot?.control.apiRequests() ?? [];
  return (sb.salesforce?.http.requests ?? []).filter((r) => r.path.startsWith('/services/data'));
}

const KIND: Record<NetworkApi, (r: RequestLogEntry) => string> = {
  propstreet: propstreetKind,
  hubspot: hubspotKind,
  salesforce: salesforceKind,
};

/** A mark in every log; `since(mark)` counts what came after it. */
export function markLogs(sb: Sandbox, apis: readonly NetworkApi[]): () => ApiCalls {
  const start = Object.fromEntries(apis.map((a) => [a, apiLog(sb, a).length])) as Record<NetworkApi, number>;
  return () => {
    const out: ApiCalls = {};
    for (const a of apis) out[a] = countOf(apiLog(sb, a).slice(start[a]), KIND[a]);
    return out;
  };
}

/** Where the CRM's first write fell among the Propstreet delta's pages (answered before it, of all). */
export interface PageOrder {
  readonly pagesBefore: number;
  readonly pages: number;
  /** The CRM's writes, and the seconds from the first to the last (their pace, whatever bounds it). */
  readonly crmWrites: number;
  readonly crmWriteSpanS: number;
}

/**
 * A mark in the Propstreet and CRM logs; `since(mark)` says how many Propstreet list pages were
 * answered before the CRM's first write (issue #16 target 1: the run plans pages as they come).
 * Both fakes log in this process, on one clock: an order, not a duration.
 */
export function markPageOrder(sb: Sandbox, crm: NetworkApi): () => PageOrder | undefined {
  const ps0 = apiLog(sb, 'propstreet').length;
  const crm0 = apiLog(sb, crm).length;
  return () => {
    const pages = apiLog(sb, 'propstreet')
      .slice(ps0)
      .filter((r) => propstreetKind(r) === 'list');
    const writes = apiLog(sb, crm)
      .slice(crm0)
      .filter((r) => r.write && KIND[crm](r) === 'write');
    const [first] = writes;
    const last = writes.at(-1);
    if (!first || !last || pages.length === 0) return undefined;
    return {
      pagesBefore: pages.filter((p) => p.at < first.at).length,
      pages: pages.length,
      crmWrites: writes.length,
      crmWriteSpanS: (last.at - first.at) / 1000,
    };
  };
}

/**
 * A connection's first real run samples the key property: on HubSpot with one search, which the
 * request log cannot tell from the delta's searches (no bodies): moved to `check` here.
 */
export function withKeySample(calls: ApiCalls, crm: NetworkApi): ApiCalls {
  const hs = calls.hubspot;
  if (crm !== 'hubspot' || !hs || (hs.search ?? 0) < 1) return calls;
  return { ...calls, hubspot: { ...hs, search: (hs.search ?? 0) - 1, check: (hs.check ?? 0) + 1 } };
}
