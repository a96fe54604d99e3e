/**
 * Loads a tenant file for a command and checks every connection's mappings (one per object
 * kind) before anything runs. The config loader passes `mappingOverrides` through unchecked, and the mapper is only
 * built per connection inside a run: without this, a broken override in the second connection
 * would fail after the first had already written, and its message would not name the line.
 */
import { readFileSync } from 'node:fs';
import { type LoadOptions, loadTenantConfig, type TenantConfig } from '../config/index.js';
import { isPropsyncError, ValidationError } from '../core/errors.js';
import { parseYamlSource } from '../core/yaml-problems/index.js';
import { loadMapping } from '../mapping/index.js';

export async function loadConfigForCli(
  file: string,
  options: Pick<LoadOptions, 'secrets'> = {},
): Promise<TenantConfig> {
  const config = await loadTenantConfig(file, options);
  checkMappings(config, file);
  return config;
}

/** Throws one MAPPING_INVALID error with every problem, located in the tenant file (`file:line:col`). */
export function checkMappings(config: TenantConfig, displayFile: string): void {
  let positions: ReturnType<typeof parseYamlSource> | undefined;
  const tenantSource = () => {
    positions ??= parseYamlSource(readFileSync(config.file, 'utf8'), { name: displayFile, kind: 'config' });
    return positions.source;
  };
  const problems: string[] = [];
  const fieldErrors: Record<string, readonly string[]> = {};
  for (const object of config.connections.flatMap((c) => c.objects)) {
    try {
      loadMapping(
        object.mapping,
        object.mappingOverrides
          ? {
              overrides: object.mappingOverrides,
              source: displayFile,
              at: object.mappingOverridesAt,
              locate: (path, onKey) => tenantSource().position(path, onKey),
            }
          : undefined,
      );
    } catch (error) {
      if (!isPropsyncError(error) || error.code !== 'MAPPING_INVALID') throw error;
      problems.push(error.message);
      if (error instanceof ValidationError) Object.assign(fieldErrors, error.fieldErrors);
    }
  }
  if (problems.length > 0)
    throw new ValidationError(problems.join('\n'), fieldErrors, { code: 'MAPPING_INVALID' });
}
