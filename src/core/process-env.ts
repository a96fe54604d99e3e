/**
 * The process's own settings — not a tenant's — as the environment gives them, or else the
 * working directory's `.env`: `.env.example` tells users to copy it to `.env` and fill it in,
 * and every tenant's config already reads that file (src/config/env-interpolation.ts). A
 * tenant folder's `.env` does not set them: they are the process's, whichever tenant it runs
 * (PROPSYNC_STATE_KEY, which seals a tenant's own secrets, is read per tenant instead, with its
 * folder's `.env`: src/config/env-interpolation.ts `tenantEnv`). The file is read once; nothing
 * is written into process.env.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { STATE_KEY_VAR } from './secret-box.js';

/** The HubSpot public app's client secret, which signs the app's webhooks for every tenant. */
export const HUBSPOT_APP_SECRET_VARIABLE = 'PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET';

const PROCESS_SETTINGS = [
  'PROPSYNC_PUBLIC_URL',
  'PROPSYNC_DATABASE_URL',
  'PROPSYNC_LOG_LEVEL',
  'PROPSYNC_V8_FLAGS',
] as const;

/**
 * Every variable of the install itself, not of a tenant: the process settings above, the state
 * key that seals every tenant's kept secrets, and the HubSpot public app's secret. They share
 * the `PROPSYNC_` namespace with the tenants' own variables, so no tenant file may read one as
 * its own (tenant `state` would otherwise read `PROPSYNC_STATE_KEY`: src/config/secret-fields.ts).
 * A new install-wide setting belongs here.
 */
export const INSTALL_VARIABLES: ReadonlySet<string> = new Set([
  ...PROCESS_SETTINGS,
  STATE_KEY_VAR,
  HUBSPOT_APP_SECRET_VARIABLE,
]);

type Env = Readonly<Record<string, string | undefined>>;

const read = new Map<string, Env>();

/** The variables a `.env` file sets; none when there is no such file. */
export function readDotenv(file: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

function dotenvOf(cwd: string): Env {
  let values = read.get(cwd);
  if (!values) {
    values = readDotenv(join(cwd, '.env'));
    read.set(cwd, values);
  }
  return values;
}

/** `env` with the process settings it lacks taken from `cwd`'s `.env`; other names as `env` has them. */
export function processEnv(env: Env = process.env, cwd: string = process.cwd()): Env {
  const file = dotenvOf(cwd);
  const out: Record<string, string | undefined> = { ...env };
  // An empty line in the file (`PROPSYNC_STATE_KEY=`, as .env.example has it) sets nothing.
  for (const name of PROCESS_SETTINGS) if (out[name] === undefined && file[name]) out[name] = file[name];
  return out;
}
