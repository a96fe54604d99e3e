import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStateStore } from '../../src/state/postgres-store.js';
import { aLink, describeStateStoreContract, newScope } from '../contract/state-store.contract.js';
import { clockPast } from '../support/clock-past.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from './pg-test-db.js';

const contractSchema = testSchemaName('contract');
describeStateStoreContract(
  'postgres',
  async () => createPostgresStateStore({ connectionString: TEST_DATABASE_URL, schema: contractSchema }),
  () => dropSchema(contractSchema),
);

describe('PostgreSQL across workers', () => {
  const schema = testSchemaName('workers');
  const pools = [1, 2].map(() => new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 }));
  const [a, b] = pools.map((pool) => createPostgresStateStore({ pool, schema })) as [
    ReturnType<typeof createPostgresStateStore>,
    ReturnType<typeof createPostgresStateStore>,
  ];
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await Promise.all(pools.map((p) => p.end()));
    await dropSchema(schema);
  });

  it('migrates from two workers at once without racing', async () => {
    await Promise.all([a.migrate(), b.migrate(), a.migrate(), b.migrate()]);
    const scope = newScope();
    await a.commit(scope, { upsertLinks: [aLink(1)] });
    expect(await b.countLinks(scope)).toBe(1);
  });

  it('lets only one of two pools hold the lock, even racing', async () => {
    const scope = newScope();
    const attempts = Array.from({ length: 8 }, (_, i) =>
      (i % 2 ? a : b).acquireLock(scope, `owner-${i}`, 60_000),
    );
    const won = (await Promise.all(attempts)).filter(Boolean);
    expect(won).toHaveLength(1);
  });

  it('hands an expired lock to the other pool, not a live one', async () => {
    const scope = newScope();
    expect(await a.acquireLock(scope, 'worker-a', 1)).toBe(true);
    await clockPast(Date.parse((await a.lockHolder(scope))!.expiresAt));
    expect(await b.acquireLock(scope, 'worker-b', 60_000)).toBe(true);
    expect(await a.acquireLock(scope, 'worker-a', 60_000)).toBe(false);
    await b.releaseLock(scope, 'worker-b');
    expect(await a.acquireLock(scope, 'worker-a', 60_000)).toBe(true);
  });

  it('leaves a shared pool open on close', async () => {
    const store = createPostgresStateStore({ pool: pools[0]!, schema });
    await store.close();
    expect((await pools[0]!.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });
});
