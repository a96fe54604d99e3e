// biome-ignore-all lint/suspicious/noTemplateCurlyInString: tenant files hold ${VAR} references
/**
 * Every way a command can fail ends the same way: one stderr line that names what failed and
 * what to do, the documented exit code, and under `--json` one JSON object on stdout with
 * `error.code` and `error.message`; a stack trace only with `--verbose`.
 *
 * Regression: a bad state path or PostgreSQL URL ended in "unexpected error: Error: connect
 * ECONNREFUSED …" with a stack trace, exit 5 and nothing on stdout under `--json`; a lock
 * conflict printed nothing under `--json` either. In process (test/cli/run-cli.ts):
 * these are about what the CLI prints, not about the process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { describeFailure, printFailure } from '../../src/cli/failure.js';
import { Redactor } from '../../src/core/redact.js';
import { createSqliteStateStore } from '../../src/state/index.js';
import { type CliResult, runCli } from './run-cli.js';
import { writeUnreachableTenant } from './unreachable-tenant.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const dir = mkdtempSync(join(tmpdir(), 'propsync-failures-'));
const TOKEN = 'ps-token-for-failure-output-0001';
const ENV = { PROPSYNC_ACME_TOKEN: TOKEN, PROPSYNC_DATABASE_URL: undefined };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tenantFile = (name: string, state: string): string => writeUnreachableTenant(dir, name, state);

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface JsonError {
  error: { code: string; message: string };
  exitCode: number;
}

/** One stderr line, no stack frames, and the JSON object (under --json) saying the same. */
function expectOneFailure(r: CliResult, exitCode: number, code: string): JsonError {
  expect(r.code, r.stderr).toBe(exitCode);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const json = r.json<JsonError>();
  expect(json).toEqual({ error: { code, message: expect.any(String) }, exitCode });
  expect(r.stderr).toBe(`propsync: ${json.error.message}\n`);
  return json;
}

describe('the state store cannot be opened', () => {
  it('a SQLite path whose folder cannot exist: exit 5, names the file and the key to fix', async () => {
    const file = tenantFile('bad-path', '{ sqlite: /dev/null/state/acme.db }');
    const r = await runCli(['run', file, '--json'], { env: ENV });
    const { error } = expectOneFailure(r, 5, 'STATE');
    expect(error.message).toMatch(/^cannot open the state file \/dev\/null\/state\/acme\.db: /);
    expect(error.message).toContain(`check state.sqlite in ${file}`);
  });

  it('PostgreSQL refusing connections: exit 5, host and database named, password not', async () => {
    const port = await closedPort();
    const file = tenantFile('pg', '{ sqlite: ./never.db }');
    const url = `postgres://sync:pg-password-not-shown@127.0.0.1:${port}/propsync`;
    const r = await runCli(['status', file, '--json'], { env: { ...ENV, PROPSYNC_DATABASE_URL: url } });
    const { error } = expectOneFailure(r, 5, 'STATE');
    expect(error.message).toBe(
      `cannot open the state database 127.0.0.1:${port}/propsync: connect ECONNREFUSED 127.0.0.1:${port}; check PROPSYNC_DATABASE_URL and that PostgreSQL accepts connections`,
    );
    expect(r.stdout + r.stderr).not.toContain('pg-password-not-shown');
  });

  it('the same without --json: the one line, nothing on stdout', async () => {
    const file = tenantFile('bad-path-text', '{ sqlite: /dev/null/state/acme.db }');
    const r = await runCli(['status', file], { env: ENV });
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^propsync: cannot open the state file .*; check state\.sqlite in .*\n$/);
  });
});

describe('another run holds the lock', () => {
  it('exit 5 and, under --json, the RUN_IN_PROGRESS error with what to do', async () => {
    const state = join(dir, 'locked.db');
    const store = createSqliteStateStore({ path: state });
    await store.migrate();
    // A live owner on this host (this very process), so the lock is not taken over.
    expect(
      await store.acquireLock(
        { tenant: 'acme', connection: 'hubspot', kind: 'contacts' },
        `${hostname()}|${process.pid}|other`,
        60_000,
      ),
    ).toBe(true);
    await store.close();
    const r = await runCli(['run', tenantFile('locked', `{ sqlite: ${state} }`), '--json'], {
      env: ENV,
    });
    const { error } = expectOneFailure(r, 5, 'RUN_IN_PROGRESS');
    expect(error.message).toBe(
      'another run of acme/hubspot is in progress; wait for it to finish, then run again (a crashed run on this host is taken over at once)',
    );
  });
});

describe('usage errors and aborted runs', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ salesforce: false });
  });
  afterAll(async () => sb?.close());

  it('an unknown option under --json: exit 2 and a USAGE error object', async () => {
    const r = await runCli(['run', 'x.yaml', '--json', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.json()).toEqual({
      error: { code: 'USAGE', message: "unknown option '--no-such-option'" },
      exitCode: 2,
    });
  });

  it('a refused token aborts the run: exit 3, the connection and the next step in error', async () => {
    const file = sb.writeTenant(dir, { tenant: 'refused', connections: ['hubspot'] });
    const env = { ...sb.env, [sb.variable('refused', 'propstreet')]: 'ps-refused-token-000000001' };
    const r = await runCli(['run', file, '--json'], { env });
    expect(r.code, r.stderr).toBe(3);
    const json = r.json<{ exitCode: number; error: { code: string; message: string } }>();
    expect(json.exitCode).toBe(3);
    expect(json.error.code).toBe('UNAUTHORIZED');
    expect(json.error.message).toMatch(
      /^refused\/hubspot: .*; `propsync validate <config> --check` shows which token was refused$/,
    );
    // …and the log (JSON lines: stderr is not a terminal here) says the same, as an error.
    const logs = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(logs).toContainEqual(expect.objectContaining({ level: 50, msg: json.error.message }));
  });

  it('migrate-state under --json: exit 2 and the error object naming both stores', async () => {
    const r = await runCli([
      'migrate-state',
      '--from',
      `sqlite:${join(dir, 'none.db')}`,
      '--to',
      `sqlite:${join(dir, 'to.db')}`,
      '--json',
    ]);
    const { error } = expectOneFailure(r, 2, 'VALIDATION');
    expect(error.message).toContain(
      `migrate-state failed (--from sqlite:${join(dir, 'none.db')} → --to sqlite:`,
    );
    expect(error.message).toContain('no state file at');
  });
});

describe('an unexpected error (a bug)', () => {
  const capture = (fn: () => void): string => {
    const write = process.stderr.write;
    let text = '';
    process.stderr.write = ((chunk: string) => {
      text += chunk;
      return true;
    }) as typeof process.stderr.write;
    try {
      fn();
    } finally {
      process.stderr.write = write;
    }
    return text;
  };

  it('is one line saying so and what to do, exit 5; the stack only with --verbose', () => {
    const failure = describeFailure(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(failure).toMatchObject({
      code: 'INTERNAL',
      exitCode: 5,
      message:
        "unexpected error: Cannot read properties of undefined (reading 'id'); this is a bug: rerun with --verbose and report the stack trace",
    });
    const quiet = capture(() => printFailure(failure, { json: false, verbose: false }, redactor));
    expect(quiet).toBe(`propsync: ${failure.message}\n`);
    const verbose = capture(() => printFailure(failure, { json: false, verbose: true }, redactor));
    expect(verbose).toMatch(/^propsync: unexpected error: .*\nTypeError: .*\n\s+at /);
  });
});
