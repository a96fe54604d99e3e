/**
 * `propsync run <config> --json` as a real child process against the fakes in this process,
 * optionally SIGKILLed at a chosen moment: right after the fakes answered its n-th write
 * request (the answer may or may not reach the child: both cases happen), or after some
 * milliseconds. Children may run side by side, but only one at a time may use `killAt`
 * with `afterWrites` (the write count is per call, the hook on the logs is shared).
 */
import { spawn } from 'node:child_process';
import type { RequestLogEntry } from '../../../fakes/shared/http-fake.js';
import { cliCommand, REPO_ROOT } from '../../cli/cli-process.js';
import { type ChildHost, childEnv } from './world.js';

export type KillAt = { readonly afterWrites: number } | { readonly afterMs: number };

export interface ChildRun {
  readonly killed: boolean;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** API write calls the fakes answered during this run. */
  readonly writes: number;
}

export function runChild(
  world: ChildHost,
  args: readonly string[],
  options: { killAt?: KillAt; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<ChildRun> {
  const started = Date.now();
  const [command, argv] = cliCommand(args);
  const child = spawn(command, argv, {
    cwd: REPO_ROOT,
    env: childEnv(world, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let killed = false;
  let writes = 0;
  const kill = () => {
    if (killed || child.exitCode !== null) return;
    killed = true;
    child.kill('SIGKILL');
  };
  const killAt = options.killAt;
  const logs = [
    world.sb.propstreet.http.requests,
    world.sb.hubspot!.http.requests,
    world.sb.salesforce!.http.requests,
  ];
  // The fakes log an answer just before sending it: counting pushes finds the n-th answered write.
  for (const log of logs) {
    log.push = (...entries: RequestLogEntry[]) => {
      const n = Array.prototype.push.apply(log, entries);
      for (const e of entries)
        if (e.write && !e.path.startsWith('/__control')) {
          writes++;
          if (killAt && 'afterWrites' in killAt && writes >= killAt.afterWrites) kill();
        }
      return n;
    };
  }
  const timers: NodeJS.Timeout[] = [];
  if (killAt && 'afterMs' in killAt) timers.push(setTimeout(kill, killAt.afterMs));
  timers.push(
    setTimeout(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const done = () => {
      for (const t of timers) clearTimeout(t);
      for (const log of logs) Reflect.deleteProperty(log, 'push');
    };
    child.on('error', (e) => {
      done();
      reject(e);
    });
    child.on('close', (code, signal) => {
      done();
      resolve({ killed, code, signal, stdout, stderr, ms: Date.now() - started, writes });
    });
  });
}
