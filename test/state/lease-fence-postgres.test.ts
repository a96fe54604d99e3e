/**
 * The lease's fence on PostgreSQL, with a real stall: worker A's one pool connection is busy
 * while its next chunk commit has already passed the lease check in the process. Its lease
 * lapses in the database (its renewals wait for the connection too), worker B takes the lock,
 * ends a link and moves the checkpoint on. When A's commit finally runs, the store checks the
 * lock inside the commit's transaction and refuses it: B's state stays as B wrote it.
 */
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { withLockLease } from '../../src/run/lock-lease.js';
import { createPostgresStateStore } from '../../src/state/postgres-store.js';
import { aLink, newScope } from '../contract/state-store.contract.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from './pg-test-db.js';

describe('a stale run’s commit on PostgreSQL', () => {
  const schema = testSchemaName('fence');
  const poolA = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  const poolB = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  const storeA = createPostgresStateStore({ pool: poolA, schema });
  const storeB = createPostgresStateStore({ pool: poolB, schema });
  afterAll(async () => {
    await poolA.end();
    await poolB.end();
    await dropSchema(schema);
  });

  it('does not land after another run took the lock over', async () => {
    await storeA.migrate();
    const scope = newScope();
    const leasedA = withLockLease(storeA, { ttlMs: 600, renewEveryMs: 200 });
    expect(await leasedA.acquireLock(scope, 'worker-a|run-1', 0)).toBe(true);
    await leasedA.commit(scope, { upsertLinks: [aLink(1)], checkpoints: { propstreet: 'T0' } });

    const busy = await poolA.connect();
    const stale = leasedA
      .commit(scope, {
        upsertLinks: [aLink(1, { shadow: { email: 'old@example.com', phone: null, name: 'old' } })],
        checkpoints: { propstreet: 'T1' },
      })
      .then(
        () => 'committed',
        (e: unknown) => (e as { code?: string }).code ?? String(e),
      );

    // B takes the lock once A's lease has lapsed in the database.
    await vi.waitFor(
      async () => expect(await storeB.acquireLock(scope, 'worker-b|run-2', 60_000)).toBe(true),
      { timeout: 30_000, interval: 100 },
    );
    await storeB.commit(scope, { deleteLinks: ['ps-1'], checkpoints: { propstreet: 'T2' } });

    busy.release();
    expect(await stale).toBe('RUN_IN_PROGRESS');
    await leasedA.close();
    expect((await storeB.lockHolder(scope))?.owner).toBe('worker-b|run-2');
    expect(await storeB.getCheckpoint(scope, 'propstreet')).toBe('T2');
    expect(await storeB.linksByPropstreetIds(scope, ['ps-1'])).toEqual([]);
  });
});
