/**
 * Two tenants share one SQLite state file, each with its own fakes and its own credentials.
 * Their Propstreet contact ids collide on purpose (both fakes count from 1001), so a store
 * that mixed tenants would link globex's contacts to acme's HubSpot records. Through the
 * public CLI only (`run`, `status --json`), neither ever sees the other's links, checkpoints,
 * failures, runs or tokens, and their runs do not lock each other out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import { type CliResult, runCli, spawnCli } from '../cli/run-cli.js';
import { seedHubSpot, seedPropstreet } from '../e2e/support.js';

interface Tenant {
  readonly name: string;
  readonly sb: Sandbox;
  readonly file: string;
  readonly env: Record<string, string>;
}

interface Status {
  tenant: string;
  connections: {
    connection: string;
    links: number;
    checkpoints: Record<string, string | null>;
    failures: unknown[];
    quarantined: unknown[];
    runs: { id: string }[];
  }[];
}

const dir = mkdtempSync(join(tmpdir(), 'propsync-isolation-'));
const shared = join(dir, 'shared.db');
let acme: Tenant;
let globex: Tenant;
const printed: CliResult[] = [];

async function tenant(name: string): Promise<Tenant> {
  const sb = await startSandbox({ salesforce: false });
  // Each tenant file reads its own variables (PROPSYNC_ACME_…, PROPSYNC_GLOBEX_…).
  const env = {
    [sb.variable(name, 'propstreet')]: `${name}-propstreet-token-0123456789`,
    [sb.variable(name, 'hubspot')]: `${name}-hubspot-token-0123456789`,
  };
  sb.propstreet.addToken(env[sb.variable(name, 'propstreet')]!);
  sb.hubspot!.control.acceptTokens([env[sb.variable(name, 'hubspot')]!]);
  const file = sb.writeTenant(dir, { tenant: name, connections: ['hubspot'], sqlite: shared });
  return { name, sb, file, env };
}

/** `propsync <command> <tenant file> …`, in process, or as a child process where runs must overlap. */
async function cli(
  t: Tenant,
  args: string[],
  how: 'in-process' | 'child' = 'in-process',
): Promise<CliResult> {
  const run = how === 'child' ? spawnCli : runCli;
  const r = await run([args[0]!, t.file, ...args.slice(1)], { env: t.env });
  printed.push(r);
  return r;
}
const status = async (t: Tenant) => (await cli(t, ['status', '--json'])).json<Status>().connections[0]!;
const result = (r: CliResult) =>
  r.json<{ tenants: { connections: ConnectionResult[] }[] }>().tenants[0]!.connections[0]!;

beforeAll(async () => {
  acme = await tenant('acme');
  globex = await tenant('globex');
  seedPropstreet(acme.sb, 0, 10);
  seedPropstreet(globex.sb, 100, 6);
  seedHubSpot(globex.sb, 200, 3);
}, 180_000);
afterAll(async () => {
  await Promise.all([acme?.sb.close(), globex?.sb.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('two tenants in one state file', () => {
  it('after acme syncs, globex sees none of it', async () => {
    const run = await cli(acme, ['run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect((await status(acme)).links).toBe(10);
    const g = await status(globex);
    expect(g).toMatchObject({
      links: 0,
      checkpoints: { propstreet: null, crm: null },
      failures: [],
      quarantined: [],
      runs: [],
    });
  });

  it('globex syncs its own contacts, though their ids equal acme’s linked ones', async () => {
    const run = await cli(globex, ['run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const r = result(run);
    expect(r.planned.create).toEqual({ crm: 6, propstreet: 3 });
    expect(r.planned.link).toBe(0);
    expect(globex.sb.hubspot!.control.dump().filter((c) => c.properties.propstreet_id)).toHaveLength(9);
    expect(acme.sb.hubspot!.control.dump()).toHaveLength(10);
  });

  it('each tenant’s status shows only its own links and runs', async () => {
    const [a, g] = [await status(acme), await status(globex)];
    expect([a.links, g.links]).toEqual([10, 9]);
    expect(a.runs).toHaveLength(1);
    expect(g.runs).toHaveLength(1);
    expect(a.runs[0]!.id).not.toBe(g.runs[0]!.id);
  });

  it('their runs go at the same time: one tenant’s lock is not the other’s', async () => {
    seedPropstreet(acme.sb, 20, 3);
    seedPropstreet(globex.sb, 120, 3);
    const [a, g] = await Promise.all([
      cli(acme, ['run', '--json'], 'child'),
      cli(globex, ['run', '--json'], 'child'),
    ]);
    expect([a.code, g.code]).toEqual([0, 0]);
    expect([result(a).done.create.crm, result(g).done.create.crm]).toEqual([3, 3]);
  });

  it('neither ever printed the other’s (or its own) tokens', () => {
    const secrets = [...Object.values(acme.env), ...Object.values(globex.env)];
    for (const r of printed) for (const s of secrets) expect(r.stdout + r.stderr).not.toContain(s);
  });
});
