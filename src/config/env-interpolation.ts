/**
 * `${VAR}` interpolation, in the secret fields only; `$${X}` is a literal `${X}` anywhere.
 * Everywhere else a `${` is an error: a mapping default or a base URL that read the
 * environment would carry any variable of the process (an AWS key, another tenant's token)
 * into a CRM field, a request path or an error message. A secret field reads only the
 * variables the caller allows (the tenant's own, see secret-fields.ts), and every value it
 * reads is returned so the caller can register it with the redactor.
 *
 * Variables come from the real environment, then a `.env` next to the config, then a `.env`
 * in the working directory. `.env` files are read, not loaded into process.env: one tenant's
 * `.env` must not leak into another tenant's config in the same process.
 */
import { dirname, join, resolve } from 'node:path';
import { readDotenv } from '../core/process-env.js';
import type { ConfigProblem, PathSegment } from './config-problems.js';

export type EnvLookup = Readonly<Record<string, string | undefined>>;

/** `$${` (a literal `${`), or a reference `${NAME}` (group 2 empty when `}` is missing). */
const TOKEN = /\$\$\{|\$\{([^}]*)(\}?)/g;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface InterpolatedString {
  readonly value: string;
  /** Variables referenced and found. */
  readonly used: readonly string[];
  readonly missing: readonly string[];
  readonly badNames: readonly string[];
  /** Well-formed names the caller does not allow. */
  readonly refused: readonly string[];
  /** A `${` without its `}`. */
  readonly unclosed: boolean;
}

export function interpolateString(
  text: string,
  env: EnvLookup,
  mayRead: (name: string) => boolean = () => true,
): InterpolatedString {
  const used: string[] = [];
  const missing: string[] = [];
  const badNames: string[] = [];
  const refused: string[] = [];
  let unclosed = false;
  const value = text.replace(TOKEN, (_match, name: string | undefined, close: string | undefined) => {
    if (name === undefined) return '${';
    if (!close) {
      unclosed = true;
      return '';
    }
    if (!VAR_NAME.test(name)) {
      badNames.push(name);
      return '';
    }
    if (!mayRead(name)) {
      refused.push(name);
      return '';
    }
    const found = env[name];
    if (found === undefined) {
      missing.push(name);
      return '';
    }
    used.push(name);
    return found;
  });
  return { value, used, missing, badNames, refused, unclosed };
}

/** The text with `$${` unescaped, and the `${…}` references it holds (which it must not). */
function literalText(text: string): {
  readonly value: string;
  readonly references: readonly string[];
} {
  const references: string[] = [];
  const value = text.replace(TOKEN, (match, name: string | undefined) => {
    if (name === undefined) return '${';
    references.push(match);
    return match;
  });
  return { value, references };
}

/** Whether a string takes (part of) its value from the environment. */
export function hasReference(text: string): boolean {
  return literalText(text).references.length > 0;
}

export interface EnvRules {
  /** The key paths that may read the environment: the schema's secret fields. */
  isSecret(path: readonly PathSegment[]): boolean;
  /**
   * Which variables a secret field may read, and how to say so in a problem. Undefined when
   * that cannot be known (no valid tenant id): references then stay as written, unresolved.
   */
  readonly variables:
    | {
        mayRead(name: string, path: readonly PathSegment[]): boolean;
        /** What `path` may read, said for a refused variable `name`. */
        expected(path: readonly PathSegment[], name?: string): string;
      }
    | undefined;
}

export interface InterpolationResult {
  readonly value: unknown;
  readonly problems: readonly ConfigProblem[];
  /** Every value read from the environment: each is a secret wherever it shows up later. */
  readonly secrets: readonly string[];
  /** Variables a deferred field names but the environment lacks (the field keeps its text). */
  readonly unresolved?: readonly string[];
}

export interface InterpolateOptions {
  /**
   * Secret fields whose missing variables are not a problem now: the command does not use
   * them (`status`, offline `validate` call no API). The field keeps its `${VAR}` text.
   */
  readonly defer?: (path: readonly PathSegment[]) => boolean;
}

