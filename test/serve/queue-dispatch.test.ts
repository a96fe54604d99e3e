/** On PostgreSQL a run request becomes at most one queued pg-boss job per tenant+connection. */
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueDispatch, type QueueDispatch } from '../../src/serve/queue-dispatch.js';
import { createBoss, ensureQueues, SYNC_QUEUE, startBoss } from '../../src/worker/queue.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../state/pg-test-db.js';
import { jobRows } from '../worker/support.js';

const window = { events: 1, earliest: new Date(), openedAt: new Date() };
const acme = { tenant: 'acme', connection: 'hubspot' };

describe('queue dispatch (pg-boss)', () => {
  const schema = testSchemaName('serveq');
  let boss: PgBoss;
  let queue: QueueDispatch;

  beforeAll(async () => {
    boss = createBoss({ databaseUrl: TEST_DATABASE_URL, schema, supervise: false });
    await startBoss(boss, TEST_DATABASE_URL);
    await ensureQueues(boss);
    queue = createQueueDispatch({
      boss,
      databaseUrl: TEST_DATABASE_URL,
      queueSchema: schema,
      tenantFile: (tenant) => (tenant === 'acme' ? '/tenants/acme.yaml' : undefined),
    });
  });
  afterAll(async () => {
    await queue?.close();
    await boss?.stop({ graceful: false });
    await dropSchema(schema);
  });

  it('queues one job, is covered while it waits, busy while it runs, and queues again after', async () => {
    expect(await queue.dispatch(acme, window)).toBe('queued');
    expect(await queue.dispatch(acme, window)).toBe('covered');
    let jobs = await jobRows(schema, SYNC_QUEUE);
    expect(jobs.map((j) => `${j.singletonKey} ${j.state}`)).toEqual(['acme/hubspot created']);

    // A worker takes it: it may have read before the next events, so they are not covered.
    const [job] = await boss.fetch<{ tenantFile: string }>(SYNC_QUEUE);
    expect(job?.data).toEqual({ tenantFile: '/tenants/acme.yaml', tenant: 'acme', connection: 'hubspot' });
    expect(await queue.dispatch(acme, window)).toBe('busy');
    jobs = await jobRows(schema, SYNC_QUEUE);
    expect(jobs.map((j) => j.state)).toEqual(['active']);

    await boss.complete(SYNC_QUEUE, job?.id ?? '');
    expect(await queue.dispatch(acme, window)).toBe('queued');
    expect(await queue.healthy()).toBe(true);
  });

  it('a tenant it has no file for is a failed dispatch, not a job', async () => {
    expect(await queue.dispatch({ tenant: 'ghost', connection: 'hubspot' }, window)).toBe('failed');
  });
});
