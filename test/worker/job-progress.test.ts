/**
 * A worker's run says how far it got: nobody watches its terminal, so while a queued run goes on
 * it logs the progress line every 10 s (here the timer is ticked by hand: no wall-clock wait).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Every } from '../../src/app/progress-log.js';
import { Redactor } from '../../src/core/redact.js';
import { runSyncJob } from '../../src/worker/sync-job.js';
import { createTenantStores } from '../../src/worker/tenant-stores.js';
import { type Farm, startFarm } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

let farm: Farm;
beforeAll(async () => {
  farm = await startFarm({ tenants: 1, contacts: 30, label: 'progress', propstreetPerMinute: 100_000 });
});
afterAll(async () => {
  await farm?.close();
});

/** A logger whose JSON lines are kept, parsed, for the test to read. */
function capturedLog() {
  const lines: { msg: string; progress?: Record<string, unknown> }[] = [];
  const logger = pino(
    { level: 'info', base: null },
    new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  return { lines, logger };
}

describe('a queued run logs its progress', () => {
  it('starts the progress timer with the run and stops it when the job ends', async () => {
    const { lines, logger } = capturedLog();
    const ticks: (() => void)[] = [];
    let stopped = 0;
    const every: Every = (_ms, tick) => {
      ticks.push(tick);
      return () => {
        stopped++;
      };
    };
    const [t] = farm.tenants;
    if (!t) throw new Error('no tenant');
    const stores = createTenantStores({ poolSize: 2 });
    // The tenant's variables live in the .env beside the tenant file, as the worker reads them.
    const outcome = await runSyncJob(
      { tenant: t.tenant, connection: 'hubspot', tenantFile: t.file },
      { redactor, stores, logger, lockTtlMs: 60_000, progressEvery: every },
    );
    expect(outcome.kind).toBe('done');
    // The timer started with the run's first progress event and was stopped when the job ended.
    expect(ticks.length).toBe(1);
    expect(stopped).toBe(1);
    // Ticked after the run: it has ended, so nothing more is logged.
    const before = lines.length;
    ticks[0]?.();
    expect(lines.length).toBe(before);
    await stores.close();
  });

  it('a tick during the run logs one line with the numbers as fields', async () => {
    const { lines, logger } = capturedLog();
    const [t] = farm.tenants;
    if (!t) throw new Error('no tenant');
    const stores = createTenantStores({ poolSize: 2 });
    // Tick on every progress event's timer start and each time the run reports: the tick runs
    // inside the run, as a 10 s timer firing mid-run would.
    let tick: (() => void) | undefined;
    const outcome = await runSyncJob(
      { tenant: t.tenant, connection: 'hubspot', tenantFile: t.file },
      {
        redactor,
        stores,
        logger,
        lockTtlMs: 60_000,
        progressEvery: (_ms, fn) => {
          tick = fn;
          fn();
          return () => {
            tick = undefined;
          };
        },
      },
    );
    expect(outcome.kind).toBe('done');
    expect(tick).toBeUndefined();
    const progress = lines.filter((l) => l.progress);
    expect(progress.length).toBe(1);
    expect(progress[0]?.msg).toContain('hubspot');
    await stores.close();
  });
});
