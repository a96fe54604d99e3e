import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StateConfig, TenantConfig } from '../config/index.js';
import { describeDatabase, reasonOf } from '../core/describe-database.js';
import { isPropsyncError, PropsyncError } from '../core/errors.js';
import { openStateStore } from '../state/index.js';
import type { StateStore } from '../state/port.js';

/**
 * Opens (and migrates) the tenant's state store. A store that cannot be opened (a path that
 * is not a folder, no permission, PostgreSQL refusing or unreachable) is a STATE error naming
 * the store and the setting to fix, not a bare `ECONNREFUSED` with a stack trace.
 */
export async function openTenantStore(config: TenantConfig): Promise<StateStore> {
  const spec = config.state;
  let store: StateStore | undefined;
  try {
    if (spec.kind === 'sqlite') {
      if (spec.path !== ':memory:') mkdirSync(dirname(spec.path), { recursive: true });
      store = openStateStore({ sqlite: spec.path });
    } else {
      store = openStateStore({ postgres: spec.url, schema: spec.schema });
    }
    await store.migrate();
    return store;
  } catch (error) {
    await store?.close().catch(() => undefined);
    if (isPropsyncError(error)) throw error;
    throw new PropsyncError('STATE', `cannot open ${stateName(spec)}: ${reasonOf(error)}`, {
      cause: error,
      hint: stateFix(config),
    });
  }
}

function stateName(spec: StateConfig): string {
  return spec.kind === 'sqlite'
    ? `the state file ${spec.path}`
    : `the state database ${describeDatabase(spec.url)}`;
}

function stateFix(config: TenantConfig): string {
  const spec = config.state;
  if (spec.kind === 'sqlite')
    return `check state.sqlite in ${config.file} (its folder must be creatable and writable)`;
  const setting = spec.from === 'env' ? 'PROPSYNC_DATABASE_URL' : `state.postgres in ${config.file}`;
  return `check ${setting} and that PostgreSQL accepts connections`;
}
