/**
 * Worker test harness: many tenants, each with its own fakes (a Propstreet org and a HubSpot
 * account, every fifth also a Salesforce org), its own tokens in a shared `.env`, and state in
 * one throwaway PostgreSQL schema (the store keys by tenant). Tenants do not share fakes: one
 * Propstreet fake holds one contact set with sequential ids, so tenants on it would sync the
 * same contacts into each other's CRM records.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { RateWindows } from '../../fakes/propstreet/rate-window.js';
import { person } from '../../fakes/sandbox/people.js';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { silentLogger } from '../../src/core/logger.js';
import { createPostgresStateStore, type StateStore } from '../../src/state/index.js';
import { cleanEnv, cliCommand, REPO_ROOT } from '../cli/cli-process.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../state/pg-test-db.js';

export { TEST_DATABASE_URL, testSchemaName };
export const quiet = silentLogger;

export interface FarmTenant {
  readonly tenant: string;
  readonly file: string;
  readonly sb: Sandbox;
  readonly connections: readonly ('hubspot' | 'salesforce')[];
  /** The Propstreet token's last 4 characters, as the fake logs it. */
  readonly tokenHint: string;
  readonly propstreetIds: readonly string[];
}

export interface Farm {
  readonly dir: string;
  readonly stateSchema: string;
  readonly tenants: readonly FarmTenant[];
  /** The state store all tenants share (opened on first use). */
  state(): Promise<StateStore>;
  close(): Promise<void>;
}

export interface FarmOptions {
  readonly tenants: number;
  readonly contacts: number;
  /** Every n-th tenant also syncs Salesforce (a bridge); 0 = none. */
  readonly bridgeEvery?: number;
  readonly latencyMs?: readonly [number, number];
  /** Propstreet's rate limit (fake and tenant files); default the real 600 a minute. */
  readonly propstreetPerMinute?: number;
  /** Extra connection keys (chunkSize, …). */
  readonly connection?: Readonly<Record<string, unknown>>;
  readonly label?: string;
  /** Cron written into every tenant file. */
  readonly schedule?: string;
  /**
   * One Propstreet token for every tenant (default: a token of its own each), counted in these
   * windows by every tenant's fake, as Propstreet counts a token wherever it is used.
   */
  readonly sharedPropstreetToken?: { readonly token: string; readonly windows: RateWindows };
}

export async function startFarm(options: FarmOptions): Promise<Farm> {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-worker-'));
  const stateSchema = testSchemaName(options.label ?? 'worker');
  const env: string[] = [];
  const tenants: FarmTenant[] = [];
  for (let i = 0; i < options.tenants; i++) {
    const tenant = `t${String(i).padStart(3, '0')}`;
    const bridge = options.bridgeEvery ? i % options.bridgeEvery === 0 : false;
    const sb = await startSandbox({
      salesforce: bridge,
      ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
      ...(options.propstreetPerMinute ? { propstreetPerMinute: options.propstreetPerMinute } : {}),
      ...(options.sharedPropstreetToken
        ? { propstreetRateWindows: options.sharedPropstreetToken.windows }
        : {}),
    });
    const psToken = options.sharedPropstreetToken?.token ?? `ps-${tenant}-${randomBytes(8).toString('hex')}`;
    sb.propstreet.addToken(psToken);
    const propstreetIds = sb.propstreet
      .seed(
        Array.from({ length: options.contacts }, (_, k) => {
          const p = person(i * 10_000 + k);
          return { firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone };
        }),
      )
      .map((c) => c.id);
    const connections = bridge ? (['hubspot', 'salesforce'] as const) : (['hubspot'] as const);
    const file = sb.writeTenant(dir, {
      tenant,
      connections,
      postgres: { url: TEST_DATABASE_URL, schema: stateSchema },
      ...(options.connection ? { connection: options.connection } : {}),
      ...(options.schedule ? { schedule: options.schedule } : {}),
    });
    // The tenant file reads its own variables (PROPSYNC_<TENANT>_…), given values of its own here.
    env.push(
      `${sb.variable(tenant, 'propstreet')}=${psToken}`,
      `${sb.variable(tenant, 'hubspot')}=pat-na1-${tenant}-${randomBytes(6).toString('hex')}`,
    );
    if (bridge) env.push(`${sb.variable(tenant, 'salesforce')}=${sb.salesforce?.accessToken ?? ''}`);
    tenants.push({ tenant, file, sb, connections, tokenHint: psToken.slice(-4), propstreetIds });
  }
  // Read by the config loader from beside the tenant files (never put into process.env).
  writeFileSync(join(dir, '.env'), `${env.join('\n')}\n`);
  let store: StateStore | undefined;
  return {
    dir,
    stateSchema,
    tenants,
    async state() {
      if (!store) {
        store = createPostgresStateStore({ connectionString: TEST_DATABASE_URL, schema: stateSchema });
        await store.migrate();
      }
      return store;
    },
    async close() {
      await store?.close();
      await Promise.all(tenants.map((t) => t.sb.close()));
      await dropSchema(stateSchema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Propstreet ids the tenant's CRMs hold, one entry per CRM record (duplicates would repeat). */
export function crmKeys(t: FarmTenant, crm: 'hubspot' | 'salesforce'): string[] {
  if (crm === 'hubspot')
    return (t.sb.hubspot?.control.dump() ?? []).map((c) => c.properties.propstreet_id ?? '');
  return (t.sb.salesforce?.control.dump() ?? []).map((c) => String(c.Propstreet_Id__c ?? ''));
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface JobRow {
  readonly id: string;
  readonly state: string;
  readonly singletonKey: string | null;
  readonly retryCount: number;
  readonly output: unknown;
  /** The database's clock. */
  readonly createdOn: Date;
  readonly startedOn: Date | null;
  readonly completedOn: Date | null;
}

/** Jobs of a queue, live and archived, straight from pg-boss's tables. */
export async function jobRows(schema: string, queue: string): Promise<JobRow[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const cols =
      'id, state::text AS state, singleton_key AS "singletonKey", retry_count AS "retryCount", output, ' +
      'created_on AS "createdOn", started_on AS "startedOn", completed_on AS "completedOn"';
    const { rows } = await client.query<JobRow>(
      `SELECT ${cols} FROM ${schema}.job WHERE name = $1 UNION ALL SELECT ${cols} FROM ${schema}.archive WHERE name = $1`,
      [queue],
    );
    return rows;
  } finally {
    await client.end();
  }
}

export interface Child {
  readonly pid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `propsync <args>` as a long-running child process (a worker), output interleaved;
 * `command` says how (default: the TypeScript source through tsx).
 */
export function startCliProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  command: (args: readonly string[]) => [string, string[]] = cliCommand,
): Child {
  const [file, argv] = command(args);
  const child = spawn(file, argv, {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid ?? -1,
    output: () => out,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
