/**
 * `propsync plan … | head`: the reader closes the pipe before the report is written. This is
 * about the process (an unhandled EPIPE crashes it), so it spawns the real binary.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliCommand, REPO_ROOT } from './cli-process.js';
import { type CliSandbox, startCliSandbox } from './cli-sandbox.js';

/** Runs propsync with its stdout closed by the reader straight away; collects stderr. */
function runWithClosedStdout(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const [command, argv] = cliCommand(args);
  const child = spawn(command, argv, {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Like `head -0`: the reading end is gone before the first byte is written.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a closed stdout', () => {
  let f: CliSandbox;
  let config: string;

  beforeAll(async () => {
    f = await startCliSandbox();
    f.sb.propstreet.generate(50);
    config = f.tenant();
  });
  afterAll(async () => {
    await f.close();
  });

  it.each([[[]], [['--json']]])(
    'ends plan %j quietly with exit 0 (no EPIPE stack trace)',
    async (extra) => {
      const r = await runWithClosedStdout(['plan', config, ...extra], f.sb.env);
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(0);
    },
    120_000,
  );
});
