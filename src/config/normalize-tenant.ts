/**
 * From the validated file to the TenantConfig the rest of the program uses: absolute paths
 * (relative to the config file), derived defaults, and the PROPSYNC_DATABASE_URL override.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvLookup } from './env-interpolation.js';
import type { ConnectionConfig, StateConfig, TenantConfig } from './tenant-config.js';
import type { TenantFile } from './tenant-schema.js';

export const DATABASE_URL_VAR = 'PROPSYNC_DATABASE_URL';

export interface NormalizeOptions {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly env: EnvLookup;
  /** Where built-in mappings live (`<root>/mappings`); default: this package's root. */
  readonly packageRoot?: string;
}

export function normalizeTenant(raw: TenantFile, options: NormalizeOptions): TenantConfig {
  const dir = dirname(options.file);
  const root = options.packageRoot ?? packageRoot();
  const ps = raw.propstreet;
  const baseUrl = stripSlash(ps.baseUrl);
  return {
    file: options.file,
    tenant: raw.tenant,
    propstreet: {
      baseUrl,
      requestsPerMinute: ps.requestsPerMinute,
      auth:
        ps.token !== undefined
          ? { kind: 'token', token: ps.token }
          : {
              kind: 'client-credentials',
              clientId: ps.clientId ?? '',
              clientSecret: ps.clientSecret ?? '',
              tokenUrl: ps.tokenUrl ?? `${baseUrl}/openid/token`,
            },
    },
    connections: raw.connections.map((c): ConnectionConfig => {
      const { mapping, namespace, mappingOverrides, ...rest } = c;
      const common = {
        ...rest,
        namespace: namespace ?? c.name,
        mapping: mapping ? resolve(dir, mapping) : join(root, 'mappings', `${c.type}.contacts.yaml`),
        mappingIsDefault: mapping === undefined,
        mappingOverrides,
      };
      if (common.type === 'hubspot') {
        const { accessToken, clientId, clientSecret, refreshToken, ...hubspot } = common;
        return {
          ...hubspot,
          baseUrl: stripSlash(common.baseUrl),
          accessToken,
          // The rules guarantee all three or none when there is no accessToken.
          oauth:
            accessToken === undefined && clientId && clientSecret && refreshToken
              ? { clientId, clientSecret, refreshToken }
              : undefined,
        };
      }
      return {
        ...common,
        instanceUrl: stripSlash(common.instanceUrl),
        loginUrl: stripSlash(common.loginUrl),
        refreshToken: common.refreshToken,
        clientId: common.clientId,
        clientSecret: common.clientSecret,
      };
    }),
    state: normalizeState(raw, dir, options.env),
    schedule: raw.schedule,
    log: raw.log,
  };
}

function normalizeState(raw: TenantFile, dir: string, env: EnvLookup): StateConfig {
  const schema = raw.state?.schema ?? 'propsync';
  const override = env[DATABASE_URL_VAR];
  if (override) return { kind: 'postgres', url: override, schema, from: 'env' };
  if (raw.state?.postgres) return { kind: 'postgres', url: raw.state.postgres, schema, from: 'config' };
  return { kind: 'sqlite', path: resolve(dir, raw.state?.sqlite ?? `.propsync/${raw.tenant}.db`) };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

let cachedRoot: string | undefined;

/** The directory holding this package's package.json (works from src/ and from dist/). */
function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  cachedRoot = dir;
  return dir;
}
