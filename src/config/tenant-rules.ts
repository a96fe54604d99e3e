/**
 * Cross-field rules. They run on the interpolated data even when the schema found problems
 * elsewhere, so one pass reports everything; each rule guards the shapes it reads.
 */
import type { ConfigProblem } from './config-problems.js';
import { objectRules } from './object-rules.js';
import { isRecord } from './secret-fields.js';

export function tenantRuleProblems(data: unknown): ConfigProblem[] {
  if (!isRecord(data)) return [];
  return [
    ...propstreetAuthRule(data.propstreet),
    ...connectionRules(data.connections),
    ...stateRule(data.state),
  ];
}

function propstreetAuthRule(ps: unknown): ConfigProblem[] {
  if (!isRecord(ps)) return [];
  const hasToken = ps.token !== undefined;
  const hasClient = ps.clientId !== undefined || ps.clientSecret !== undefined;
  if (hasToken && hasClient) {
    return [
      {
        path: ['propstreet', 'clientId' in ps ? 'clientId' : 'clientSecret'],
        message: 'expected either token or clientId + clientSecret, got both',
        at: 'key',
      },
    ];
  }
  if (!hasToken && !hasClient) {
    return [
      { path: ['propstreet', 'token'], message: 'expected token or clientId + clientSecret, got neither' },
    ];
  }
  if (hasClient) {
    const missing =
      ps.clientId === undefined ? 'clientId' : ps.clientSecret === undefined ? 'clientSecret' : null;
    if (missing) {
      return [
        {
          path: ['propstreet', missing],
          message: `expected ${missing} with the client-credentials grant, got nothing`,
        },
      ];
    }
  } else if (ps.tokenUrl !== undefined) {
    return [
      {
        path: ['propstreet', 'tokenUrl'],
        message: 'expected tokenUrl only with clientId + clientSecret, got token',
        at: 'key',
      },
    ];
  }
  return [];
}

function connectionRules(connections: unknown): ConfigProblem[] {
  if (!Array.isArray(connections)) return [];
  const problems: ConfigProblem[] = [];
  const names = new Map<string, number>();
  const namespaces = new Map<string, number>();
  connections.forEach((c: unknown, i) => {
    if (!isRecord(c)) return;
    if (typeof c.name === 'string') {
      const first = names.get(c.name);
      if (first !== undefined) {
        problems.push({
          path: ['connections', i, 'name'],
          message: `expected a connection name unique in this tenant, got "${c.name}" (also connections[${first}])`,
        });
      } else names.set(c.name, i);
    }
    const ns =
      typeof c.namespace === 'string' ? c.namespace : typeof c.name === 'string' ? c.name : undefined;
    // Propstreet matches namespaces case-insensitively.
    const nsKey = ns?.toLowerCase();
    if (nsKey !== undefined && c.name !== undefined) {
      const first = namespaces.get(nsKey);
      if (first !== undefined && connections[first] !== undefined && !sameName(connections[first], c)) {
        problems.push({
          path: ['connections', i, typeof c.namespace === 'string' ? 'namespace' : 'name'],
          message: `expected a namespace unique in this tenant, got "${ns}" (also used by connections[${first}])`,
        });
      } else if (first === undefined) namespaces.set(nsKey, i);
    }
    problems.push(...objectRules(c, i));
    const syncsLinks = Array.isArray(c.objects) && c.objects.includes('links');
    if (isRecord(c.links) && !syncsLinks)
      problems.push({
        path: ['connections', i, 'links'],
        message:
          'expected links in objects to configure it, got a links block while the connection does not sync links',
        at: 'key',
      });
    if (Array.isArray(c.objects) && c.objects.includes('links')) {
      const missing = ['contacts', 'companies'].filter((k) => !(c.objects as unknown[]).includes(k));
      if (missing.length > 0)
        problems.push({
          path: ['connections', i, 'objects'],
          message: `expected contacts and companies with links (who works where joins them), got no ${missing.join(' or ')}`,
        });
    }
    if (c.type === 'hubspot') problems.push(...hubspotAuthRule(c, i));
    if (c.type === 'salesforce' && c.refreshToken !== undefined && c.clientId === undefined) {
      problems.push({
        path: ['connections', i, 'clientId'],
        message: 'expected clientId with refreshToken (needed to refresh the access token), got nothing',
      });
    }
  });
  return problems;
}

const HUBSPOT_OAUTH_KEYS = ['clientId', 'clientSecret', 'refreshToken'] as const;

/** A private app (accessToken) or an OAuth app (all three OAuth keys), never both. */
function hubspotAuthRule(c: Record<string, unknown>, i: number): ConfigProblem[] {
  const oauthKeys = HUBSPOT_OAUTH_KEYS.filter((k) => c[k] !== undefined);
  const both = 'accessToken (private app) or clientId + clientSecret + refreshToken (OAuth app)';
  if (c.accessToken !== undefined && c.oauthTokenEndpoint !== undefined && oauthKeys.length === 0)
    return [
      {
        path: ['connections', i, 'oauthTokenEndpoint'],
        message:
          'expected oauthTokenEndpoint only with an OAuth app (clientId + clientSecret + refreshToken), got it with accessToken (a private app has no token to refresh)',
        at: 'key',
      },
    ];
  if (c.accessToken !== undefined && oauthKeys.length > 0) {
    return [
      {
        path: ['connections', i, oauthKeys[0] ?? 'clientId'],
        message: `expected either ${both}, got both`,
        at: 'key',
      },
    ];
  }
  if (c.accessToken === undefined && oauthKeys.length === 0)
    return [{ path: ['connections', i, 'accessToken'], message: `expected ${both}, got neither` }];
  const missing =
    c.accessToken === undefined ? HUBSPOT_OAUTH_KEYS.find((k) => c[k] === undefined) : undefined;
  if (missing) {
    return [
      {
        path: ['connections', i, missing],
        message: `expected ${missing} with an OAuth app (clientId + clientSecret + refreshToken), got nothing`,
      },
    ];
  }
  return [];
}

/** Duplicate names are reported once, by the name rule. */
function sameName(a: unknown, b: Record<string, unknown>): boolean {
  return isRecord(a) && a.name === b.name;
}

function stateRule(state: unknown): ConfigProblem[] {
  if (!isRecord(state)) return [];
  const has = (k: string) => state[k] !== undefined;
  if (has('sqlite') && has('postgres')) {
    return [
      {
        path: ['state', 'postgres'],
        message: 'expected exactly one of sqlite or postgres, got both',
        at: 'key',
      },
    ];
  }
  if (!has('sqlite') && !has('postgres')) {
    return [{ path: ['state'], message: 'expected exactly one of sqlite or postgres, got neither' }];
  }
  if (has('schema') && !has('postgres')) {
    return [
      { path: ['state', 'schema'], message: 'expected schema only with postgres, got sqlite', at: 'key' },
    ];
  }
  return [];
}
