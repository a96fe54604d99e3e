/**
 * Applies a tenant's overrides (remove, then change, then add) to a mapping file's fields,
 * remembering for every key where its value came from, so a rule broken by an override is
 * reported at the override and not in the shipped file.
 */
import type { z } from 'zod';
import type { KeyPath, ProblemSource, SourcedProblem } from '../core/yaml-problems/index.js';
import type { KindName } from '../kinds/names.js';
import type { FieldEntry, MappingFile, mappingOverridesSchema } from './mapping-schema.js';

export interface Located {
  readonly source: ProblemSource;
  readonly path: KeyPath;
}

export interface DraftField {
  readonly entry: FieldEntry;
  /** Where the entry is defined (base file or `add`). */
  readonly origin: Located;
  /** Keys changed by an override, and where. */
  readonly patched: ReadonlyMap<string, Located>;
}

export interface Draft {
  readonly crm: MappingFile['crm'];
  /** The kind the file maps: its accessors are the ones a field may name. */
  readonly object: KindName;
  readonly defaultRegion: { readonly value: string | null; readonly at: Located } | undefined;
  readonly fields: readonly DraftField[];
}

type Overrides = z.output<typeof mappingOverridesSchema>;

/** Where key `key` of a draft field was set (the patch if it changed it, else the entry). */
export function keyLocation(field: DraftField, key: string): Located {
  const patched = field.patched.get(key);
  if (patched) return patched;
  return { source: field.origin.source, path: [...field.origin.path, key] };
}

export function baseDraft(file: MappingFile, source: ProblemSource): Draft {
  return {
    crm: file.crm,
    object: file.object ?? 'contacts',
    defaultRegion:
      file.defaultRegion === undefined
        ? undefined
        : { value: file.defaultRegion, at: { source, path: ['defaultRegion'] } },
    fields: file.fields.map((entry, i) => ({
      entry,
      origin: { source, path: ['fields', i] },
      patched: new Map(),
    })),
  };
}

export function applyOverrides(
  draft: Draft,
  overrides: Overrides,
  source: ProblemSource,
  baseName: string,
): { draft: Draft; problems: SourcedProblem[] } {
  const problems: SourcedProblem[] = [];
  const byName = new Map(draft.fields.map((f) => [f.entry.name, f]));
  const removed = new Set<string>();
  for (const [i, name] of (overrides.remove ?? []).entries()) {
    if (!byName.has(name)) {
      problems.push({ source, path: ['remove', i], message: `no field named "${name}" in ${baseName}` });
    }
    removed.add(name);
  }

  const patches = overrides.fields ?? {};
  for (const name of Object.keys(patches)) {
    if (removed.has(name)) {
      problems.push({ source, path: ['fields', name], message: `field "${name}" is also listed in remove` });
    } else if (!byName.has(name)) {
      problems.push({
        source,
        path: ['fields', name],
        message: `no field named "${name}" in ${baseName} (use add to add a field)`,
      });
    }
  }

  const fields: DraftField[] = [];
  for (const field of draft.fields) {
    if (removed.has(field.entry.name)) continue;
    const patch = patches[field.entry.name];
    if (!patch) {
      fields.push(field);
      continue;
    }
    const patched = new Map(field.patched);
    const entry: Record<string, unknown> = { ...field.entry };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      entry[key] = value;
      patched.set(key, { source, path: ['fields', field.entry.name, key] });
    }
    fields.push({ entry: entry as FieldEntry, origin: field.origin, patched });
  }
  for (const [i, entry] of (overrides.add ?? []).entries()) {
    fields.push({ entry, origin: { source, path: ['add', i] }, patched: new Map() });
  }

  if (fields.length === 0) {
    problems.push({ source, path: ['remove'], message: 'removes every field; a mapping needs at least one' });
  }
  const defaultRegion =
    overrides.defaultRegion === undefined
      ? draft.defaultRegion
      : { value: overrides.defaultRegion, at: { source, path: ['defaultRegion'] } };
  return { draft: { crm: draft.crm, object: draft.object, defaultRegion, fields }, problems };
}
