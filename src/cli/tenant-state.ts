/** For commands that work on a tenant's state only (status, conflicts, resolve, relink). */
import type { TenantConfig } from '../config/index.js';
import type { Redactor } from '../core/redact.js';
import type { StateStore } from '../state/port.js';

/**
 * Loads the tenant file, opens its state store for `work`, and closes the store whatever
 * happens. These commands call no API, so only the state store's secret is resolved: the
 * Propstreet and CRM credentials' variables may be unset.
 */
export async function withTenantState<T>(
  configPath: string,
  redactor: Redactor,
  work: (config: TenantConfig, store: StateStore) => Promise<T>,
): Promise<T> {
  // Loaded here, not at the top: `--help` and usage errors should not pay for the whole stack.
  const { openTenantStore } = await import('../app/open-store.js');
  const { loadTenantConfig } = await import('../config/index.js');
  const config = await loadTenantConfig(configPath, { secrets: 'state', redactor });
  const store = await openTenantStore(config);
  try {
    return await work(config, store);
  } finally {
    await store.close();
  }
}
