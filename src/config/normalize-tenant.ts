/**
 * From the validated file to the TenantConfig the rest of the program uses: absolute paths
 * (relative to the config file), derived defaults, and the PROPSYNC_DATABASE_URL override.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { durationMs } from './duration.js';
import type { EnvLookup } from './env-interpolation.js';
import {
  defaultKey,
  defaultMappingFile,
  inheritedMatch,
  inRunOrder,
  type ObjectKind,
} from './object-kinds.js';
import type {
  ConnectionConfig,
  LinksConfig,
  ObjectConfig,
  StateConfig,
  TenantConfig,
} from './tenant-config.js';
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
      batchUpsertPath: ps.batchUpsertPath,
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
    connections: raw.connections.map((c, i): ConnectionConfig => {
      const {
        namespace,
        objects: _objects,
        links: _links,
        mapping: _mapping,
        mappingOverrides: _mappingOverrides,
        direction: _direction,
        conflictPolicy: _conflictPolicy,
        match: _match,
        deletes: _deletes,
        contacts: _contacts,
        companies: _companies,
        ...rest
      } = c;
      const common = {
        ...rest,
        namespace: namespace ?? c.name,
        objects: objectConfigs(c, i, dir, root),
        links: c.objects.includes('links') ? linksConfig(c) : undefined,
      };
      if (common.type === 'hubspot') {
        const {
          accessToken,
          clientId,
          clientSecret,
          refreshToken,
          oauthTokenEndpoint,
          keyProperty: _key,
          ...hubspot
        } = common;
        return {
          ...hubspot,
          baseUrl: stripSlash(common.baseUrl),
          accessToken,
          // The rules guarantee all three or none when there is no accessToken.
          oauth:
            accessToken === undefined && clientId && clientSecret && refreshToken
              ? { clientId, clientSecret, refreshToken, tokenEndpoint: oauthTokenEndpoint ?? '2026-03' }
              : undefined,
        };
      }
      const { externalIdField: _key, ...salesforce } = common;
      return {
        ...salesforce,
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

type ConnectionFile = TenantFile['connections'][number];

function linksConfig(c: ConnectionFile): LinksConfig {
  const every = c.links?.fullScanEvery === undefined ? 0 : durationMs(c.links.fullScanEvery);
  return {
    fullScanEveryMs: every > 0 ? every : undefined,
    maxShare: c.links?.deletes?.maxShare ?? c.deletes.maxShare,
    maxCount: c.links?.deletes?.maxCount ?? c.deletes.maxCount,
    windowMs: durationMs(c.links?.deletes?.window ?? c.deletes.window),
  };
}

/** The connection's object kinds, each once, in run order, every key resolved. */
function objectConfigs(c: ConnectionFile, at: number, dir: string, root: string): ObjectConfig[] {
  // `links` is a phase after the kinds, not a kind of records: it has no block of its own.
  const kinds = [...new Set(c.objects)].filter((k): k is ObjectKind => k !== 'links');
  return inRunOrder(kinds.map((kind) => objectConfig(c, kind, at, dir, root)));
}

/**
 * One kind's settings: its block's value, else the connection's, else the kind's default. The
 * connection's own mapping and key are the contacts kind's (where they were before kinds), so
 * only contacts fall back to them.
 */
function objectConfig(
  c: ConnectionFile,
  kind: ObjectKind,
  at: number,
  dir: string,
  root: string,
): ObjectConfig {
  const own = c[kind];
  const contacts = kind === 'contacts';
  const ownKey = c.type === 'hubspot' ? c[kind]?.keyProperty : c[kind]?.externalIdField;
  const connectionKey = c.type === 'hubspot' ? c.keyProperty : c.externalIdField;
  const mapping = own?.mapping ?? (contacts ? c.mapping : undefined);
  return {
    kind,
    mapping: mapping ? resolve(dir, mapping) : join(root, defaultMappingFile(kind, c.type)),
    mappingIsDefault: mapping === undefined,
    mappingOverrides: own?.mappingOverrides ?? (contacts ? c.mappingOverrides : undefined),
    mappingOverridesAt:
      own?.mappingOverrides !== undefined
        ? ['connections', at, kind, 'mappingOverrides']
        : ['connections', at, 'mappingOverrides'],
    keyProperty: ownKey ?? (contacts ? connectionKey : undefined) ?? defaultKey(kind, c.type),
    direction: own?.direction ?? c.direction,
    conflictPolicy: own?.conflictPolicy ?? c.conflictPolicy,
    match: own?.match ?? inheritedMatch(kind, c.match),
    deletes: { ...c.deletes, ...definedOnly(own?.deletes ?? {}) },
  };
}

/** The keys that are set: an unset key of a kind's block leaves the connection's value. */
function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
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
