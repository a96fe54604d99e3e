/**
 * Runs the real `propsync` binary (the TypeScript source through tsx) as a child process, the
 * way a user or a cron job would, and collects what it printed. Every run is also kept in a
 * transcript so a test file can scan all output for leaked secrets at the end.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  readonly args: readonly string[];
  /** null when the process was killed (timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** stdout parsed as one JSON value; throws with the output when it is not. */
  json<T = Record<string, unknown>>(): T;
}

export interface CliOptions {
  /** Variables on top of a minimal environment (PATH, HOME, TMPDIR and NO_COLOR=1). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

const transcript: CliResult[] = [];

/** Every run so far in this test file (each file is its own process). */
export function cliTranscript(): readonly CliResult[] {
  return transcript;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 90_000;
  // A clean environment: the developer's own tokens or PROPSYNC_DATABASE_URL must not leak in.
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'SystemRoot']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result: CliResult = {
        args,
        code,
        stdout,
        stderr: code === null ? `${stderr}\n[run-cli: killed after ${timeoutMs} ms]` : stderr,
        ms: Date.now() - started,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(
              `propsync ${args.join(' ')}: stdout is not JSON (exit ${code}):\n${stdout}\n${stderr}`,
            );
          }
        },
      };
      transcript.push(result);
      resolve(result);
    });
  });
}

/** For failure messages: what a run printed. */
export function describeRun(r: CliResult): string {
  return `propsync ${r.args.join(' ')} → exit ${r.code} in ${r.ms} ms\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
