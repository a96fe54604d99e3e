/** Every command once (in process): help, version, schema, usage errors, validate, status, retry. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { seedPropstreet } from '../e2e/support.js';
import { byConnection, type CliSandbox, startCliSandbox } from './cli-sandbox.js';
import { describeRun, REPO_ROOT, runCli } from './run-cli.js';

const COMMANDS = ['run', 'plan', 'retry', 'status', 'validate', 'schedule', 'demo', 'schema'];

describe('propsync commands', () => {
  let f: CliSandbox;
  let acme: string;
  beforeAll(async () => {
    f = await startCliSandbox();
    seedPropstreet(f.sb, 0, 10);
    acme = f.tenant({ tenant: 'acme' });
  });
  afterAll(async () => f?.close());

  it('--help of the program and of every command it lists exits 0 and shows its usage', async () => {
    const root = await runCli(['--help']);
    expect(root.code, describeRun(root)).toBe(0);
    // Every command the program lists (new ones included), not a hand-kept list.
    const listed = [...root.stdout.matchAll(/^ {2}([a-z][a-z-]*) /gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(listed).toEqual(expect.arrayContaining(COMMANDS));
    const runs = await Promise.all(listed.map((c) => runCli([c, '--help'])));
    for (const r of runs) {
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toContain(`Usage: propsync ${r.args[0]} `);
      expect(r.stderr).toBe('');
    }
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('an unknown command, an unknown option, a missing argument or a bad option value exit 2', async () => {
    const [command, option, missing, badValue] = await Promise.all([
      runCli(['frobnicate']),
      runCli(['run', acme, '--bogus']),
      runCli(['plan']),
      runCli(['demo', '--contacts', 'many']),
    ]);
    expect(command.code, describeRun(command)).toBe(2);
    expect(command.stderr).toContain("unknown command 'frobnicate'");
    expect(option.code, describeRun(option)).toBe(2);
    expect(option.stderr).toContain("unknown option '--bogus'");
    expect(missing.code, describeRun(missing)).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'config'");
    expect(badValue.code, describeRun(badValue)).toBe(2);
    expect(badValue.stderr).toContain("option '--contacts <n>' argument 'many' is invalid");
    for (const r of [command, option, missing, badValue]) expect(r.stdout).toBe('');
  });

  it('status --runs and conflicts --limit take a whole number ≥ 1: anything else exits 2 naming the flag', async () => {
    for (const [command, flag] of [
      ['status', '--runs'],
      ['conflicts', '--limit'],
    ] as const)
      for (const bad of ['abc', '0', '-1', '2.5']) {
        const r = await runCli([command, acme, flag, bad]);
        expect(r.code, describeRun(r)).toBe(2);
        expect(r.stderr).toContain(`${flag} ${bad}: expected a whole number >= 1`);
        expect(r.stdout).toBe('');
      }
    const one = await runCli(['status', acme, '--runs', '1']);
    expect(one.code, describeRun(one)).toBe(0);
  });

  it('--connection picks connections; an unknown name is a usage error, not an empty success', async () => {
    const [one, typo] = await Promise.all([
      f.cli(['plan', acme, '--connection', 'hubspot', '--json']),
      f.cli(['plan', acme, '-c', 'hubspto']),
    ]);
    expect(one.code, describeRun(one)).toBe(0);
    expect(Object.keys(byConnection(one))).toEqual(['hubspot']);
    expect(typo.code, describeRun(typo)).toBe(2);
    expect(typo.stderr).toContain('--connection hubspto: expected one of hubspot, salesforce');
  });

  it('schema prints a JSON Schema that accepts the example tenants and rejects a bad one', async () => {
    const r = await runCli(['schema']);
    expect(r.code, describeRun(r)).toBe(0);
    const schema = r.json<{ $schema: string; type: string; properties: Record<string, unknown> }>();
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.type).toBe('object');
    expect(schema.properties.tenant).toMatchObject({ type: 'string' });
    const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    for (const name of ['example-hubspot', 'example-salesforce', 'example-bridge']) {
      const example = parse(readFileSync(join(REPO_ROOT, 'tenants', `${name}.yaml`), 'utf8')) as unknown;
      expect(validator.safeParse(example).success, name).toBe(true);
    }
    const bad = {
      tenant: 'x',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config file's ${VAR} reference
      connections: [{ name: 'a', type: 'hubspot', accessToken: '${T}', conflictPolicy: 'wins' }],
    };
    expect(validator.safeParse(bad).success).toBe(false);
  });

  it('validate checks the file offline; --json gives one object', async () => {
    const [text, json] = await Promise.all([f.cli(['validate', acme]), f.cli(['validate', acme, '--json'])]);
    expect(text.code, describeRun(text)).toBe(0);
    expect(text.stdout).toMatch(/^ok {3}config: .*acme\.yaml is valid$/m);
    expect(text.stdout).toMatch(/^ok {3}salesforce · contacts: mapping: /m);
    expect(json.code).toBe(0);
    const body = json.json<{ ok: boolean; checks: { name: string; ok: boolean }[] }>();
    expect(body.ok).toBe(true);
    expect(body.checks.map((c) => c.name)).toEqual([
      'config',
      'hubspot · contacts: mapping',
      'salesforce · contacts: mapping',
      // A bridge pairing contacts by their mirrors only: advice, which fails nothing.
      'bridge: hubspot · contacts',
      'bridge: salesforce · contacts',
    ]);
    expect(text.stdout).toMatch(
      /^ok {3}bridge: salesforce · contacts: advice: salesforce does not pair contacts by email/m,
    );
  });

  it('validate --check calls every API; --check --setup creates a missing HubSpot key property', async () => {
    const ok = await f.cli(['validate', acme, '--check']);
    expect(ok.code, describeRun(ok)).toBe(0);
    expect(ok.stdout).toMatch(/^ok {3}propstreet: token accepted$/m);
    expect(ok.stdout).toMatch(/^ok {3}hubspot · contacts: key-property: /m);
    expect(ok.stdout).toMatch(/^ok {3}salesforce · contacts: key-field: /m);

    const fresh = f.tenant({
      tenant: 'fresh',
      connections: ['hubspot'],
      connection: { keyProperty: 'fresh_key' },
    });
    const missing = await f.cli(['validate', fresh, '--check', '--json']);
    expect(missing.code, describeRun(missing)).toBe(3);
    const checks = missing.json<{ ok: boolean; checks: { name: string; ok: boolean }[] }>();
    expect(checks.ok).toBe(false);
    expect(checks.checks.find((c) => c.name === 'hubspot · contacts: key-property')?.ok).toBe(false);
    expect(f.sb.hubspot!.control.hasProperty('fresh_key')).toBe(false);

    const setup = await f.cli(['validate', fresh, '--check', '--setup']);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(f.sb.hubspot!.control.hasProperty('fresh_key')).toBe(true);
    expect((await f.cli(['validate', fresh, '--check'])).code).toBe(0);
  });

  it('run, then status shows links, checkpoints and the run; retry with nothing failed exits 0', async () => {
    const run = await f.cli(['run', acme]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toContain('propsync run: acme');
    expect(run.stdout).not.toContain('\x1b[');

    const status = await f.cli(['status', acme, '--json']);
    expect(status.code, describeRun(status)).toBe(0);
    const s = status.json<{
      tenant: string;
      connections: {
        connection: string;
        kind: string;
        links: number;
        checkpoints: { propstreet: string | null };
        runs: { status: string }[];
        failures: unknown[];
      }[];
    }>();
    expect(s.tenant).toBe('acme');
    expect(s.connections.map((c) => [c.connection, c.kind, c.links, c.failures.length])).toEqual([
      ['hubspot', 'contacts', 10, 0],
      ['salesforce', 'contacts', 10, 0],
    ]);
    for (const c of s.connections) {
      expect(c.checkpoints.propstreet).toEqual(expect.any(String));
      expect(c.runs[0]?.status).toBe('ok');
    }
    const text = await f.cli(['status', acme]);
    expect(text.stdout).toMatch(/hubspot · contacts \(hubspot\): 10 links, 0 failing, 0 quarantined/);

    const retry = await f.cli(['retry', acme, '--json']);
    expect(retry.code, describeRun(retry)).toBe(0);
    expect(retry.json<{ dryRun: boolean; exitCode: number }>()).toMatchObject({ dryRun: false, exitCode: 0 });
  });

  it('never prints a token', () => {
    f.expectNoSecretsPrinted();
  });
});
