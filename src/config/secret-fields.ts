/**
 * Which config keys hold secrets, and the rule that a secret is never written in the file:
 * it must be a `${VAR}` reference, so config files can be committed and shared safely.
 */
import type { ConfigProblem, PathSegment } from './config-problems.js';
import { hasReference } from './env-interpolation.js';
import { DATABASE_URL_VAR } from './normalize-tenant.js';

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

/** Problems for secrets written literally in the raw (not yet interpolated) file data. */
export function literalSecretProblems(raw: unknown): ConfigProblem[] {
  if (!isRecord(raw)) return [];
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
    check(['propstreet', 'token'], raw.propstreet.token, 'PROPSTREET_TOKEN');
    check(['propstreet', 'clientSecret'], raw.propstreet.clientSecret, 'PROPSTREET_CLIENT_SECRET');
  }
  if (Array.isArray(raw.connections)) {
    raw.connections.forEach((c: unknown, i) => {
      if (!isRecord(c)) return;
      const prefix = envPrefix(c.name, c.type);
      for (const key of CONNECTION_SECRETS) check(['connections', i, key], c[key], `${prefix}_${snake(key)}`);
    });
  }
  if (isRecord(raw.state) && typeof raw.state.postgres === 'string') {
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/i.exec(raw.state.postgres)?.[1];
    if (password && !hasReference(password)) {
      problems.push({
        path: ['state', 'postgres'],
        message: `expected the password as a \${VARIABLE} reference, got a literal password; put it in the environment: postgres: "\${${DATABASE_URL_VAR}}"`,
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
