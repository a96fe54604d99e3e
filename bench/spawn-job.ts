/** Runs one job in a fresh child process (bench/child.ts through tsx) and returns its report. */
import { fork } from 'node:child_process';
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

export function spawnJob(job: Job): Promise<JobReport> {
  return new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, 'child.ts'), [], {
      execArgv: ['--import', TSX],
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
