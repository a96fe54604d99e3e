/**
 * Runs `propsync <args>` inside the test process: `main()` with stdout and stderr captured
 * and `process.env` extended for the call. For tests of what the CLI prints and returns
 * (not of the process itself: spawning costs seconds per run on a busy machine). Calls must
 * not overlap: the streams and the environment are process-wide.
 */
import { main } from '../../src/cli/program.js';

export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as one JSON value; throws with the output when it is not. */
  json<T = Record<string, unknown>>(): T;
}

type Write = typeof process.stdout.write;

export async function runInProcess(
  args: readonly string[],
  options: { env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (text: string) => void): Write =>
    (chunk: unknown, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  const saved = { out: process.stdout.write, err: process.stderr.write };
  const savedEnv = new Map(Object.keys(options.env ?? {}).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.stdout.write = capture((t) => {
    stdout += t;
  });
  process.stderr.write = capture((t) => {
    stderr += t;
  });
  process.exitCode = undefined;
  let code: number;
  try {
    code = await main(['node', 'propsync', ...args]);
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = undefined;
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return {
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
}
