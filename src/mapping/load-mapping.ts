/**
 * Loads a mapping file (YAML), applies tenant overrides, and validates both: structure with
 * zod, then cross-field rules. Every problem is reported at once, one line each, as
 * `file:line:col key.path: reason`, in a ValidationError with code MAPPING_INVALID.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../core/errors.js';
import { applyOverrides, baseDraft } from './mapping-overrides.js';
import { resolveFields } from './mapping-rules.js';
import {
  FIELD_KEYS,
  type Mapping,
  type MappingOverrides,
  mappingFileSchema,
  mappingOverridesSchema,
  OVERRIDE_KEYS,
  PATCH_KEYS,
  ROOT_KEYS,
} from './mapping-schema.js';
import {
  formatPath,
  formatProblem,
  type KeyPath,
  type Position,
  type Problem,
  type ProblemSource,
  parseYamlWithPositions,
  plainSource,
} from './problem-source.js';
import { zodProblems } from './zod-problems.js';

/** A tenant's changes to a mapping file, and where they came from so problems name it. */
export interface OverridesInput {
  /** The tenant config's raw `mappingOverrides`; checked against `mappingOverridesSchema` here. */
  readonly overrides: MappingOverrides | Readonly<Record<string, unknown>>;
  /** e.g. `tenants/acme.yaml`, or `connections.hubspot.mappingOverrides`. */
  readonly source: string;
  /** Key path of the overrides inside that source, e.g. `['crm', 'mapping']`. */
  readonly at?: KeyPath;
  /** Line/column of a key path (absolute in the source), when the caller kept positions. */
  readonly locate?: (path: KeyPath, onKey: boolean) => Position | undefined;
}

function fail(problems: readonly Problem[]): never {
  const lines = problems.map(formatProblem);
  const fieldErrors: Record<string, string[]> = Object.create(null);
  for (const p of problems) {
    const key = `${p.source.name} ${formatPath([...p.source.prefix, ...p.path])}`.trim();
    const reasons = fieldErrors[key] ?? [];
    reasons.push(p.reason);
    fieldErrors[key] = reasons;
  }
  throw new ValidationError(lines.join('\n'), fieldErrors, { code: 'MAPPING_INVALID' });
}

function fileKeys(path: KeyPath): readonly string[] {
  return path.length === 0 ? ROOT_KEYS : FIELD_KEYS;
}

function overrideKeys(path: KeyPath): readonly string[] {
  if (path.length === 0) return OVERRIDE_KEYS;
  return path[0] === 'fields' ? PATCH_KEYS : FIELD_KEYS;
}

/** Parses and validates mapping text; `sourceName` is the file name used in messages. */
export function loadMappingFromString(text: string, sourceName: string, input?: OverridesInput): Mapping {
  const parsed = parseYamlWithPositions(text, sourceName);
  if (parsed.problems.length > 0) fail(parsed.problems);
  const problems: Problem[] = [];

  if (parsed.data === null || parsed.data === undefined) {
    fail([
      {
        source: parsed.source,
        path: [],
        reason: 'the file is empty, expected a mapping with crm and fields',
      },
    ]);
  }
  const file = mappingFileSchema.safeParse(parsed.data);
  if (!file.success) problems.push(...zodProblems(file.error.issues, parsed.data, parsed.source, fileKeys));

  const ovSource: ProblemSource = plainSource(
    input?.source ?? 'mapping overrides',
    input?.at ?? [],
    input?.locate,
  );
  const ov = input === undefined ? undefined : mappingOverridesSchema.safeParse(input.overrides);
  if (ov && !ov.success)
    problems.push(...zodProblems(ov.error.issues, input?.overrides, ovSource, overrideKeys));
  if (problems.length > 0 || !file.success) fail(problems);

  let draft = baseDraft(file.data, parsed.source);
  if (ov?.success) {
    const merged = applyOverrides(draft, ov.data, ovSource, sourceName);
    problems.push(...merged.problems);
    draft = merged.draft;
  }
  const resolved = resolveFields(draft);
  problems.push(...resolved.problems);
  if (problems.length > 0) fail(problems);

  return {
    crm: file.data.crm,
    object: file.data.object ?? 'contacts',
    defaultRegion: resolved.region,
    fields: resolved.fields,
    source: input === undefined ? sourceName : `${sourceName} + ${ovSource.name}`,
  };
}

/** Reads and validates `file`; see loadMappingFromString. */
export function loadMapping(file: string, input?: OverridesInput): Mapping {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ValidationError(
      `${file}: cannot read the mapping file (${reason})`,
      { [file]: [reason] },
      {
        code: 'MAPPING_INVALID',
        cause: e,
      },
    );
  }
  return loadMappingFromString(text, file, input);
}
