import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateState } from '../../src/state/migrate-state.js';
import type { StateStore } from '../../src/state/port.js';
import { createPostgresStateStore } from '../../src/state/postgres-store.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { aConflict, aFailure, aLink, aTombstone, newScope } from '../contract/state-store.contract.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from './pg-test-db.js';

describe('migrateState SQLite → PostgreSQL', () => {
  const schema = testSchemaName('migrate');
  const a = newScope('hubspot');
  const b = newScope('salesforce');
  let from: StateStore;
  let to: StateStore;

  beforeAll(async () => {
    from = createSqliteStateStore({ path: ':memory:' });
    to = createPostgresStateStore({ connectionString: TEST_DATABASE_URL, schema });
    await from.migrate();
    const links = Array.from({ length: 1234 }, (_, i) => aLink(i));
    for (let i = 0; i < links.length; i += 200)
      await from.commit(a, { upsertLinks: links.slice(i, i + 200) });
    for (let i = 1; i <= 7; i++)
      await from.commit(a, { ownEtags: [{ propstreetId: 'ps-1', etag: `v${i}` }] });
    await from.commit(a, {
      ownEtags: [{ propstreetId: 'ps-2', etag: 'w1' }],
      upsertFailures: [aFailure('x'), aFailure('y', { side: 'crm', quarantined: true })],
      checkpoints: { propstreet: 'cp-ps', crm: 'cp-crm' },
    });
    await from.startRun(a, { id: 'r1', startedAt: '2024-05-01T10:00:00.000Z', dryRun: false });
    await from.finishRun(a, 'r1', {
      finishedAt: '2024-05-01T10:01:00.000Z',
      status: 'ok',
      summary: { n: 1 },
    });
    await from.startRun(a, { id: 'r2', startedAt: '2024-05-01T11:00:00.000Z', dryRun: true });
    await from.commit(b, { upsertLinks: [aLink(1, { crmId: '003XYZ' })], checkpoints: { crm: 'sf' } });
    await from.setMeta(b, 'bound-to', '{"crm":"portal 42"}');
    await from.commit(b, {
      upsertTombstones: [aTombstone(7), aTombstone(8, { relinkedAt: '2024-05-09T00:00:00.000Z' })],
      replaceConflicts: [{ propstreetId: 'ps-1', conflicts: [aConflict(1, 'email'), aConflict(1, 'phone')] }],
    });
    await from.resolveConflict(
      b,
      { propstreetId: 'ps-1', field: 'phone' },
      { take: 'value', value: '+46 8 1', at: '2024-05-09T00:00:00.000Z' },
    );
  });
  afterAll(async () => {
    await from?.close();
    await to?.close();
    await dropSchema(schema);
  });

  it('copies every scope with equal counts and content', async () => {
    const result = await migrateState(from, to, undefined, { pageSize: 100 });
    expect(result).toEqual({ scopes: 2, links: 1235, failures: 2, checkpoints: 3, runs: 2, ownEtags: 6 });
    expect(await to.countLinks(a)).toBe(1234);
    expect(await to.listLinks(a, { after: 'ps-500', limit: 50 })).toEqual(
      await from.listLinks(a, { after: 'ps-500', limit: 50 }),
    );
    expect(await to.linksByCrmIds(b, ['003XYZ'])).toEqual([aLink(1, { crmId: '003XYZ' })]);
    expect(await to.listFailures(a)).toEqual(await from.listFailures(a));
    expect(await to.listRuns(a, 10)).toEqual(await from.listRuns(a, 10));
    expect(await to.listOwnEtags(a, { limit: 10 })).toEqual(await from.listOwnEtags(a, { limit: 10 }));
    expect(await to.getCheckpoint(b, 'crm')).toBe('sf');
    expect(await to.listMeta(b)).toEqual([{ key: 'bound-to', value: '{"crm":"portal 42"}' }]);
    expect(await to.listTombstones(b, { limit: 10 })).toEqual(await from.listTombstones(b, { limit: 10 }));
    expect(await to.listConflicts(b, { limit: 10 })).toEqual(await from.listConflicts(b, { limit: 10 }));
    expect((await to.listConflicts(b, { limit: 10, resolved: true })).map((c) => c.field)).toEqual(['phone']);
    expect(await to.listScopes()).toEqual(expect.arrayContaining([a, b]));
  });

  it('is idempotent when run again', async () => {
    const again = await migrateState(from, to, [a, b]);
    expect(again).toMatchObject({ scopes: 2, links: 1235, failures: 2, checkpoints: 3 });
    expect(await to.countLinks(a)).toBe(1234);
    expect(await to.listRuns(a, 10)).toHaveLength(2);
    expect(await to.listOwnEtags(a, { limit: 10 })).toEqual(await from.listOwnEtags(a, { limit: 10 }));
  });

  it('refuses to copy a scope a sync is running on, and releases its own lock', async () => {
    expect(await from.acquireLock(b, 'live-run', 60_000)).toBe(true);
    await expect(migrateState(from, to, [b])).rejects.toMatchObject({ code: 'LOCKED' });
    await from.releaseLock(b, 'live-run');
    await migrateState(from, to, [b]);
    expect(await from.acquireLock(b, 'next-run', 60_000)).toBe(true);
    await from.releaseLock(b, 'next-run');
  });

  it('reports a target that does not match the source', async () => {
    await to.commit(b, { upsertLinks: [aLink('extra')] });
    await expect(migrateState(from, to, [b])).rejects.toMatchObject({ code: 'STATE' });
  });

  it('refuses a scope a sync is running on in the target, and releases the source’s lock', async () => {
    expect(await to.acquireLock(b, 'live-run-on-target', 60_000)).toBe(true);
    await expect(migrateState(from, to, [b])).rejects.toMatchObject({
      code: 'LOCKED',
      message: expect.stringContaining('on the target'),
    });
    await to.releaseLock(b, 'live-run-on-target');
    expect(await from.acquireLock(b, 'next-run', 60_000)).toBe(true);
    await from.releaseLock(b, 'next-run');
  });

  it('refuses to copy over a target synced on since: its newer shadows and checkpoints stay', async () => {
    // The tenant moved to the target and ran there; then someone copies the old source again.
    await to.startRun(a, { id: 'r3-on-target', startedAt: '2024-06-01T10:00:00.000Z', dryRun: false });
    const newer = aLink(5, { shadow: { email: 'moved-on@example.com', phone: null, name: 'Åsa' } });
    await to.commit(a, { upsertLinks: [newer], checkpoints: { propstreet: 'cp-ps-newer' } });

    await expect(migrateState(from, to, [a])).rejects.toMatchObject({
      code: 'STATE',
      message: expect.stringMatching(/holds 1 run\(s\) the source does not \(the newest r3-on-target/),
    });
    expect(await to.linksByPropstreetIds(a, ['ps-5'])).toEqual([newer]);
    expect(await to.getCheckpoint(a, 'propstreet')).toBe('cp-ps-newer');
    // Both locks released.
    for (const store of [from, to]) {
      expect(await store.acquireLock(a, 'next-run', 60_000)).toBe(true);
      await store.releaseLock(a, 'next-run');
    }
  });
});
