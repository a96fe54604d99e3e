/** Loads a tenant file for a command and checks its mappings before anything runs (app/check-mappings.ts). */
import { checkMappings } from '../app/check-mappings.js';
import { type LoadOptions, loadTenantConfig, type TenantConfig } from '../config/index.js';

export async function loadConfigForCli(
  file: string,
  options: Pick<LoadOptions, 'secrets' | 'redactor'>,
): Promise<TenantConfig> {
  const config = await loadTenantConfig(file, options);
  checkMappings(config, file);
  return config;
}
