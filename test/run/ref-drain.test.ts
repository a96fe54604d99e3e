/**
 * The ref drainer on a real SQLite state store and a small in-memory Propstreet: the bridge's
 * two namespaces in one If-Match PATCH, a crash between the write and its commit that neither
 * loses nor repeats a write, a person's edit never written on top of, a failure that stays with
 * its row, links that ended taking their write-backs along, and no write-back while the run
 * reads Propstreet pages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { PreconditionFailedError, PropsyncError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import type { PropstreetRecords } from '../../src/engine/ports.js';
import type { ExternalRef, PropstreetRecord } from '../../src/engine/records.js';
import { RunAbort } from '../../src/engine/run-abort.js';
import type { KindWrites } from '../../src/run/kind-writes.js';
import { RefDrainer } from '../../src/run/ref-drain.js';
import type { Link, PendingRef, Scope, StateStore } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';

type Body = { externalRefs?: ExternalRef[] };

const writes = {
  withRefs: (body: Body, refs: ExternalRef[]) => ({ ...body, externalRefs: refs }),
  empty: () => ({}),
} as Pick<KindWrites<Body>, 'withRefs' | 'empty'> as KindWrites<Body>;

/** Propstreet contacts by id, with etags that move on every write, and a log of the PATCHes. */
class Propstreet implements Pick<PropstreetRecords<PropstreetRecord, Body>, 'get' | 'patch'> {
  readonly records = new Map<string, PropstreetRecord>();
  readonly patches: { id: string; refs: string[]; ifMatch: string | undefined }[] = [];
  private version = 0;
  failNext: Error | undefined;

  add(id: string): PropstreetRecord {
    const r: PropstreetRecord = { id, etag: `v${++this.version}`, externalRefs: [], updatedUtc: 'x' };
    this.records.set(id, r);
    return r;
  }
  edit(id: string): void {
    const r = this.records.get(id);
    if (r) this.records.set(id, { ...r, etag: `v${++this.version}` });
  }
  async get(id: string) {
    return this.records.get(id) ?? null;
  }
  async patch(id: string, body: Body, options: { ifMatch?: string | undefined }) {
    this.patches.push({
      id,
      refs: (body.externalRefs ?? []).map((r) => `${r.namespace}/${r.id}`),
      ifMatch: options.ifMatch,
    });
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    const r = this.records.get(id);
    if (!r) throw new PropsyncError('NOT_FOUND', 'gone');
    if (options.ifMatch !== undefined && options.ifMatch !== r.etag)
      throw new PreconditionFailedError('stale');
    const next = { ...r, etag: `v${++this.version}`, externalRefs: body.externalRefs ?? r.externalRefs };
    this.records.set(id, next);
    return next;
  }
}

const NOW = Date.parse('2024-05-01T10:00:00.000Z');
const clock: Clock = { now: () => new Date(NOW), sleep: async () => undefined };
const hub: Scope = { tenant: 'bridge', connection: 'hubspot', kind: 'contacts' };
const sf: Scope = { ...hub, connection: 'salesforce' };

let store: StateStore;
let ps: Propstreet;
beforeEach(async () => {
  store = await memoryStore();
  ps = new Propstreet();
});
afterEach(async () => store.close());

/** What a chunk commits for a record created in the CRM: its link and its queued write-back. */
async function created(scope: Scope, record: PropstreetRecord, crmId: string): Promise<void> {
  const link: Link = {
    propstreetId: record.id,
    crmId,
    shadow: {},
    propstreetEtag: record.etag ?? null,
    crmModifiedAt: null,
    updatedAt: new Date(NOW).toISOString(),
  };
  const ref: PendingRef = {
    propstreetId: record.id,
    crmId,
    namespace: scope.connection,
    etag: record.etag ?? null,
    refs: record.externalRefs,
    enqueuedAt: new Date(NOW).toISOString(),
    attempts: 0,
    lastError: null,
  };
  await store.commit(scope, { upsertLinks: [link], enqueueRefs: [ref] });
}

