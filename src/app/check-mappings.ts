/**
 * Checks every connection's mappings (one per object kind) of a loaded tenant config before
 * anything runs, as every entry point must (the CLI's commands, `serve`, the worker's jobs). The
 * config loader passes `mappingOverrides` through unchecked, and the mapper is only built per
 * kind inside a run: without this, a broken override of a later kind would fail after an earlier
 * kind had already written, and its message would not name the line.
 */
import { readFileSync } from 'node:fs';
import type { TenantConfig } from '../config/index.js';
import { isPropsyncError, ValidationError } from '../core/errors.js';
import { formatPath, parseYamlSource } from '../core/yaml-problems/index.js';
import { formatWhere } from '../core/yaml-problems/problem.js';
import { loadMapping } from '../mapping/index.js';

/**
 * Throws one MAPPING_INVALID error with every problem, located in the tenant file
 * (`file:line:col`): each kind's mapping must load and map that kind (its `object`).
 */
export function checkMappings(config: TenantConfig, displayFile: string): void {
  let parsed: ReturnType<typeof parseYamlSource> | undefined;
  const tenantFile = () => {
    parsed ??= parseYamlSource(readFileSync(config.file, 'utf8'), { name: displayFile, kind: 'config' });
    return parsed;
  };
  const problems: string[] = [];
  const fieldErrors: Record<string, readonly string[]> = {};
  for (const [i, c] of config.connections.entries())
    for (const object of c.objects) {
      try {
        const mapping = loadMapping(
          object.mapping,
          object.mappingOverrides
            ? {
                overrides: object.mappingOverrides,
                source: displayFile,
                at: object.mappingOverridesAt,
                locate: (path, onKey) => tenantFile().source.position(path, onKey),
              }
            : undefined,
        );
        if (mapping.object !== object.kind) {
          const path = mappingPath(tenantFile().data, i, object.kind);
          const key = formatPath(path);
          const message = `expected a mapping of ${object.kind} (object: ${object.kind}), got ${object.mapping}, which maps ${mapping.object}`;
          problems.push(
            `${formatWhere(displayFile, tenantFile().source.position(path, false), key)}: ${message}`,
          );
          fieldErrors[key] = [message];
        }
      } catch (error) {
        if (!isPropsyncError(error) || error.code !== 'MAPPING_INVALID') throw error;
        problems.push(error.message);
        if (error instanceof ValidationError) Object.assign(fieldErrors, error.fieldErrors);
      }
    }
  if (problems.length > 0)
    throw new ValidationError(problems.join('\n'), fieldErrors, { code: 'MAPPING_INVALID' });
}

/** Where a kind's mapping is written: in its block, else (contacts) on the connection. */
function mappingPath(data: unknown, at: number, kind: string): (string | number)[] {
  const connections = isObject(data) && Array.isArray(data.connections) ? data.connections : [];
  const connection: unknown = connections[at];
  const block = isObject(connection) ? connection[kind] : undefined;
  return isObject(block) && block.mapping !== undefined
    ? ['connections', at, kind, 'mapping']
    : ['connections', at, 'mapping'];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
