/**
 * What a worker does with each kind of run end: the mass-delete guard goes straight to the
 * dead-letter queue (never retried), a daily-limit abort is retried and then dead-lettered
 * by pg-boss, and a tenant+connection locked by another live run is skipped, not failed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PropsyncError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import {
  createBoss,
  createEnqueuer,
  DEAD_LETTER_QUEUE,
  type Enqueuer,
  ensureQueues,
  outcomeOfError,
  outcomeOfResults,
  type RunningWorker,
  SYNC_QUEUE,
  startBoss,
  startWorker,
} from '../../src/worker/index.js';
import { dropSchema } from '../state/pg-test-db.js';
import {
  type Farm,
  type FarmTenant,
  jobRows,
  quiet,
  startFarm,
  TEST_DATABASE_URL,
  testSchemaName,
  waitFor,
} from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('job outcome rules', () => {
  const aborted = (code: string, kind = 'contacts') =>
    ({ kind, status: 'aborted', abort: { code, message: code } }) as unknown as ConnectionResult;
  const finished = (status: 'ok' | 'partial', kind = 'contacts') => ({ kind, status }) as ConnectionResult;
  const outcomeOfResult = (r: ConnectionResult) => outcomeOfResults([r]);
  it('retries transient aborts and errors, dead-letters the rest, skips a held lock', () => {
    expect(outcomeOfResult(aborted('RATE_LIMITED')).kind).toBe('retry');
    expect(outcomeOfResult(aborted('DAILY_LIMIT')).kind).toBe('retry');
    expect(outcomeOfResult(aborted('NETWORK')).kind).toBe('retry');
    expect(outcomeOfResult(aborted('MASS_DELETE_GUARD')).kind).toBe('dead-letter');
    expect(outcomeOfResult(aborted('UNAUTHORIZED')).kind).toBe('dead-letter');
    expect(outcomeOfResult(finished('partial')).kind).toBe('done');
    expect(outcomeOfError(new PropsyncError('RUN_IN_PROGRESS', 'busy')).kind).toBe('skipped');
    // A bridge's other connection holds the tenant: this connection has not run, so it is retried.
    expect(
      outcomeOfError(new PropsyncError('RUN_IN_PROGRESS', 'tenant busy', { retryable: true })).kind,
    ).toBe('retry');
    expect(outcomeOfError(new PropsyncError('CONFIG_INVALID', 'bad')).kind).toBe('dead-letter');
    expect(outcomeOfError(new Error('ECONNRESET')).kind).toBe('retry');
  });

  it("over a connection's kinds, the worst decides: a final abort over a transient one over done", () => {
    const guard = aborted('MASS_DELETE_GUARD', 'companies');
    const limit = aborted('RATE_LIMITED', 'contacts');
    expect(outcomeOfResults([finished('ok', 'companies'), finished('partial')])).toMatchObject({
      kind: 'done',
    });
    expect(outcomeOfResults([limit, finished('ok', 'companies')])).toMatchObject({
      kind: 'retry',
      code: 'RATE_LIMITED',
    });
    expect(outcomeOfResults([limit, guard])).toMatchObject({
      kind: 'dead-letter',
      code: 'MASS_DELETE_GUARD',
      results: [limit, guard],
    });
  });
});

describe('worker job outcomes', () => {
  const queueSchema = testSchemaName('boss');
  let farm: Farm;
  let boss: ReturnType<typeof createBoss>;
  let enqueuer: Enqueuer;
  let worker: RunningWorker;

  beforeAll(async () => {
    farm = await startFarm({ tenants: 3, contacts: 10, label: 'outcomes' });
    boss = createBoss({ databaseUrl: TEST_DATABASE_URL, schema: queueSchema, supervise: false });
    await startBoss(boss, TEST_DATABASE_URL);
    await ensureQueues(boss);
    enqueuer = createEnqueuer(boss, { databaseUrl: TEST_DATABASE_URL, schema: queueSchema });
    worker = await startWorker({
      redactor,
      databaseUrl: TEST_DATABASE_URL,
      queueSchema,
      concurrency: 1,
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
      logger: quiet,
    });
  });

  afterAll(async () => {
    await worker?.stop({ timeoutMs: 5000 });
    await enqueuer?.close();
    await boss?.stop({ graceful: false });
    await farm?.close();
    await dropSchema(queueSchema);
  });

  async function runJob(t: FarmTenant, settings: Parameters<Enqueuer['enqueue']>[1] = {}) {
    const sent = await enqueuer.enqueue(
      { tenantFile: t.file, tenant: t.tenant, connection: 'hubspot' },
      settings,
    );
    if (!sent.queued) throw new Error('not queued');
    return waitFor('the job to end', async () => {
      const job = (await jobRows(queueSchema, SYNC_QUEUE)).find((j) => j.id === sent.jobId);
      return job && (job.state === 'completed' || job.state === 'failed') ? job : undefined;
    });
  }
  const deadLetters = async () => (await jobRows(queueSchema, DEAD_LETTER_QUEUE)).length;
  const liveHubSpot = (t: FarmTenant) => t.sb.hubspot!.control.dump().filter((c) => !c.archived).length;

  it('sends a mass-delete guard abort to the dead-letter queue at once', async () => {
    const t = farm.tenants[0]!;
    expect(await runJob(t)).toMatchObject({ state: 'completed', output: { outcome: 'ok' } });
    for (const id of t.propstreetIds.slice(0, 6)) t.sb.propstreet.deleteAsUser(id);

    const job = await runJob(t);
    expect(job).toMatchObject({
      state: 'completed',
      retryCount: 0,
      output: { outcome: 'dead-letter', code: 'MASS_DELETE_GUARD' },
    });
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT data FROM ${queueSchema}.job WHERE name = $1`, [
        DEAD_LETTER_QUEUE,
      ]);
      expect(rows.map((r) => r.data)).toEqual([
        expect.objectContaining({
          tenant: t.tenant,
          connection: 'hubspot',
          code: 'MASS_DELETE_GUARD',
          jobId: job.id,
        }),
      ]);
    } finally {
      await db.end();
    }
    expect(liveHubSpot(t)).toBe(10);
  });

  it('retries a daily-limit abort with backoff, then dead-letters it', async () => {
    const t = farm.tenants[1]!;
    t.sb.hubspot!.control.exhaustDailyLimit();
    const before = await deadLetters();
    const job = await runJob(t, { retryLimit: 1, retryDelaySeconds: 1, retryBackoff: false });
    expect(job.state).toBe('failed');
    expect(job.retryCount).toBe(1);
    expect(JSON.stringify(job.output)).toContain('DAILY_LIMIT');
    await waitFor('pg-boss to dead-letter it', async () => (await deadLetters()) === before + 1);
    expect(await worker.metrics.registry.render()).toContain('propsync_jobs_total{outcome="retry"} 2');
    expect(liveHubSpot(t)).toBe(0);
  });

  it('skips a run whose tenant+connection another live run holds', async () => {
    const t = farm.tenants[2]!;
    const store = await farm.state();
    const scope = { tenant: t.tenant, connection: 'hubspot', kind: 'contacts' };
    expect(await store.acquireLock(scope, 'another-worker', 60_000)).toBe(true);
    try {
      expect(await runJob(t)).toMatchObject({ state: 'completed', output: { outcome: 'skipped' } });
      expect(liveHubSpot(t)).toBe(0);
    } finally {
      await store.releaseLock(scope, 'another-worker');
    }
  });
});