function drainer(propstreet: Pick<PropstreetRecords<PropstreetRecord, Body>, 'get' | 'patch'> = ps) {
  const abort = new RunAbort();
  const d = new RefDrainer({
    propstreet: propstreet as PropstreetRecords<PropstreetRecord, Body>,
    kind: { writes, noun: { one: 'contact' } },
    store,
    scope: hub,
    settings: { propstreetConcurrency: 2, retryBaseMs: 60_000, maxAttempts: 3 },
    clock,
    abort,
    redactor: new Redactor(),
  });
  return { d, abort, drain: () => d.finish(Number.POSITIVE_INFINITY) };
}

const refsOf = (id: string) =>
  ps.records
    .get(id)
    ?.externalRefs.map((r) => `${r.namespace}/${r.id}`)
    .sort();
const backlog = async () => (await store.refBacklog(hub)).pending + (await store.refBacklog(sf)).pending;

describe('ref drainer', () => {
  it('sends nothing while the run reads pages (hold), and drains once they are read (release)', async () => {
    for (let i = 0; i < 5; i++) await created(hub, ps.add(`ps-${i}`), `hs-${i}`);
    const { d } = drainer();
    d.hold();
    d.start();
    d.kick();
    // The drainer looks at its rows (store reads) and waits: no PATCH while the hold lasts.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(ps.patches).toHaveLength(0);
    d.release();
    await d.finish(Number.POSITIVE_INFINITY);
    expect(ps.patches).toHaveLength(5);
    expect(await backlog()).toBe(0);
  });

  it('the bridge: one PATCH per contact carries both connections’ namespaces, on the version they were made from', async () => {
    for (let i = 0; i < 30; i++) {
      const r = ps.add(`ps-${String(i).padStart(2, '0')}`);
      await created(hub, r, `hs-${i}`);
      await created(sf, r, `sf-${i}`);
    }
    await drainer().drain();
    expect(ps.patches).toHaveLength(30);
    expect(ps.patches[0]).toEqual({ id: 'ps-00', refs: ['hubspot/hs-0', 'salesforce/sf-0'], ifMatch: 'v1' });
    expect(refsOf('ps-29')).toEqual(['hubspot/hs-29', 'salesforce/sf-29']);
    expect(await backlog()).toBe(0);
    // The write's version is our own in both scopes (its echo writes nothing to either CRM).
    const etag = ps.records.get('ps-00')?.etag ?? '';
    for (const scope of [hub, sf]) {
      expect(await store.ownEtags(scope, [{ propstreetId: 'ps-00', etag }])).toEqual(new Set(['ps-00']));
      expect((await store.linksByPropstreetIds(scope, ['ps-00']))[0]?.propstreetEtag).toBe(etag);
    }
  });

  it('a crash after the write and before its commit: the rerun finds the ref there and writes nothing', async () => {
    const r = ps.add('ps-1');
    await created(hub, r, 'hs-1');
    // The write lands, then the process dies before the drainer commits it.
    const dying = {
      get: (id: string) => ps.get(id),
      patch: async (id: string, body: Body, o: { ifMatch?: string | undefined }) => {
        await ps.patch(id, body, o);
        throw new PropsyncError('INTERNAL', 'killed');
      },
    };
    await drainer(dying).drain();
    expect(refsOf('ps-1')).toEqual(['hubspot/hs-1']);
    expect(await backlog()).toBe(1);
    ps.patches.length = 0;
    await drainer().drain();
    // One attempt on the old version (412), a read, no second write.
    expect(ps.patches).toEqual([{ id: 'ps-1', refs: ['hubspot/hs-1'], ifMatch: 'v1' }]);
    expect(refsOf('ps-1')).toEqual(['hubspot/hs-1']);
    expect(await backlog()).toBe(0);
  });

  it("a person's edit is not written on top of until the run synced it; then the ref goes on that version", async () => {
    const r = ps.add('ps-1');
    await created(hub, r, 'hs-1');
    ps.edit('ps-1');
    await drainer().drain();
    expect(ps.patches.map((p) => p.ifMatch)).toEqual(['v1']);
    expect(refsOf('ps-1')).toEqual([]);
    expect(await backlog()).toBe(1);
    // The connection's next run merges the edit: its link now holds that version.
    const link = (await store.linksByPropstreetIds(hub, ['ps-1']))[0] as Link;
    await store.commit(hub, { upsertLinks: [{ ...link, propstreetEtag: 'v2' }] });
    await drainer().drain();
    expect(ps.patches.map((p) => p.ifMatch)).toEqual(['v1', 'v1', 'v2']);
    expect(refsOf('ps-1')).toEqual(['hubspot/hs-1']);
    expect(await backlog()).toBe(0);
  });

  it('a failing write stays with its row (attempts, error) while the others are written; a link that ended takes its row', async () => {
    await created(hub, ps.add('ps-1'), 'hs-1');
    await created(hub, ps.add('ps-2'), 'hs-2');
    await created(hub, ps.add('ps-3'), 'hs-3');
    await store.commit(hub, { deleteLinks: ['ps-3'] });
    ps.failNext = new PropsyncError('CONFLICT', 'Service Unavailable');
    const { d, drain } = drainer();
    await drain();
    expect(d.failures.map((f) => f.recordId)).toEqual(['ps-1']);
    expect(refsOf('ps-2')).toEqual(['hubspot/hs-2']);
    const [left] = await store.queuedRefs(hub, { dueBy: new Date(NOW).toISOString(), limit: 10 });
    expect(left).toMatchObject({
      propstreetId: 'ps-1',
      attempts: 1,
      lastError: expect.stringContaining('Unavailable'),
    });
    // Not tried twice in one run; the next run writes it.
    expect(ps.patches.filter((p) => p.id === 'ps-1')).toHaveLength(1);
    await drainer().drain();
    expect(refsOf('ps-1')).toEqual(['hubspot/hs-1']);
    expect(ps.patches.some((p) => p.id === 'ps-3')).toBe(false);
    expect(await backlog()).toBe(0);
  });

  it('a row whose link moved to another CRM record, or that has none, goes unwritten; the record’s other rows are written', async () => {
    const r = ps.add('ps-1');
    await created(hub, r, 'hs-1');
    await created(sf, r, 'sf-1');
    // The HubSpot link now points at another CRM record: its queued hs-1 is not wanted any more.
    await store.commit(hub, {
      upsertLinks: [{ ...(await store.linksByPropstreetIds(hub, ['ps-1']))[0]!, crmId: 'hs-9' }],
    });
    // A row queued with no link of its scope at all.
    await store.commit(hub, {
      enqueueRefs: [
        {
          propstreetId: ps.add('ps-2').id,
          crmId: 'hs-2',
          namespace: 'hubspot',
          etag: 'v2',
          refs: [],
          enqueuedAt: new Date(NOW).toISOString(),
          attempts: 0,
          lastError: null,
        },
      ],
    });
    const { d, drain } = drainer();
    await drain();
    expect(d.failures).toEqual([]);
    // Neither hs-1 nor ps-2 is ever sent.
    // Once: the dropped row's commit does not free ps-1 while its write is in flight.
    expect(ps.patches.map((p) => `${p.id} ${p.refs.join(',')}`)).toEqual(['ps-1 salesforce/sf-1']);
    expect(refsOf('ps-1')).toEqual(['salesforce/sf-1']);
    expect(await backlog()).toBe(0);
    // The moved link keeps its etag: only a verified write moves it.
    expect((await store.linksByPropstreetIds(hub, ['ps-1']))[0]).toMatchObject({
      crmId: 'hs-9',
      propstreetEtag: 'v1',
    });
  });

  it('a contact deleted in Propstreet since: its write-back goes without a failure', async () => {
    await created(hub, ps.add('ps-1'), 'hs-1');
    ps.records.delete('ps-1');
    const { d, drain } = drainer();
    await drain();
    expect(d.failures).toEqual([]);
    expect(await backlog()).toBe(0);
  });

  it('stops at its deadline and leaves the rest queued', async () => {
    for (let i = 0; i < 5; i++) await created(hub, ps.add(`ps-${i}`), `hs-${i}`);
    const { d } = drainer();
    await d.finish(NOW);
    expect(ps.patches).toHaveLength(0);
    expect(await backlog()).toBe(5);
  });
});
