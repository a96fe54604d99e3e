import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TenantConfig } from '../config/index.js';
import { openStateStore } from '../state/index.js';
import type { StateStore } from '../state/port.js';

/** Opens (and migrates) the tenant's state store. */
export async function openTenantStore(config: TenantConfig): Promise<StateStore> {
  const spec = config.state;
  let store: StateStore;
  if (spec.kind === 'sqlite') {
    if (spec.path !== ':memory:') mkdirSync(dirname(spec.path), { recursive: true });
    store = openStateStore({ sqlite: spec.path });
  } else {
    store = openStateStore({ postgres: spec.url, schema: spec.schema });
  }
  await store.migrate();
  return store;
}
