/**
 * The real `propsync` binary (the TypeScript source through tsx) as a child process, for
 * tests about the process itself: signals, a closed pipe, process-wide proxy settings, a
 * foreground command that runs until stopped. Everything else runs the CLI in the test
 * process (run-cli.ts): a child costs a second or more of start-up, several on a busy machine.
 * Every run, in process or not, is kept in a transcript so a test file can scan all output
 * for leaked secrets.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  readonly args: readonly string[];
  /** null when the process was killed (spawnCli's timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as one JSON value; throws with the output when it is not. */
  json<T = Record<string, unknown>>(): T;
}

export interface CliOptions {
  /** Variables on top of a minimal environment (PATH, HOME, TMPDIR, NO_COLOR=1); undefined unsets. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface SpawnOptions extends CliOptions {
  readonly cwd?: string;
  /** A child still running after this long is killed (code null); default 120 s. */
  readonly timeoutMs?: number;
}

const transcript: CliResult[] = [];

/** Every run so far in this test file (each file is its own process). */
export function cliTranscript(): readonly CliResult[] {
  return transcript;
}

/** Records a finished run in the transcript. */
export function cliResult(
  args: readonly string[],
  code: number | null,
  stdout: string,
  stderr: string,
): CliResult {
  const r: CliResult = {
    args,
    code,
    stdout,
    stderr,
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
  transcript.push(r);
  return r;
}

/** The variables a run sees: the developer's own tokens or PROPSYNC_DATABASE_URL must not leak in. */
export function cleanEnv(extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'SystemRoot']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** tsx's loader as this repository has it: a child in another working directory finds it too. */
const TSX = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx')).href;

/** The command line that starts the CLI from source, whatever the child's working directory. */
export function cliCommand(args: readonly string[]): [string, string[]] {
  return [process.execPath, ['--import', TSX, join(REPO_ROOT, 'src/cli/main.ts'), ...args]];
}

/** Runs the binary to its end and collects what it printed. */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const [command, argv] = cliCommand(args);
  const child = spawn(command, argv, {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnv(options.env),
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
      const killed = code === null ? `\n[spawnCli: killed after ${timeoutMs} ms]` : '';
      resolve(cliResult(args, code, stdout, `${stderr}${killed}`));
    });
  });
}

/** For failure messages: what a run printed. */
export function describeRun(r: CliResult): string {
  return `propsync ${r.args.join(' ')} → exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
