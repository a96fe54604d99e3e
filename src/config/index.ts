/** Tenant config: load, validate, normalise; the engine's settings; the JSON Schema. */
export type { ConfigProblem, LocatedProblem, PathSegment } from './config-problems.js';
export { type EnvLookup, interpolateString, loadEnv } from './env-interpolation.js';
export { tenantJsonSchema } from './json-schema.js';
export {
  isConfigError,
  type LoadOptions,
  loadTenantConfig,
  registerConfigSecrets,
} from './load-tenant-config.js';
export { type ConfigFileError, loadTenantConfigs, type TenantConfigs } from './load-tenant-configs.js';
export { DATABASE_URL_VAR } from './normalize-tenant.js';
export type {
  ConnectionConfig,
  CrmType,
  HubspotConnectionConfig,
  LogLevel,
  PropstreetAuth,
  PropstreetConfig,
  SalesforceConnectionConfig,
  StateConfig,
  TenantConfig,
} from './tenant-config.js';
export { findConnection, toSyncSettings } from './to-sync-settings.js';
