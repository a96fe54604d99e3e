/**
 * Which config keys hold secrets, and the rules for them: a secret is never written in the
 * file but is a `${VAR}` reference (so config files can be committed and shared safely), and
 * the variable is one the tenant names as its own: `PROPSYNC_<TENANT>_…`, the tenant id in
 * capitals with `-` as `_` (tenant `acme-eu`: `PROPSYNC_ACME_EU_HUBSPOT_ACCESS_TOKEN`). A
 * tenant file can then read neither the rest of the process's environment (cloud keys, other
 * programs' passwords) nor, by a copied reference, another tenant's token. `state.postgres`
 * may also read `PROPSYNC_DATABASE_URL`, the install's state database, which overrides
 * `state` anyway. The install's own variables (core/process-env.ts `INSTALL_VARIABLES`) are no
 * tenant's, whatever its id: tenant `state` cannot read `PROPSYNC_STATE_KEY`, nor tenant
 * `hubspot-app` the public app's secret (before 12-05 they could, and send it to any host).
 */

import { INSTALL_VARIABLES } from '../core/process-env.js';
import type { ConfigProblem, PathSegment } from './config-problems.js';
import { type EnvRules, hasReference } from './env-interpolation.js';
import { DATABASE_URL_VAR } from './normalize-tenant.js';

const TENANT_ID = /^[a-z0-9-]+$/;

const PROPSTREET_SECRETS = new Set(['token', 'clientSecret']);
const CONNECTION_SECRETS = new Set(['accessToken', 'refreshToken', 'clientSecret']);

export function isSecretPath(path: readonly PathSegment[]): boolean {
  const [top, second, third] = path;
  if (path.length === 2 && top === 'propstreet') return PROPSTREET_SECRETS.has(String(second));
  if (path.length === 3 && top === 'connections' && typeof second === 'number') {
    return CONNECTION_SECRETS.has(String(third));
  }
  return path.length === 2 && top === 'state' && second === 'postgres';
}

/** The start of every variable tenant `tenant` may read: `PROPSYNC_ACME_EU_` for `acme-eu`. */
export function tenantVariablePrefix(tenant: string): string {
  return `PROPSYNC_${tenant.toUpperCase().replace(/-/g, '_')}_`;
}

/** The tenant id a file's raw data names, when it is a valid one. */
export function tenantIdOf(raw: unknown): string | undefined {
  return isRecord(raw) && typeof raw.tenant === 'string' && TENANT_ID.test(raw.tenant)
    ? raw.tenant
    : undefined;
}

/**
 * What a tenant file's `${VAR}`s may do: only secret fields read, only the tenant's own variables.
 * `otherTenants`: the tenants loaded beside it (a folder). Prefixes nest — `PROPSYNC_ACME_` starts
 * `PROPSYNC_ACME_EU_` — so tenant `acme` could read tenant `acme-eu`'s variables: not when
 * `acme-eu` is known. A file loaded alone cannot know its neighbours.
 */
export function envRules(raw: unknown, otherTenants: readonly string[] = []): EnvRules {
  const tenant = tenantIdOf(raw);
  if (tenant === undefined) return { isSecret: isSecretPath, variables: undefined };
  const prefix = tenantVariablePrefix(tenant);
  const nested = otherTenants
    .filter((t) => t !== tenant)
    .map((t) => ({ tenant: t, prefix: tenantVariablePrefix(t) }))
    .filter((o) => o.prefix.length > prefix.length && o.prefix.startsWith(prefix));
  const ownerOf = (name: string) => nested.find((o) => name.startsWith(o.prefix))?.tenant;
  const isState = (path: readonly PathSegment[]) => path[0] === 'state';
  return {
    isSecret: isSecretPath,
    variables: {
      mayRead: (name, path) =>
        (isState(path) && name === DATABASE_URL_VAR) ||
        (!INSTALL_VARIABLES.has(name) &&
          name.startsWith(prefix) &&
          name.length > prefix.length &&
          ownerOf(name) === undefined),
      expected: (path, name) => {
        const owner = name === undefined ? undefined : ownerOf(name);
        const own = `a variable of tenant ${tenant}, named ${prefix}…${isState(path) ? ` (or ${DATABASE_URL_VAR})` : ''}`;
        if (name !== undefined && INSTALL_VARIABLES.has(name))
          return `${own}, not the install's own ${name} (no tenant file reads it)`;
        return owner === undefined
          ? own
          : `${own} and not one of tenant ${owner} (${tenantVariablePrefix(owner)}…), loaded beside it`;
      },
    },
  };
}

/** Problems for secrets written literally in the raw (not yet interpolated) file data. */
export function literalSecretProblems(raw: unknown): ConfigProblem[] {
  if (!isRecord(raw)) return [];
  const prefix = tenantVariablePrefix(tenantIdOf(raw) ?? 'tenant');
  const problems: ConfigProblem[] = [];
  const check = (path: PathSegment[], value: unknown, suggested: string) => {
    if (typeof value !== 'string' || value === '' || hasReference(value)) return;
    const key = String(path[path.length - 1]);
    problems.push({
      path,
      message: `expected a \${VARIABLE} reference, got a literal secret; put it in the environment: ${key}: "\${${suggested}}"`,
    });
  };

  if (isRecord(raw.propstreet)) {
    check(['propstreet', 'token'], raw.propstreet.token, `${prefix}PROPSTREET_TOKEN`);
    check(['propstreet', 'clientSecret'], raw.propstreet.clientSecret, `${prefix}PROPSTREET_CLIENT_SECRET`);
  }
  if (Array.isArray(raw.connections)) {
    raw.connections.forEach((c: unknown, i) => {
      if (!isRecord(c)) return;
      const connection = envPrefix(c.name, c.type);
      for (const key of CONNECTION_SECRETS)
        check(['connections', i, key], c[key], `${prefix}${connection}_${snake(key)}`);
    });
  }
  if (isRecord(raw.state) && typeof raw.state.postgres === 'string') {
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/i.exec(raw.state.postgres)?.[1];
    if (password && !hasReference(password)) {
      problems.push({
        path: ['state', 'postgres'],
        message: `expected the password as a \${VARIABLE} reference, got a literal password; put it in the environment: postgres: "\${${prefix}DATABASE_URL}"`,
      });
    }
  }
  return problems;
}

function envPrefix(name: unknown, type: unknown): string {
  const base = typeof name === 'string' && name !== '' ? name : typeof type === 'string' ? type : 'CRM';
  return base.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
