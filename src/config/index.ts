/** Tenant config: load, validate, normalise; the engine's settings; the JSON Schema. */
export { tenantJsonSchema } from './json-schema.js';
export {
  type LoadOptions,
  loadTenantConfig,
} from './load-tenant-config.js';
export { loadTenantConfigs } from './load-tenant-configs.js';
export type { ObjectKind } from './object-kinds.js';
export type {
  ConnectionConfig,
  ObjectConfig,
  SalesforceConnectionConfig,
  StateConfig,
  TenantConfig,
} from './tenant-config.js';
export { findObject, toSyncSettings } from './to-sync-settings.js';
