/**
 * `propsync <args>` in the test process, as a new process would start it: a fresh copy of the
 * CLI's modules (no secret registered yet, nothing cached), a clean environment, stdout and
 * stderr captured and not TTYs. For everything about what a command does, prints and returns;
 * tests about the process itself use cli-process.ts. Calls queue, never overlap: the streams
 * and the environment are process-wide.
 */
import { vi } from 'vitest';
import { type CliOptions, type CliResult, cleanEnv, cliResult } from './cli-process.js';

export {
  type CliOptions,
  type CliResult,
  cliTranscript,
  describeRun,
  REPO_ROOT,
  type SpawnOptions,
  spawnCli,
} from './cli-process.js';

/** The test runner's own variables, kept while a run swaps the environment. */
const RUNNER_VARIABLE = /^(VITEST|TEST$|NODE_ENV$|NODE_OPTIONS$|TZ$)/;

let queue: Promise<unknown> = Promise.resolve();

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const run = queue.then(() => runInThisProcess(args, options));
  queue = run.catch(() => undefined);
  return run;
}

type Write = typeof process.stdout.write;
type Stream = { write: Write; isTTY?: boolean | undefined };

function capture(append: (text: string) => void): Write {
  return ((chunk: unknown, ...rest: unknown[]) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as Write;
}

function setEnv(env: Readonly<Record<string, string | undefined>>): void {
  for (const k of Object.keys(process.env)) if (!RUNNER_VARIABLE.test(k)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
}

async function runInThisProcess(args: readonly string[], options: CliOptions): Promise<CliResult> {
  // A new process's module state: above all no secret registered by an earlier run, which
  // would hide a token printed before this run registered it.
  vi.resetModules();
  const { main } = await import('../../src/cli/program.js');
  let stdout = '';
  let stderr = '';
  const out = process.stdout as Stream;
  const err = process.stderr as Stream;
  const saved = {
    out: out.write,
    err: err.write,
    outTty: out.isTTY,
    errTty: err.isTTY,
    env: { ...process.env },
  };
  setEnv(cleanEnv(options.env));
  out.isTTY = false;
  err.isTTY = false;
  out.write = capture((t) => {
    stdout += t;
  });
  err.write = capture((t) => {
    stderr += t;
  });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'propsync', ...args]);
    return cliResult(args, code, stdout, stderr);
  } finally {
    out.write = saved.out;
    err.write = saved.err;
    out.isTTY = saved.outTty;
    err.isTTY = saved.errTty;
    process.exitCode = undefined;
    setEnv(saved.env);
  }
}
