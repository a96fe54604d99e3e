/**
 * Loads a mapping file (YAML), applies tenant overrides, and validates both: structure with
 * zod, then cross-field rules. Every problem is reported at once, one line each, as
 * `file:line:col key.path: reason`, in a ValidationError with code MAPPING_INVALID.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../core/errors.js';
import {
  formatLocated,
  formatPath,
  formatSourced,
  type KeyPath,
  type LocatedProblem,
  type Position,
  type ProblemSource,
  parseYamlSource,
  plainSource,
  type SourcedProblem,
  zodProblems,
} from '../core/yaml-problems/index.js';
import { KIND_NAMES } from '../kinds/names.js';
import { applyOverrides, baseDraft } from './mapping-overrides.js';
import { accessorProblem, resolveFields } from './mapping-rules.js';
import {
  type Mapping,
  type MappingOverrides,
  mappingFileSchema,
  mappingOverridesSchema,
} from './mapping-schema.js';

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

function fail(problems: readonly SourcedProblem[]): never {
  const lines = problems.map(formatSourced);
  const fieldErrors: Record<string, string[]> = Object.create(null);
  for (const p of problems) {
    const key = `${p.source.name} ${formatPath([...p.source.prefix, ...p.path])}`.trim();
    const messages = fieldErrors[key] ?? [];
    messages.push(p.message);
    fieldErrors[key] = messages;
  }
  throw new ValidationError(lines.join('\n'), fieldErrors, { code: 'MAPPING_INVALID' });
}

/** YAML syntax errors: the file is unreadable as data, so nothing else is checked. */
function failSyntax(name: string, problems: readonly LocatedProblem[]): never {
  const fieldErrors: Record<string, string[]> = Object.create(null);
  fieldErrors[`${name} (syntax)`] = problems.map((p) => p.message);
  throw new ValidationError(problems.map((p) => formatLocated(name, p)).join('\n'), fieldErrors, {
    code: 'MAPPING_INVALID',
  });
}

/** By line, then column, where both problems have a position (sort is stable for the rest). */
function inFileOrder(a: SourcedProblem, b: SourcedProblem): number {
  const at = (p: SourcedProblem) => p.source.position([...p.source.prefix, ...p.path], p.at === 'key');
  const [pa, pb] = [at(a), at(b)];
  if (!pa || !pb) return 0;
  return pa.line - pb.line || pa.col - pb.col;
}

/** Unknown accessors in a file that failed its schema, read from the raw data where it has the shape. */
function unknownAccessors(data: unknown): { path: KeyPath; message: string }[] {
  if (typeof data !== 'object' || data === null) return [];
  const { object, fields } = data as { object?: unknown; fields?: unknown };
  const kind = object === undefined ? 'contacts' : KIND_NAMES.find((k) => k === object);
  if (kind === undefined || !Array.isArray(fields)) return [];
  return fields.flatMap((f: unknown, i) => {
    const accessor =
      typeof f === 'object' && f !== null ? (f as { propstreet?: unknown }).propstreet : undefined;
    const message = typeof accessor === 'string' ? accessorProblem(kind, accessor) : undefined;
    return message === undefined ? [] : [{ path: ['fields', i, 'propstreet'], message }];
  });
}

/** Parses and validates mapping text; `sourceName` is the file name used in messages. */
export function loadMappingFromString(text: string, sourceName: string, input?: OverridesInput): Mapping {
  const parsed = parseYamlSource(text, { name: sourceName, kind: 'mapping' });
  if (parsed.syntaxProblems.length > 0) failSyntax(sourceName, parsed.syntaxProblems);
  const fileSource = parsed.source;
  const problems: SourcedProblem[] = parsed.tagProblems.map((p) => ({ ...p, source: fileSource }));
  if (problems.length > 0) fail(problems);

  if (parsed.data === null || parsed.data === undefined) {
    fail([
      {
        source: fileSource,
        path: [],
        message: 'the file is empty, expected a mapping with crm and fields',
      },
    ]);
  }
  const file = mappingFileSchema.safeParse(parsed.data);
  if (!file.success) {
    // The rules below never run on a file with a structural problem: name its unknown
    // accessors now, so every problem is still reported at once, in the file's order.
    const found = [
      ...zodProblems(file.error.issues, parsed.data, { schema: mappingFileSchema }),
      ...unknownAccessors(parsed.data),
    ].map((p) => ({ ...p, source: fileSource }));
    problems.push(...found.sort(inFileOrder));
  }

  const ovSource: ProblemSource = plainSource(
    input?.source ?? 'mapping overrides',
    input?.at ?? [],
    input?.locate,
  );
  const ov = input === undefined ? undefined : mappingOverridesSchema.safeParse(input.overrides);
  if (ov && !ov.success) {
    for (const p of zodProblems(ov.error.issues, input?.overrides, { schema: mappingOverridesSchema }))
      problems.push({ ...p, source: ovSource });
  }
  if (problems.length > 0 || !file.success) fail(problems);

  let draft = baseDraft(file.data, fileSource);
  if (ov?.success) {
    const merged = applyOverrides(draft, ov.data, ovSource, sourceName);
    problems.push(...merged.problems);
    draft = merged.draft;
  }
  const resolved = resolveFields(draft);
  problems.push(...resolved.problems);
  if (problems.length > 0) fail(problems);

  return {
    crm: draft.crm,
    object: draft.object,
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
