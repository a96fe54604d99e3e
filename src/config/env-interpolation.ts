/**
 * `${VAR}` interpolation in string values (never keys), `$${X}` for a literal `${X}`.
 * Variables come from the real environment, then a `.env` next to the config, then a `.env`
 * in the working directory. `.env` files are read, not loaded into process.env: one tenant's
 * `.env` must not leak into another tenant's config in the same process.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { ConfigProblem, PathSegment } from './config-problems.js';

export type EnvLookup = Readonly<Record<string, string | undefined>>;

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface InterpolatedString {
  readonly value: string;
  /** Variables referenced and found. */
  readonly used: readonly string[];
  readonly missing: readonly string[];
  readonly badNames: readonly string[];
}

export function interpolateString(text: string, env: EnvLookup): InterpolatedString {
  const used: string[] = [];
  const missing: string[] = [];
  const badNames: string[] = [];
  const value = text.replace(REFERENCE, (_match, escaped: string, name: string) => {
    if (escaped) return `\${${name}}`;
    if (!VAR_NAME.test(name)) {
      badNames.push(name);
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
  return { value, used, missing, badNames };
}

/** Whether a string takes (part of) its value from the environment. */
export function hasReference(text: string): boolean {
  for (const m of text.matchAll(REFERENCE)) if (!m[1]) return true;
  return false;
}

export interface InterpolationResult {
  readonly value: unknown;
  readonly problems: readonly ConfigProblem[];
}

export function interpolate(data: unknown, env: EnvLookup): InterpolationResult {
  const problems: ConfigProblem[] = [];
  const visit = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string') {
      const r = interpolateString(value, env);
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
      return r.value;
    }
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]));
    if (
      value !== null &&
      typeof value === 'object' &&
      !(value instanceof Uint8Array) &&
      !(value instanceof Date)
    ) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = visit(v, [...path, k]);
      return out;
    }
    return value;
  };
  return { value: visit(data, []), problems };
}

/** The environment a config sees: real env wins over the config's `.env`, which wins over cwd's. */
export async function loadEnv(options: {
  configDir: string;
  cwd: string;
  env: EnvLookup;
}): Promise<EnvLookup> {
  const dirs = [...new Set([resolve(options.cwd), resolve(options.configDir)])];
  const merged: Record<string, string | undefined> = {};
  for (const dir of dirs) Object.assign(merged, await readDotenv(join(dir, '.env')));
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) merged[k] = v;
  return merged;
}

async function readDotenv(file: string): Promise<Record<string, string>> {
  try {
    return parseDotenv(await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}
