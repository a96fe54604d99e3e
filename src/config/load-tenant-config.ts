/**
 * Loads one tenant file: YAML (plain data only) → `${VAR}` interpolation (secret fields only,
 * the tenant's own variables only) → schema → rules → normalise. Every stage's problems are collected and thrown together as one
 * ValidationError (CONFIG_INVALID), one `file:line:col key.path: expected …, got …` per line.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ValidationError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';
import { formatPath, parseYamlSource, zodProblems } from '../core/yaml-problems/index.js';
import { type ConfigProblem, configError } from './config-problems.js';
import { type EnvLookup, interpolate, loadEnv } from './env-interpolation.js';
import { normalizeTenant } from './normalize-tenant.js';
import { OBJECT_KINDS } from './object-kinds.js';
import { envRules, isRecord, isSecretPath, literalSecretProblems } from './secret-fields.js';
import type { TenantConfig } from './tenant-config.js';
import { tenantRuleProblems } from './tenant-rules.js';
import { tenantFileSchema } from './tenant-schema.js';

export interface LoadOptions {
  /** Environment to read `${VAR}` from; default process.env. */
  readonly env?: EnvLookup;
  /** Directory whose `.env` is read as a fallback; default process.cwd(). */
  readonly cwd?: string;
  /** Where built-in mappings live; default this package's root. */
  readonly packageRoot?: string;
  /**
   * `all` (default): every `${VAR}` must be set. `state`: only the state store's; the API
   * credentials may be unset, for commands that read state but call no API (`status`).
   * `none`: none must be set (offline `validate`, which opens nothing). Such a config must not
   * reach an API client or a store: its unset secrets keep their `${VAR}` text.
   */
  readonly secrets?: 'all' | 'state' | 'none';
  /**
   * Where the secrets this load resolves are registered, and what scrubs its error messages:
   * the one everything that prints or stores this config's output scrubs with (the entry
   * point's). Required: a secret registered nowhere would be printed as it is.
   */
  readonly redactor: Redactor;
  /**
   * The tenants loaded beside this one (a folder of tenant files): a variable under one of their
   * prefixes is theirs, even where this tenant's prefix starts it (secret-fields.ts envRules).
   */
  readonly otherTenants?: readonly string[];
}

export async function loadTenantConfig(file: string, options: LoadOptions): Promise<TenantConfig> {
  const absolute = resolve(options.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (e) {
    // Say what is wrong in words: "got ENOENT" sent people looking for a bug.
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `no such file: ${absolute}`
        : code === 'EISDIR'
          ? `${file}: expected a config file, got a directory`
          : `${file}:1:1 (file): expected a readable config file, got ${(e as Error).message ?? String(e)}`;
    throw new ValidationError(
      message,
      {},
      {
        code: 'CONFIG_INVALID',
        cause: e,
      },
    );
  }

  const redactor = options.redactor;
  const source = parseYamlSource(text, { name: file, kind: 'config' });
  if (source.syntaxProblems.length > 0) throw configError(file, source.syntaxProblems, redactor);

  const env = await loadEnv({
    configDir: dirname(absolute),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
  });
  const interpolated = interpolate(
    source.data,
    env,
    envRules(source.data, options.otherTenants),
    options.secrets === 'state'
      ? { defer: (path) => path[0] !== 'state' }
      : options.secrets === 'none'
        ? { defer: () => true }
        : {},
  );
  // Before anything can print them (a problem below, a log line, a report), whole values too:
  // `postgres: "${PROPSYNC_ACME_DATABASE_URL}"` is a secret as a whole, not just its password.
  for (const value of interpolated.secrets) redactor.register(value);
  const parsed = tenantFileSchema.safeParse(interpolated.value);

  const problems: ConfigProblem[] = [
    ...source.tagProblems,
    ...interpolated.problems,
    ...literalSecretProblems(source.data),
  ];
  // A value with a bad tag or a missing variable is explained; a schema complaint would be noise.
  const explained = new Set(problems.map((p) => formatPath(p.path)));
  if (!parsed.success) {
    for (const p of zodProblems(parsed.error.issues, interpolated.value, {
      schema: tenantFileSchema,
      isSecret: isSecretPath,
    })) {
      if (!explained.has(formatPath(p.path))) problems.push(p);
    }
  }
  problems.push(...tenantRuleProblems(interpolated.value));
  problems.push(...(await missingMappingProblems(interpolated.value, absolute)));

  if (problems.length > 0 || !parsed.success) {
    throw configError(
      file,
      problems.map((p) => source.locate(p)),
      redactor,
    );
  }

  const normalized = normalizeTenant(parsed.data, {
    file: absolute,
    env,
    ...(options.packageRoot ? { packageRoot: options.packageRoot } : {}),
  });
  const config = interpolated.unresolved
    ? { ...normalized, unresolvedSecrets: [...new Set(interpolated.unresolved)] }
    : normalized;
  registerConfigSecrets(config, redactor);
  return config;
}

/**
 * A mapping path written in the file must exist, the connection's (contacts') and each object
 * kind's; the built-in default is the mapping loader's job.
 */
async function missingMappingProblems(data: unknown, configFile: string): Promise<ConfigProblem[]> {
  const connections = isRecord(data) && Array.isArray(data.connections) ? data.connections : [];
  const written: { path: (string | number)[]; mapping: string }[] = [];
  for (const [i, c] of connections.entries()) {
    if (!isRecord(c)) continue;
    const blocks = [{ at: [], block: c }, ...OBJECT_KINDS.map((kind) => ({ at: [kind], block: c[kind] }))];
    for (const { at, block } of blocks)
      if (isRecord(block) && typeof block.mapping === 'string' && block.mapping !== '')
        written.push({ path: ['connections', i, ...at, 'mapping'], mapping: block.mapping });
  }
  const problems: ConfigProblem[] = [];
  for (const { path, mapping } of written) {
    const target = resolve(dirname(configFile), mapping);
    const isFile = await stat(target).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile)
      problems.push({
        path,
        message: `expected a mapping file (relative to the config file), got "${mapping}" (no file at ${target})`,
      });
  }
  return problems;
}

/** Every secret a loaded config holds, registered with `redactor`. */
function registerConfigSecrets(config: TenantConfig, redactor: Redactor): void {
  const auth = config.propstreet.auth;
  redactor.register(auth.kind === 'token' ? auth.token : auth.clientSecret);
  for (const c of config.connections) {
    redactor.register(c.accessToken);
    if (c.type === 'hubspot') {
      redactor.register(c.oauth?.clientSecret);
      redactor.register(c.oauth?.refreshToken);
    } else {
      redactor.register(c.refreshToken);
      redactor.register(c.clientSecret);
    }
  }
  if (config.state.kind === 'postgres') {
    const password = postgresPassword(config.state.url);
    redactor.register(password);
    if (password) redactor.register(encodeURIComponent(password));
  }
}

function postgresPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
