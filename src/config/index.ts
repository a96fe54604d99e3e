/** Tenant config: load, validate, normalise; the engine's settings; the JSON Schema. */
export type { ConfigProblem, LocatedProblem, PathSegment } from './config-problems.js';
export type { EnvLookup } from './env-interpolation.js';
export { tenantJsonSchema } from './json-schema.js';
export {
  type LoadOptions,
  loadTenantConfig,
} from './load-tenant-config.js';
export { type ConfigFileError, loadTenantConfigs, type TenantConfigs } from './load-tenant-configs.js';

export type {
  ConnectionConfig,
  HubspotConnectionConfig,
  LogLevel,
  PropstreetAuth,
  PropstreetConfig,
  SalesforceConnectionConfig,
  StateConfig,
  TenantConfig,
} from './tenant-config.js';
export { toSyncSettings } from './to-sync-settings.js';
