/**
 * The ref outbox on both stores: queued in the commit that records the link, read across a
 * tenant's connections in record order (one write carries every namespace), removed only for
 * the CRM id it carries, deferred with its error, gone with its link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingRef, Scope, StateStore } from '../../src/state/port.js';
import { createPostgresStateStore } from '../../src/state/postgres-store.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { aLink, newScope } from '../contract/state-store.contract.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from './pg-test-db.js';

const AT = '2024-05-01T10:00:00.000Z';
const LATER = '2024-05-01T11:00:00.000Z';

function aRef(n: number, namespace = 'hubspot', over: Partial<PendingRef> = {}): PendingRef {
  return {
    propstreetId: `ps-${n}`,
    crmId: `crm-${n}`,
    namespace,
    etag: `W/"etag-${n}"`,
    refs: [{ namespace: 'other', id: 'x-1' }],
    enqueuedAt: AT,
    attempts: 0,
    lastError: null,
    ...over,
  };
}

const pgSchema = testSchemaName('outbox');
const stores: [string, () => StateStore, () => Promise<void>][] = [
  ['sqlite', () => createSqliteStateStore({ path: ':memory:' }), async () => undefined],
  [
    'postgres',
    () => createPostgresStateStore({ connectionString: TEST_DATABASE_URL, schema: pgSchema }),
    () => dropSchema(pgSchema),
  ],
];

describe.each(stores)('ref outbox on %s', (_name, open, cleanup) => {
  let store: StateStore;
  beforeAll(async () => {
    store = open();
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  const scopes = (): [Scope, Scope] => {
    const hub = newScope('hubspot');
    return [hub, { ...hub, connection: 'salesforce' }];
  };

  it('queues a write-back with its link, and reads a record’s rows of every connection together', async () => {
    const [hub, sf] = scopes();
    await store.commit(hub, { upsertLinks: [aLink(1), aLink(2)], enqueueRefs: [aRef(1), aRef(2)] });
    await store.commit(sf, { upsertLinks: [aLink(1)], enqueueRefs: [aRef(1, 'salesforce')] });
    // Another kind of the same tenant is not mixed in.
    await store.commit({ ...hub, kind: 'companies' }, { enqueueRefs: [aRef(1)] });
    const queued = await store.queuedRefs(hub, { dueBy: AT, limit: 10 });
    expect(queued.map((r) => `${r.propstreetId}/${r.connection}/${r.namespace}`)).toEqual([
      'ps-1/hubspot/hubspot',
      'ps-1/salesforce/salesforce',
      'ps-2/hubspot/hubspot',
    ]);
    expect(queued[0]).toEqual({
      ...aRef(1),
      connection: 'hubspot',
      link: { crmId: 'crm-1', propstreetEtag: 'W/"etag-1"' },
    });
    expect((await store.queuedRefs(hub, { dueBy: AT, after: 'ps-1', limit: 10 })).length).toBe(1);
    expect(await store.refBacklog(hub)).toEqual({ pending: 2, failing: 0 });
    expect(await store.refBacklog(sf)).toEqual({ pending: 1, failing: 0 });
    expect(await store.listScopes()).toEqual(expect.arrayContaining([{ ...hub, kind: 'companies' }]));
  });

  it('reads each row with its own scope’s link as stored now: moved, ended or never made', async () => {
    const [hub, sf] = scopes();
    await store.commit(hub, {
      upsertLinks: [aLink(1), aLink(2), aLink(3)],
      enqueueRefs: [aRef(1), aRef(2), aRef(3), aRef(4)],
    });
    // The other connection's link of the same record is not this row's.
    await store.commit(sf, {
      upsertLinks: [aLink(1, { crmId: 'sf-1', propstreetEtag: 'W/"sf"' })],
      enqueueRefs: [aRef(1, 'salesforce', { crmId: 'sf-1' })],
    });
    // Moved to another CRM record (its row still carries crm-2), its etag moved by a run.
    await store.commit(hub, { upsertLinks: [aLink(2, { crmId: 'crm-7', propstreetEtag: null })] });
    // Ended: a link's end takes its row along, so a row without a link is one queued without one.
    const queued = await store.queuedRefs(hub, { dueBy: AT, limit: 10 });
    expect(queued.map((r) => [r.propstreetId, r.connection, r.crmId, r.link])).toEqual([
      ['ps-1', 'hubspot', 'crm-1', { crmId: 'crm-1', propstreetEtag: 'W/"etag-1"' }],
      ['ps-1', 'salesforce', 'sf-1', { crmId: 'sf-1', propstreetEtag: 'W/"sf"' }],
      ['ps-2', 'hubspot', 'crm-2', { crmId: 'crm-7', propstreetEtag: null }],
      ['ps-3', 'hubspot', 'crm-3', { crmId: 'crm-3', propstreetEtag: 'W/"etag-3"' }],
      ['ps-4', 'hubspot', 'crm-4', null],
    ]);
    // After the cursor the same join holds.
    expect((await store.queuedRefs(hub, { dueBy: AT, after: 'ps-2', limit: 10 })).map((r) => r.link)).toEqual(
      [{ crmId: 'crm-3', propstreetEtag: 'W/"etag-3"' }, null],
    );
  });

  it('removes a row only for the CRM id it carries, and moves the link etag only if unchanged', async () => {
    const [hub] = scopes();
    await store.commit(hub, { upsertLinks: [aLink(1), aLink(2)], enqueueRefs: [aRef(1), aRef(2)] });
    await store.commit(hub, {
      ownEtags: [{ propstreetId: 'ps-1', etag: 'W/"mine"' }],
      refsDone: [
        { propstreetId: 'ps-1', crmId: 'crm-1', etag: 'W/"mine"', linkEtag: 'W/"etag-1"' },
        // A stale done (the link moved to another CRM record meanwhile) removes nothing.
        { propstreetId: 'ps-2', crmId: 'crm-other', etag: 'W/"x"', linkEtag: 'W/"etag-2"' },
      ],
    });
    expect((await store.queuedRefs(hub, { dueBy: AT, limit: 10 })).map((r) => r.propstreetId)).toEqual([
      'ps-2',
    ]);
    const links = await store.linksByPropstreetIds(hub, ['ps-1', 'ps-2']);
    expect(Object.fromEntries(links.map((l) => [l.propstreetId, l.propstreetEtag]))).toEqual({
      'ps-1': 'W/"mine"',
      'ps-2': 'W/"etag-2"',
    });
    // A run that moved the link's etag meanwhile keeps its own.
    await store.commit(hub, { enqueueRefs: [aRef(1)] });
    await store.commit(hub, { upsertLinks: [aLink(1, { propstreetEtag: 'W/"run"' })] });
    await store.commit(hub, {
      refsDone: [{ propstreetId: 'ps-1', crmId: 'crm-1', etag: 'W/"late"', linkEtag: 'W/"mine"' }],
    });
    expect((await store.linksByPropstreetIds(hub, ['ps-1']))[0]?.propstreetEtag).toBe('W/"run"');
  });

  it('defers a failed row with its error until it is due, and an ended link takes its row along', async () => {
    const [hub] = scopes();
    await store.commit(hub, { upsertLinks: [aLink(1), aLink(2)], enqueueRefs: [aRef(1), aRef(2)] });
    await store.commit(hub, {
      refsDeferred: [{ propstreetId: 'ps-1', attempts: 1, nextTryAt: LATER, lastError: '503 down' }],
    });
    expect((await store.queuedRefs(hub, { dueBy: AT, limit: 10 })).map((r) => r.propstreetId)).toEqual([
      'ps-2',
    ]);
    expect((await store.queuedRefs(hub, { dueBy: LATER, limit: 10 }))[0]).toMatchObject({
      propstreetId: 'ps-1',
      attempts: 1,
      lastError: '503 down',
    });
    expect(await store.refBacklog(hub)).toEqual({ pending: 2, failing: 1 });
    // Queued again (the record created again in the CRM): a fresh row, its failures forgotten.
    await store.commit(hub, { enqueueRefs: [aRef(1, 'hubspot', { crmId: 'crm-9' })] });
    expect((await store.queuedRefs(hub, { dueBy: AT, limit: 10 }))[0]).toMatchObject({
      crmId: 'crm-9',
      attempts: 0,
      lastError: null,
    });
    await store.commit(hub, { deleteLinks: ['ps-2'] });
    expect((await store.queuedRefs(hub, { dueBy: LATER, limit: 10 })).map((r) => r.propstreetId)).toEqual([
      'ps-1',
    ]);
  });

  it('a commit that fails leaves neither the link nor its write-back', async () => {
    const [hub] = scopes();
    await store.commit(hub, { upsertLinks: [aLink(1)] });
    // The second link claims ps-1's CRM id: the unique constraint fails the whole commit.
    const clash = store.commit(hub, {
      upsertLinks: [aLink(2, { crmId: 'crm-1' })],
      enqueueRefs: [aRef(2)],
    });
    await expect(clash).rejects.toThrow();
    expect(await store.refBacklog(hub)).toEqual({ pending: 0, failing: 0 });
    expect(await store.linksByPropstreetIds(hub, ['ps-2'])).toEqual([]);
  });
});

describe('migrate-state carries the ref outbox', () => {
  it('copies every connection’s pending write-backs, across page boundaries', async () => {
    const { migrateState } = await import('../../src/state/migrate-state.js');
    const from = createSqliteStateStore({ path: ':memory:' });
    const to = createSqliteStateStore({ path: ':memory:' });
    await from.migrate();
    const hub = newScope('hubspot');
    const sf = { ...hub, connection: 'salesforce' };
    const ids = Array.from({ length: 9 }, (_, i) => i);
    await from.commit(hub, { upsertLinks: ids.map((i) => aLink(i)), enqueueRefs: ids.map((i) => aRef(i)) });
    await from.commit(sf, {
      upsertLinks: ids.map((i) => aLink(i)),
      enqueueRefs: ids.filter((i) => i % 2 === 0).map((i) => aRef(i, 'salesforce')),
    });
    await migrateState(from, to, undefined, { pageSize: 2 });
    const all = { dueBy: AT, limit: 100 };
    expect(await to.queuedRefs(hub, all)).toEqual(await from.queuedRefs(hub, all));
    expect(await to.refBacklog(sf)).toEqual({ pending: 5, failing: 0 });
    await from.close();
    await to.close();
  });
});
