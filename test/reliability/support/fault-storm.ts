/**
 * A storm of the faults real APIs produce, on all three fakes at once: 5 % 5xx, 3 % 429 with
 * Retry-After 0 or 1, 1 % requests that never answer, 1 % dropped connections, 1 % writes
 * applied and then dropped, and per-record rejections inside batches (HubSpot 207s for a
 * random set of people; Salesforce rejections that fire a few times). Counts come from the
 * fakes' request logs, so RELIABILITY.md reports what was really injected.
 */
import type { FaultRule } from '../../../fakes/shared/faults.js';
import type { Rng } from './chaos-seed.js';
import type { SideName, World } from './world.js';

/** API paths of each fake, so no rule ever hits a control route. */
const API: Record<SideName, RegExp> = {
  propstreet: /^\/api\//,
  hubspot: /^\/crm\//,
  salesforce: /^\/services\/data\/v/,
};
/** Calls that change data (HubSpot's search and batch/read are POSTs that do not). */
const WRITES: Record<SideName, RegExp> = {
  propstreet: /^\/api\//,
  hubspot: /^\/crm\/v3\/objects\/contacts(\/batch\/(create|update|upsert|archive))?$/,
  salesforce: /^\/services\/data\/v[\d.]+\/(composite\/)?sobjects/,
};

function body(side: SideName, status: number): { body: unknown; headers: Record<string, string> } {
  if (side === 'propstreet')
    return {
      body: { type: 'about:blank', title: status === 429 ? 'Too Many Requests' : 'Server error', status },
      headers: { 'content-type': 'application/problem+json' },
    };
  if (side === 'hubspot')
    return {
      body:
        status === 429
          ? {
              status: 'error',
              message: 'You have reached your ten_secondly_rolling limit.',
              errorType: 'RATE_LIMIT',
              policyName: 'TEN_SECONDLY_ROLLING',
            }
          : { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR' },
      headers: {},
    };
  return {
    body: [
      status === 429
        ? { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }
        : { errorCode: 'SERVER_UNAVAILABLE', message: 'server unavailable' },
    ],
    headers: {},
  };
}

function stormRules(side: SideName): FaultRule[] {
  const path = API[side];
  const status = (s: number, probability: number, headers: Record<string, string> = {}): FaultRule => {
    const b = body(side, s);
    return {
      kind: 'status',
      status: s,
      path,
      probability,
      body: b.body,
      headers: { ...b.headers, ...headers },
    };
  };
  const writes = WRITES[side];
  return [
    status(500, 0.02),
    status(502, 0.01),
    status(503, 0.02),
    status(429, 0.015, { 'Retry-After': '0' }),
    status(429, 0.015, { 'Retry-After': '1' }),
    { kind: 'timeout', path, probability: 0.01 },
    { kind: 'drop', path, probability: 0.01 },
    ...(['POST', 'PATCH', 'DELETE'] as const).map(
      (method): FaultRule => ({ kind: 'drop-after', method, path: writes, probability: 0.01 }),
    ),
  ];
}

export interface Storm {
  /** Per-record batch rejections until `end()`: a fresh random set of people each time. */
  armRejections(): { end(): void };
  /** Ends everything. */
  clear(): void;
}

export function startStorm(world: World, rnd: Rng): Storm {
  const fakes = {
    propstreet: world.sb.propstreet.http,
    hubspot: world.sb.hubspot!.http,
    salesforce: world.sb.salesforce!.http,
  };
  for (const [side, http] of Object.entries(fakes) as [SideName, (typeof fakes)['propstreet']][]) {
    http.faults.reseed(rnd.int(1, 2 ** 30));
    for (const rule of stormRules(side)) http.faults.add(rule);
  }
  const hs = world.sb.hubspot!.control;
  const sf = world.sb.salesforce!.control;
  return {
    armRejections() {
      // HubSpot: a 207 multi-status error for about 1 in 25 inputs, by a seeded hash of the email.
      const salt = rnd.int(0, 1_000_000);
      const remove = hs.rejectWhen(
        (p) => typeof p.email === 'string' && hash(`${salt}:${p.email}`) % 25 === 0,
        { code: 'INVALID_EMAIL', message: 'Email address is invalid (storm)' },
      );
      // Salesforce: a few people are rejected a few times each.
      for (const email of rnd.sample([...world.intended.keys()], 8))
        sf.reject({
          field: 'Email',
          value: email,
          statusCode: 'UNABLE_TO_LOCK_ROW',
          message: 'unable to obtain exclusive access to this record (storm)',
          times: rnd.int(1, 3),
        });
      return {
        end() {
          remove();
          sf.clearRejections();
        },
      };
    },
    clear() {
      hs.clearRejections();
      sf.clearRejections();
      for (const http of Object.values(fakes)) http.faults.clear();
    },
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Injected faults by kind, from the three request logs. */
export function faultCounts(world: World): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { side, entry } of world.requestLog()) {
    if (entry.fault) {
      const kind = entry.fault.startsWith('status')
        ? `${entry.fault.replace('status ', 'http ')}`
        : entry.fault;
      out[kind] = (out[kind] ?? 0) + 1;
    }
    if (side === 'propstreet' && entry.status === 412)
      out['http 412 (user edit)'] = (out['http 412 (user edit)'] ?? 0) + 1;
    if (side === 'hubspot' && entry.status === 207)
      out['hubspot 207 partial'] = (out['hubspot 207 partial'] ?? 0) + 1;
  }
  return out;
}
