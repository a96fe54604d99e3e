/**
 * Runs the CLI in this process (no tsx start-up) with the given environment, and collects what
 * it printed. For tests about a command's behaviour, not about the process.
 */
import { vi } from 'vitest';
import { main } from '../../src/cli/program.js';

export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  json<T = Record<string, unknown>>(): T;
}

export async function cliInProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  // The developer's own database must not leak in; the sandbox's tokens must.
  vi.stubEnv('PROPSYNC_DATABASE_URL', undefined);
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  try {
    const code = await main(['node', 'propsync', ...args]);
    return {
      code,
      stdout,
      stderr,
      json: <T>() => JSON.parse(stdout) as T,
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
    vi.unstubAllEnvs();
    process.exitCode = undefined;
  }
}
