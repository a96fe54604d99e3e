/**
 * Checks every connection's mappings (one per object kind) of a loaded tenant config before
 * anything runs, as every entry point must (the CLI's commands, `serve`, the worker's jobs). The
 * config loader passes `mappingOverrides` through unchecked, and the mapper is only built per
 * kind inside a run: without this, a broken override of a later kind would fail after an earlier
 * kind had already written, and its message would not name the line.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionConfig, ObjectConfig, TenantConfig } from '../config/index.js';
import { isPropsyncError, ValidationError } from '../core/errors.js';
import { formatPath, parseYamlSource } from '../core/yaml-problems/index.js';
import { formatWhere } from '../core/yaml-problems/problem.js';
import { loadMapping } from '../mapping/index.js';

/**
 * Throws one MAPPING_INVALID error with every problem, located in the tenant file
 * (`file:line:col`): each kind's mapping must load, map that kind (its `object`) and fit the
 * kind's settings (settingProblems).
 */
export function checkMappings(
  config: TenantConfig,
  displayFile: string,
  /** Only these connections (a worker's job runs one): another's broken override is its own job's. */
  only?: readonly string[],
): void {
  let parsed: ReturnType<typeof parseYamlSource> | undefined;
  const tenantFile = () => {
    parsed ??= parseYamlSource(readFileSync(config.file, 'utf8'), { name: displayFile, kind: 'config' });
    return parsed;
  };
  const problems: string[] = [];
  const fieldErrors: Record<string, readonly string[]> = {};
  const report = (path: (string | number)[], message: string) => {
    const key = formatPath(path);
    problems.push(`${formatWhere(displayFile, tenantFile().source.position(path, false), key)}: ${message}`);
    fieldErrors[key] = [message];
  };
  for (const [i, c] of config.connections.entries())
    for (const object of only && !only.includes(c.name) ? [] : c.objects) {
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
        if (mapping.object !== object.kind)
          report(
            settingPath(tenantFile().data, i, object.kind, 'mapping'),
            `expected a mapping of ${object.kind} (object: ${object.kind}), got ${object.mapping}, which maps ${mapping.object}`,
          );
        for (const problem of settingProblems(mapping, object, c.type))
          report(settingPath(tenantFile().data, i, object.kind, problem.key), problem.message);
      } catch (error) {
        if (!isPropsyncError(error) || error.code !== 'MAPPING_INVALID') throw error;
        problems.push(error.message);
        if (error instanceof ValidationError) Object.assign(fieldErrors, error.fieldErrors);
      }
    }
  if (problems.length > 0)
    throw new ValidationError(problems.join('\n'), fieldErrors, { code: 'MAPPING_INVALID' });
}

/** Match rules that compare no field: the ref and the key pair by the records' ids. */
const ID_RULES = new Set(['externalRef', 'key']);

/**
 * What the kind's settings need of its mapping, which neither the file's schema nor the mapping
 * alone can check: the key property holds the Propstreet id, so a field mapped onto it would have
 * the run write data over the key and read the key back as data (the mapping rules refuse only
 * the default key names); and a match rule on a field pairs by the value the CRM holds, so the
 * mapping must read that field from the CRM, or nothing pairs by it and every record of either
 * side is created again on the other.
 */
function settingProblems(
  mapping: ReturnType<typeof loadMapping>,
  object: ObjectConfig,
  crm: ConnectionConfig['type'],
): { key: string; message: string }[] {
  const out: { key: string; message: string }[] = [];
  const keySetting = crm === 'hubspot' ? 'keyProperty' : 'externalIdField';
  const onKey = mapping.fields.find((f) => f.crm.toLowerCase() === object.keyProperty.toLowerCase());
  if (onKey)
    out.push({
      key: keySetting,
      message: `field "${onKey.name}" of ${object.mapping} maps onto ${object.keyProperty}, the CRM property holding the Propstreet id: map it elsewhere (a run would write it over the key and read the key back as its value)`,
    });
  for (const rule of object.match) {
    if (ID_RULES.has(rule)) continue;
    const fields = mapping.fields.filter((f) => f.name === rule);
    if (fields.some((f) => f.direction !== 'to-crm')) continue;
    const why = fields.length === 0 ? 'it maps no such field' : 'its field is to-crm';
    out.push({
      key: 'match',
      message: `match rule "${rule}" pairs by the ${rule} the CRM holds, but ${object.kind}'s mapping does not read it (${why}): make the field both or from-crm, or drop the rule (nothing would pair by it, and records of either side would be created again on the other)`,
    });
  }
  return out;
}

/** Where a kind's setting is written: in its block when set there, else on the connection. */
function settingPath(data: unknown, at: number, kind: string, key: string): (string | number)[] {
  const connections = isObject(data) && Array.isArray(data.connections) ? data.connections : [];
  const connection: unknown = connections[at];
  const block = isObject(connection) ? connection[kind] : undefined;
  return isObject(block) && block[key] !== undefined
    ? ['connections', at, kind, key]
    : ['connections', at, key];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
