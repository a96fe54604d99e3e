/** Tenant config: load, validate, normalise; the engine's settings; the JSON Schema. */
export { tenantJsonSchema } from './json-schema.js';
export {
  type LoadOptions,
  loadTenantConfig,
} from './load-tenant-config.js';
export { loadTenantConfigs } from './load-tenant-configs.js';
export type {
  ConnectionConfig,
  SalesforceConnectionConfig,
  StateConfig,
  TenantConfig,
} from './tenant-config.js';
export { toSyncSettings } from './to-sync-settings.js';
