/**
 * Runs one job in a fresh child process and returns its report. `npm run bench` compiles the
 * child first (tsconfig.bench.json → dist-bench/) and sets PROPSYNC_BENCH_JS=1, so the measured
 * process runs JavaScript as production does, without a TypeScript loader (~30–40 MB of RSS and
 * its compile work); without it (the smoke tests) the child is bench/child.ts through tsx. The
 * scale-out scenario's `propsync worker` processes are started the same way.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Job, RunSummary } from './jobs.js';
import type { Measured } from './measure.js';

export interface JobReport {
  readonly summary: RunSummary;
  readonly measured: Measured;
}

// Resolved from here, so the child starts whatever the caller's working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

type Reply = { ok: true; summary: RunSummary; measured: Measured } | { ok: false; error: string };

const ROOT = join(import.meta.dirname, '..');

/** How to start `source` (a .ts path from the repository root): compiled under `npm run bench`, else through tsx. */
function entry(source: string): { path: string; execArgv: string[] } {
  if (process.env.PROPSYNC_BENCH_JS !== '1') return { path: join(ROOT, source), execArgv: ['--import', TSX] };
  const compiled = join(ROOT, 'dist-bench', source.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled))
    throw new Error(`PROPSYNC_BENCH_JS=1 but ${compiled} is missing: run npx tsc -p tsconfig.bench.json`);
  return { path: compiled, execArgv: [] };
}

/** The `propsync` command line for a long-running child (a worker), started as `entry` says. */
export function benchCliCommand(args: readonly string[]): [string, string[]] {
  const cli = entry('src/cli/main.ts');
  return [process.execPath, [...cli.execArgv, cli.path, ...args]];
}

export function spawnJob(job: Job): Promise<JobReport> {
  return new Promise((resolve, reject) => {
    const main = entry('bench/child.ts');
    // A profile of the engine job alone (the parent runs the fakes): bench/README.md, "Profiling".
    const profileDir = process.env.PROPSYNC_BENCH_CPU_PROF;
    const child = fork(main.path, [], {
      execArgv: profileDir ? [...main.execArgv, '--cpu-prof', `--cpu-prof-dir=${profileDir}`] : main.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, PROPSYNC_LOG_LEVEL: 'silent' },
    });
    let reply: Reply | undefined;
    child.once('message', (m: Reply) => {
      reply = m;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (reply?.ok) resolve({ summary: reply.summary, measured: reply.measured });
      else if (reply) reject(new Error(`bench job failed: ${reply.error}`));
      else reject(new Error(`bench child exited (${code ?? signal}) without a report`));
    });
    child.send(job);
  });
}