export function interpolate(
  data: unknown,
  env: EnvLookup,
  rules: EnvRules,
  options: InterpolateOptions = {},
): InterpolationResult {
  const problems: ConfigProblem[] = [];
  const secrets: string[] = [];
  const unresolved: string[] = [];
  const secretString = (value: string, path: PathSegment[]): string => {
    const variables = rules.variables;
    if (!variables) return value;
    const r = interpolateString(value, env, (name) => variables.mayRead(name, path));
    const wellFormed = r.badNames.length === 0 && r.refused.length === 0 && !r.unclosed;
    if (r.missing.length > 0 && wellFormed && options.defer?.(path)) {
      unresolved.push(...r.missing);
      return value;
    }
    for (const name of r.used) secrets.push(env[name] ?? '');
    for (const name of r.missing) {
      problems.push({
        path,
        message: `expected environment variable ${name} to be set (in the environment or a .env file), got nothing`,
      });
    }
    for (const name of r.badNames) {
      problems.push({
        path,
        message: `expected \${NAME} with letters, digits and _ (write $\${…} for a literal), got "\${${name}}"`,
      });
    }
    for (const name of r.refused) {
      problems.push({ path, message: `expected ${variables.expected(path, name)}, got \${${name}}` });
    }
    if (r.unclosed) {
      problems.push({
        path,
        message: `expected \${NAME} closed by } (write $\${ for a literal), got an open \${`,
      });
    }
    return r.value;
  };
  const plainString = (value: string, path: PathSegment[], at: 'key' | 'value'): string => {
    const r = literalText(value);
    if (r.references.length > 0) {
      problems.push({
        path,
        at,
        message: `expected no \${…} here (only secret fields read the environment; write $\${…} for a literal), got ${shown(r.references[0] ?? '')}`,
      });
    }
    return r.value;
  };
  const visit = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string') {
      return rules.isSecret(path) ? secretString(value, path) : plainString(value, path, 'value');
    }
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]));
    if (
      value !== null &&
      typeof value === 'object' &&
      !(value instanceof Uint8Array) &&
      !(value instanceof Date)
    ) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // Keys are never read from the environment; a reference in one is refused, not kept.
        if (literalText(k).references.length > 0) plainString(k, [...path, k], 'key');
        out[k] = visit(v, [...path, k]);
      }
      return out;
    }
    return value;
  };
  const value = visit(data, []);
  return {
    value,
    problems,
    secrets: secrets.filter((s) => s !== ''),
    ...(unresolved.length > 0 ? { unresolved } : {}),
  };
}

function shown(reference: string): string {
  return JSON.stringify(reference.length > 60 ? `${reference.slice(0, 57)}...` : reference);
}

/** The environment a config sees: real env wins over the config's `.env`, which wins over cwd's. */
export async function loadEnv(options: {
  configDir: string;
  cwd: string;
  env: EnvLookup;
}): Promise<EnvLookup> {
  const dirs = [...new Set([resolve(options.cwd), resolve(options.configDir)])];
  const merged: Record<string, string | undefined> = {};
  for (const dir of dirs) Object.assign(merged, readDotenv(join(dir, '.env')));
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) merged[k] = v;
  return merged;
}

/**
 * The environment a loaded tenant's process-side readers see (its state key, its webhook
 * secrets): as its config saw it — the environment over the config folder's `.env` over the
 * working directory's — except that an empty value sets nothing, so the `PROPSYNC_STATE_KEY=`
 * line of a `.env` copied from `.env.example` does not hide a key set elsewhere.
 */
export function tenantEnv(
  config: { readonly file: string },
  env: EnvLookup = process.env,
  cwd: string = process.cwd(),
): EnvLookup {
  const merged: Record<string, string | undefined> = {};
  const dirs = [...new Set([resolve(cwd), resolve(dirname(config.file))])];
  for (const values of [...dirs.map((dir) => readDotenv(join(dir, '.env'))), env])
    for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') merged[k] = v;
  return merged;
}
