/**
 * One sandbox (Propstreet + HubSpot + Salesforce fakes in this test process) per test file,
 * a temp folder for tenant files and state, and `cli()` (in process) and `spawn()` (a child
 * process) bound to the fakes' tokens.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  type Sandbox,
  type SandboxOptions,
  startSandbox,
  type TenantOptions,
} from '../../fakes/sandbox/sandbox.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import {
  type CliOptions,
  type CliResult,
  cliTranscript,
  runCli,
  type SpawnOptions,
  spawnCli,
} from './run-cli.js';

const RATE_PER_MINUTE = 6000;

export interface CliSandbox {
  readonly sb: Sandbox;
  readonly dir: string;
  /** Runs propsync in this process with the sandbox's tokens (plus `options.env`, which wins). */
  cli(args: readonly string[], options?: CliOptions): Promise<CliResult>;
  /** The same as a child process, for tests about the process. */
  spawn(args: readonly string[], options?: SpawnOptions): Promise<CliResult>;
  /** Writes a tenant file (into the temp folder unless `dir` is given); returns its path. */
  tenant(options?: TenantOptions, dir?: string): string;
  /** Extra values that must never be printed (e.g. a wrong token a test passed in). */
  addSecret(value: string): void;
  /** Fails when any run of this file printed a token. */
  expectNoSecretsPrinted(): void;
  close(): Promise<void>;
}

export async function startCliSandbox(options: SandboxOptions = {}): Promise<CliSandbox> {
  const sb = await startSandbox(options);
  // Rate limits are not under test here; at the real 600/min the syncs would mostly wait.
  sb.propstreet.setRateLimit(RATE_PER_MINUTE);
  const dir = mkdtempSync(join(tmpdir(), 'propsync-cli-'));
  const secrets = new Set(Object.values(sb.tokens).filter((v) => v.length >= 8));
  return {
    sb,
    dir,
    cli: (args, o = {}) => runCli(args, { ...o, env: { ...sb.env, ...o.env } }),
    spawn: (args, o = {}) => spawnCli(args, { ...o, env: { ...sb.env, ...o.env } }),
    tenant(t = {}, into = dir) {
      const file = sb.writeTenant(into, t);
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace(/^( {2}token: .*)$/m, `$1\n  requestsPerMinute: ${RATE_PER_MINUTE}`));
      return file;
    },
    addSecret: (v) => secrets.add(v),
    expectNoSecretsPrinted() {
      const runs = cliTranscript();
      expect(runs.length).toBeGreaterThan(0);
      for (const r of runs) {
        for (const s of secrets) {
          expect(r.stdout.includes(s), `stdout of propsync ${r.args.join(' ')}`).toBe(false);
          expect(r.stderr.includes(s), `stderr of propsync ${r.args.join(' ')}`).toBe(false);
        }
      }
    },
    async close() {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunJson {
  readonly dryRun: boolean;
  readonly exitCode: number;
  readonly tenants: { tenant: string; connections: ConnectionResult[] }[];
}

/** The `run --json`/`plan --json` output of a one-tenant run, by connection name. */
export function byConnection(r: CliResult): Record<string, ConnectionResult> {
  const out: Record<string, ConnectionResult> = {};
  for (const t of r.json<RunJson>().tenants) for (const c of t.connections) out[c.connection] = c;
  return out;
}

/** The SQLite state file's bytes (main file and WAL), or null when it does not exist. */
export function stateHash(file: string): string | null {
  if (!existsSync(file)) return null;
  const h = createHash('sha256').update(readFileSync(file));
  if (existsSync(`${file}-wal`)) h.update(readFileSync(`${file}-wal`));
  return h.digest('hex');
}

/** Parsed stderr log lines (JSON lines when stderr is not a TTY); throws on a line that is not JSON. */
export function logLines(r: CliResult): Record<string, unknown>[] {
  return r.stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`stderr line is not JSON: ${l}`);
      }
    });
}
