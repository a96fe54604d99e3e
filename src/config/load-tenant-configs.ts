/**
 * Loads every tenant file in a directory for `propsync schedule`: one broken file is reported
 * and skipped, it does not stop the others. Tenant ids must be unique across files, since
 * they scope all state.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PropsyncError, ValidationError } from '../core/errors.js';
import { parseYamlSource } from '../core/yaml-problems/index.js';
import { type LoadOptions, loadTenantConfig } from './load-tenant-config.js';
import { tenantIdOf } from './secret-fields.js';
import type { TenantConfig } from './tenant-config.js';

export interface TenantConfigs {
  readonly configs: readonly TenantConfig[];
  /** Per broken file: the error, and its message (one problem per line) for logging. */
  readonly errors: readonly ConfigFileError[];
}

export interface ConfigFileError {
  readonly file: string;
  readonly error: PropsyncError;
  readonly message: string;
}

export async function loadTenantConfigs(dir: string, options: LoadOptions): Promise<TenantConfigs> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const configs: TenantConfig[] = [];
  const errors: ConfigFileError[] = [];
  const seen = new Map<string, string>();
  const otherTenants = await tenantIds(names.map((name) => join(dir, name)));
  for (const name of names) {
    const file = join(dir, name);
    try {
      const config = await loadTenantConfig(file, { ...options, otherTenants });
      const first = seen.get(config.tenant);
      if (first !== undefined) {
        const message = `${file}:1:1 tenant: expected a tenant id unique across files, got "${config.tenant}" (also in ${first})`;
        errors.push({ file, error: new ValidationError(message, {}, { code: 'CONFIG_INVALID' }), message });
        continue;
      }
      seen.set(config.tenant, file);
      configs.push(config);
    } catch (e) {
      const error = e instanceof PropsyncError ? e : new PropsyncError('INTERNAL', String(e), { cause: e });
      errors.push({ file, error, message: error.message });
    }
  }
  return { configs, errors };
}

/** The tenant ids the files name (those that parse), so each file is loaded knowing its neighbours. */
async function tenantIds(files: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const id = tenantIdOf(parseYamlSource(text, { name: file, kind: 'config' }).data);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
