/**
 * The conformance suite every StateStore must pass. One store per suite; every test works
 * in its own fresh scope, so tests are independent and the store can be shared.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Failure, Link, OpenConflict, Scope, StateStore, Tombstone } from '../../src/state/port.js';
import { clockPast } from '../support/clock-past.js';

export function newScope(
  connection = 'hubspot',
  tenant = `t-${randomUUID().slice(0, 8)}`,
  kind = 'contacts',
): Scope {
  return { tenant, connection, kind };
}

export function aLink(n: number | string, over: Partial<Link> = {}): Link {
  return {
    propstreetId: `ps-${n}`,
    crmId: `crm-${n}`,
    shadow: { email: `p${n}@example.com`, phone: null, name: 'Åsa Öberg 北京 👋' },
    propstreetEtag: `W/"etag-${n}"`,
    crmModifiedAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:01.000Z',
    ...over,
  };
}

export function aFailure(recordId: string, over: Partial<Failure> = {}): Failure {
  return {
    side: 'propstreet',
    recordId,
    attempts: 1,
    lastError: 'VALIDATION: email is invalid',
    nextRetryAt: '2024-05-01T10:00:00.000Z',
    quarantined: false,
    firstFailedAt: '2024-05-01T09:00:00.000Z',
    ...over,
  };
}

export function aTombstone(n: number | string, over: Partial<Tombstone> = {}): Tombstone {
  return {
    propstreetId: `ps-${n}`,
    crmId: `crm-${n}`,
    reason: 'deleted in the CRM (policy unlink)',
    endedAt: `2024-05-0${Number(n) % 9 || 1}T10:00:00.000Z`,
    relinkedAt: null,
    ...over,
  };
}

export function aConflict(n: number | string, field: string, over: Partial<OpenConflict> = {}) {
  return {
    propstreetId: `ps-${n}`,
    crmId: `crm-${n}`,
    field,
    propstreet: 'Åsa',
    crm: 'Asa',
    shadow: null,
    since: '2024-05-01T10:00:00.000Z',
    ...over,
  };
}

const byPs = (a: Link, b: Link) => (a.propstreetId < b.propstreetId ? -1 : 1);
const sorted = (links: Link[]) => [...links].sort(byPs);

export function describeStateStoreContract(
  name: string,
  factory: () => Promise<StateStore>,
  cleanup?: () => Promise<void>,
): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    beforeAll(async () => {
      store = await factory();
      await store.migrate();
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('migrate is harmless to repeat and keeps data', async () => {
      const scope = newScope();
      await store.commit(scope, { upsertLinks: [aLink(1)] });
      await store.migrate();
      await store.migrate();
      expect(await store.countLinks(scope)).toBe(1);
    });

    it('round-trips links, shadows with nulls and unicode, looked up both ways', async () => {
      const scope = newScope();
      const bare = aLink(2, { shadow: null, propstreetEtag: null, crmModifiedAt: null });
      const odd = aLink('ü/"\'; DROP TABLE links;--', {
        shadow: { quote: `"'\\`, empty: '', nul: 'a\u0000b' },
      });
      await store.commit(scope, { upsertLinks: [aLink(1), bare, odd] });
      expect(
        sorted(await store.linksByPropstreetIds(scope, ['ps-1', 'ps-2', odd.propstreetId, 'nope'])),
      ).toEqual(sorted([aLink(1), bare, odd]));
      expect(await store.linksByCrmIds(scope, ['crm-2', 'nope'])).toEqual([bare]);
      expect(await store.linksByPropstreetIds(scope, [])).toEqual([]);
      expect(await store.linksByCrmIds(scope, [])).toEqual([]);
    });

    it('upserting a link replaces it', async () => {
      const scope = newScope();
      await store.commit(scope, { upsertLinks: [aLink(1)] });
      const changed = aLink(1, {
        crmId: 'crm-9',
        shadow: { email: null },
        updatedAt: '2024-06-01T00:00:00.000Z',
      });
      await store.commit(scope, { upsertLinks: [changed] });
      expect(await store.linksByPropstreetIds(scope, ['ps-1'])).toEqual([changed]);
      expect(await store.linksByCrmIds(scope, ['crm-1'])).toEqual([]);
      expect(await store.countLinks(scope)).toBe(1);
    });

    it('pages links in Propstreet-id order and counts them', async () => {
      const scope = newScope();
      const ids = ['m', 'a', 'Z', 'b10', 'b2', 'é', '0', 'zz', 'b1', 'A'];
      await store.commit(scope, { upsertLinks: ids.map((id) => aLink(id)) });
      const seen: string[] = [];
      let after: string | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = await store.listLinks(scope, { ...(after === undefined ? {} : { after }), limit: 3 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        seen.push(...page.map((l) => l.propstreetId));
        after = page.at(-1)?.propstreetId;
      }
      const byteOrder = ids
        .map((id) => `ps-${id}`)
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(seen).toEqual(byteOrder);
      expect(await store.countLinks(scope)).toBe(ids.length);
      expect(await store.countLinks(newScope())).toBe(0);
    });

    it('looks up hundreds of ids per call', async () => {
      const scope = newScope();
      const all = Array.from({ length: 1200 }, (_, i) => aLink(i));
      for (let i = 0; i < all.length; i += 200)
        await store.commit(scope, { upsertLinks: all.slice(i, i + 200) });
      const wanted = all.filter((_, i) => i % 2 === 0).slice(0, 550);
      const found = await store.linksByPropstreetIds(scope, [...wanted.map((l) => l.propstreetId), 'ps-x']);
      expect(sorted(found)).toEqual(sorted(wanted));
      expect(
        await store.linksByCrmIds(
          scope,
          wanted.map((l) => l.crmId),
        ),
      ).toHaveLength(550);
      expect(await store.countLinks(scope)).toBe(1200);
    });

    it('deletes links by Propstreet id', async () => {
      const scope = newScope();
      await store.commit(scope, { upsertLinks: [aLink(1), aLink(2), aLink(3)] });
      await store.commit(scope, { deleteLinks: ['ps-1', 'ps-3', 'ps-unknown'] });
      expect(await store.linksByCrmIds(scope, ['crm-1', 'crm-2', 'crm-3'])).toEqual([aLink(2)]);
      expect(await store.countLinks(scope)).toBe(1);
    });

    it('moves a CRM id to another contact within one commit (deletes apply first)', async () => {
      const scope = newScope();
      await store.commit(scope, { upsertLinks: [aLink(1)] });
      await store.commit(scope, { deleteLinks: ['ps-1'], upsertLinks: [aLink(2, { crmId: 'crm-1' })] });
      expect(await store.linksByCrmIds(scope, ['crm-1'])).toEqual([aLink(2, { crmId: 'crm-1' })]);
    });

    it('knows only its own etags, per contact, answering with Propstreet ids', async () => {
      const scope = newScope();
      const mine = [
        { propstreetId: 'ps-1', etag: 'e1' },
        { propstreetId: 'ps-1', etag: 'e2' },
        { propstreetId: 'ps-2', etag: 'e3' },
      ];
      await store.commit(scope, { ownEtags: mine });
      await store.commit(scope, { ownEtags: [mine[0]!] });
      const own = (propstreetId: string, etag: string) => store.ownEtags(scope, [{ propstreetId, etag }]);
      expect(await own('ps-1', 'e2')).toEqual(new Set(['ps-1']));
      expect(await own('ps-1', 'e9')).toEqual(new Set());
      // Our etag on another contact is not our write to this one.
      expect(await own('ps-3', 'e2')).toEqual(new Set());
      const asked = [
        { propstreetId: 'ps-1', etag: 'e9' },
        mine[2]!,
        { propstreetId: 'ps-3', etag: 'e1' },
        mine[0]!,
      ];
      expect(await store.ownEtags(scope, asked)).toEqual(new Set(['ps-1', 'ps-2']));
      expect(await store.ownEtags(scope, [])).toEqual(new Set());

      for (let i = 1; i <= 12; i++)
        await store.commit(scope, { ownEtags: [{ propstreetId: 'ps-9', etag: `v${i}` }] });
      await store.commit(scope, {
        ownEtags: Array.from({ length: 8 }, (_, i) => ({ propstreetId: 'ps-9', etag: `v${13 + i}` })),
      });
      for (const recent of ['v20', 'v19', 'v18'])
        expect(await own('ps-9', recent)).toEqual(new Set(['ps-9']));
      expect(await own('ps-9', 'v1')).toEqual(new Set());
      const kept = (await store.listOwnEtags(scope, { after: 'ps-8', limit: 1 }))[0]?.etags ?? [];
      expect(kept.length).toBeLessThan(20);
      expect(kept.slice(-3)).toEqual(['v18', 'v19', 'v20']);
    });

    it('lists own etags by contact, oldest first, paged', async () => {
      const scope = newScope();
      await store.commit(scope, { ownEtags: [{ propstreetId: 'ps-b', etag: 'b1' }] });
      await store.commit(scope, { ownEtags: [{ propstreetId: 'ps-a', etag: 'a1' }] });
      await store.commit(scope, { ownEtags: [{ propstreetId: 'ps-b', etag: 'b0' }] });
      await store.commit(scope, { ownEtags: [{ propstreetId: 'ps-c', etag: 'c1' }] });
      const first = await store.listOwnEtags(scope, { limit: 2 });
      expect(first).toEqual([
        { propstreetId: 'ps-a', etags: ['a1'] },
        { propstreetId: 'ps-b', etags: ['b1', 'b0'] },
      ]);
      expect(await store.listOwnEtags(scope, { after: 'ps-b', limit: 2 })).toEqual([
        { propstreetId: 'ps-c', etags: ['c1'] },
      ]);
      expect(await store.listOwnEtags(scope, { after: 'ps-c', limit: 2 })).toEqual([]);
    });

    it('keeps one checkpoint per side', async () => {
      const scope = newScope();
      expect(await store.getCheckpoint(scope, 'propstreet')).toBeNull();
      await store.commit(scope, { checkpoints: { propstreet: '2024-05-01T10:00:00Z' } });
      expect(await store.getCheckpoint(scope, 'propstreet')).toBe('2024-05-01T10:00:00Z');
      expect(await store.getCheckpoint(scope, 'crm')).toBeNull();
      await store.commit(scope, { checkpoints: { crm: 'cursor:abc' } });
      await store.commit(scope, { checkpoints: { propstreet: '2024-05-02T00:00:00Z' } });
      expect(await store.getCheckpoint(scope, 'propstreet')).toBe('2024-05-02T00:00:00Z');
      expect(await store.getCheckpoint(scope, 'crm')).toBe('cursor:abc');
    });

    it('upserts, filters and clears failures', async () => {
      const scope = newScope();
      const a = aFailure('a', { nextRetryAt: '2024-05-01T10:00:00.000Z' });
      const b = aFailure('b', { side: 'crm', nextRetryAt: '2024-05-01T12:00:00.000Z' });
      const c = aFailure('c', { side: 'crm', quarantined: true, nextRetryAt: '2024-05-01T09:00:00.000Z' });
      const sameIdOtherSide = aFailure('a', { side: 'crm', nextRetryAt: '2024-05-01T13:00:00.000Z' });
      await store.commit(scope, { upsertFailures: [a, b, c, sameIdOtherSide] });
      expect(await store.listFailures(scope)).toEqual([c, a, b, sameIdOtherSide]);
      // A differently written instant compares as a time, not as text.
      expect(await store.listFailures(scope, { dueBy: '2024-05-01T11:00:00Z' })).toEqual([c, a]);
      expect(await store.listFailures(scope, { dueBy: '2024-05-01T11:00:00Z', quarantined: false })).toEqual([
        a,
      ]);
      expect(await store.listFailures(scope, { quarantined: true })).toEqual([c]);

      const again = { ...a, attempts: 2, lastError: 'still bad', nextRetryAt: '2024-05-01T14:00:00.000Z' };
      await store.commit(scope, { upsertFailures: [again], clearFailures: [{ side: 'crm', recordId: 'b' }] });
      expect(await store.listFailures(scope)).toEqual([c, sameIdOtherSide, again]);
      await store.commit(scope, { clearFailures: [{ side: 'propstreet', recordId: 'a' }] });
      expect(await store.listFailures(scope, { quarantined: false })).toEqual([sameIdOtherSide]);
    });

    it('logs runs, newest first', async () => {
      const scope = newScope();
      await store.startRun(scope, { id: 'r2', startedAt: '2024-05-01T11:00:00.000Z', dryRun: false });
      await store.startRun(scope, { id: 'r3', startedAt: '2024-05-01T12:00:00.000Z', dryRun: true });
      await store.startRun(scope, { id: 'r1', startedAt: '2024-05-01T10:00:00.000Z', dryRun: false });
      const summary = { created: 3, errors: ['x'], nested: { ok: null } };
      await store.finishRun(scope, 'r2', {
        finishedAt: '2024-05-01T11:05:00.000Z',
        status: 'partial',
        summary,
      });
      const runs = await store.listRuns(scope, 10);
      expect(runs.map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
      expect(runs[0]).toEqual({
        id: 'r3',
        startedAt: '2024-05-01T12:00:00.000Z',
        finishedAt: null,
        dryRun: true,
        status: 'running',
        summary: null,
      });
      expect(runs[1]).toMatchObject({ finishedAt: '2024-05-01T11:05:00.000Z', status: 'partial', summary });
      expect((await store.listRuns(scope, 2)).map((r) => r.id)).toEqual(['r3', 'r2']);
      // Starting the same run again (a retry, a migration rerun) changes nothing.
      await store.startRun(scope, { id: 'r2', startedAt: '2024-05-01T11:00:00.000Z', dryRun: false });
      expect((await store.listRuns(scope, 10))[1]).toMatchObject({ id: 'r2', status: 'partial' });
      await expect(
        store.finishRun(scope, 'nope', { finishedAt: '2024-05-01T11:00:00.000Z', status: 'ok', summary: {} }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('applies a commit all or nothing', async () => {
      const scope = newScope();
      const broken = {
        upsertLinks: [aLink(1), aLink(2, { crmId: 'crm-1' })],
        ownEtags: [{ propstreetId: 'ps-1', etag: 'e1' }],
        upsertFailures: [aFailure('f')],
        checkpoints: { propstreet: 'cp-1' },
      };
      await expect(store.commit(scope, broken)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store.countLinks(scope)).toBe(0);
      expect(await store.ownEtags(scope, broken.ownEtags)).toEqual(new Set());
      expect(await store.listFailures(scope)).toEqual([]);
      expect(await store.getCheckpoint(scope, 'propstreet')).toBeNull();

      await store.commit(scope, { upsertLinks: [aLink(1)], checkpoints: { crm: 'cp-0' } });
      const clash = { upsertLinks: [aLink(4), aLink(5, { crmId: 'crm-1' })], checkpoints: { crm: 'cp-2' } };
      await expect(store.commit(scope, clash)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store.linksByPropstreetIds(scope, ['ps-1', 'ps-4', 'ps-5'])).toEqual([aLink(1)]);
      expect(await store.getCheckpoint(scope, 'crm')).toBe('cp-0');
    });

    it('isolates scopes: same ids, separate state', async () => {
      const a = newScope('hubspot');
      const b = newScope('hubspot');
      const sameTenantOtherCrm = newScope('salesforce', a.tenant);
      const linkA = aLink(1, { shadow: { owner: 'A' } });
      const linkB = aLink(1, { shadow: { owner: 'B' } });
      await store.commit(a, {
        upsertLinks: [linkA],
        ownEtags: [{ propstreetId: 'ps-1', etag: 'e1' }],
        checkpoints: { propstreet: 'cp-A', crm: 'crm-A' },
        upsertFailures: [aFailure('f1')],
      });
      await store.commit(b, { upsertLinks: [linkB], checkpoints: { propstreet: 'cp-B' } });
      await store.startRun(a, { id: 'run-1', startedAt: '2024-05-01T10:00:00.000Z', dryRun: false });
      await store.startRun(b, { id: 'run-1', startedAt: '2024-05-02T10:00:00.000Z', dryRun: true });

      for (const [scope, link] of [
        [a, linkA],
        [b, linkB],
      ] as const) {
        expect(await store.linksByPropstreetIds(scope, ['ps-1'])).toEqual([link]);
        expect(await store.linksByCrmIds(scope, ['crm-1'])).toEqual([link]);
        expect(await store.listLinks(scope, { limit: 10 })).toEqual([link]);
      }
      expect(await store.ownEtags(a, [{ propstreetId: 'ps-1', etag: 'e1' }])).toEqual(new Set(['ps-1']));
      expect(await store.ownEtags(b, [{ propstreetId: 'ps-1', etag: 'e1' }])).toEqual(new Set());
      expect(await store.listOwnEtags(b, { limit: 10 })).toEqual([]);
      expect(await store.getCheckpoint(b, 'propstreet')).toBe('cp-B');
      expect(await store.getCheckpoint(b, 'crm')).toBeNull();
      expect(await store.listFailures(b)).toEqual([]);
      expect((await store.listRuns(a, 10)).map((r) => r.dryRun)).toEqual([false]);
      expect((await store.listRuns(b, 10)).map((r) => r.dryRun)).toEqual([true]);

      expect(await store.countLinks(sameTenantOtherCrm)).toBe(0);
      expect(await store.getCheckpoint(sameTenantOtherCrm, 'propstreet')).toBeNull();
      expect(await store.listRuns(sameTenantOtherCrm, 10)).toEqual([]);

      await store.commit(b, {
        deleteLinks: ['ps-1'],
        clearFailures: [{ side: 'propstreet', recordId: 'f1' }],
      });
      expect(await store.countLinks(a)).toBe(1);
      expect(await store.listFailures(a)).toHaveLength(1);

      expect(await store.acquireLock(a, 'worker-a', 60_000)).toBe(true);
      expect(await store.acquireLock(b, 'worker-b', 60_000)).toBe(true);
      expect(await store.acquireLock(sameTenantOtherCrm, 'worker-c', 60_000)).toBe(true);
    });

    it('keeps the object kinds of one connection apart: links, checkpoints, failures, runs, locks, facts', async () => {
      const contacts = newScope('hubspot');
      const companies = newScope('hubspot', contacts.tenant, 'companies');
      await store.commit(contacts, {
        upsertLinks: [aLink(1, { shadow: { kind: 'contact' } })],
        checkpoints: { propstreet: 'cp-contacts' },
        upsertFailures: [aFailure('f1')],
        upsertTombstones: [aTombstone(1)],
      });
      await store.commit(companies, {
        upsertLinks: [aLink(1, { shadow: { kind: 'company' } })],
        checkpoints: { propstreet: 'cp-companies' },
      });
      await store.startRun(companies, { id: 'run-1', startedAt: '2024-05-01T10:00:00.000Z', dryRun: false });
      await store.setMeta(companies, 'key-field', 'checked');

      expect((await store.linksByPropstreetIds(contacts, ['ps-1']))[0]?.shadow).toEqual({ kind: 'contact' });
      expect((await store.linksByPropstreetIds(companies, ['ps-1']))[0]?.shadow).toEqual({ kind: 'company' });
      expect(await store.getCheckpoint(contacts, 'propstreet')).toBe('cp-contacts');
      expect(await store.getCheckpoint(companies, 'propstreet')).toBe('cp-companies');
      expect(await store.listFailures(companies)).toEqual([]);
      expect(await store.countTombstones(companies)).toBe(0);
      expect(await store.listRuns(contacts, 10)).toEqual([]);
      expect(await store.getMeta(contacts, 'key-field')).toBeNull();
      expect(await store.acquireLock(contacts, 'run-contacts', 60_000)).toBe(true);
      expect(await store.acquireLock(companies, 'run-companies', 60_000)).toBe(true);
      expect(await store.listScopes()).toEqual(expect.arrayContaining([companies, contacts]));
    });

    it('locks a scope for one live owner at a time', async () => {
      const scope = newScope();
      expect(await store.acquireLock(scope, 'one', 60_000)).toBe(true);
      expect(await store.acquireLock(scope, 'two', 60_000)).toBe(false);
      expect(await store.acquireLock(scope, 'one', 60_000)).toBe(true);
      await store.releaseLock(scope, 'two');
      expect(await store.acquireLock(scope, 'two', 60_000)).toBe(false);
      await store.releaseLock(scope, 'one');
      expect(await store.acquireLock(scope, 'two', 60_000)).toBe(true);
    });

    it('says who holds a lock and until when', async () => {
      const scope = newScope();
      expect(await store.lockHolder(scope)).toBeNull();
      const before = Date.now();
      await store.acquireLock(scope, 'host|123|run', 60_000);
      const holder = await store.lockHolder(scope);
      expect(holder?.owner).toBe('host|123|run');
      const until = Date.parse(holder!.expiresAt);
      expect(until).toBeGreaterThanOrEqual(before + 59_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 61_000);
      await store.releaseLock(scope, 'host|123|run');
      expect(await store.lockHolder(scope)).toBeNull();
    });

    it('lets an expired lock be taken over', async () => {
      const scope = newScope();
      expect(await store.acquireLock(scope, 'crashed', 1)).toBe(true);
      await clockPast(Date.parse((await store.lockHolder(scope))!.expiresAt));
      expect(await store.acquireLock(scope, 'next', 60_000)).toBe(true);
      expect(await store.acquireLock(scope, 'crashed', 60_000)).toBe(false);
    });

    it('applies a fenced write only while its owner holds the lock, expired or not', async () => {
      const scope = newScope();
      const other = newScope('salesforce', scope.tenant);
      await store.acquireLock(scope, 'run-a', 1);
      const fence = [{ scope, owner: 'run-a' }];
      await clockPast(Date.parse((await store.lockHolder(scope))!.expiresAt));
      // Lapsed, and no other run took it: still its owner's, so the write lands (a takeover
      // after it reads it).
      await store.commit(other, { upsertLinks: [aLink(1)], checkpoints: { propstreet: 'T1' } }, fence);
      await store.setMeta(other, 'seen', 'a', fence);
      expect(await store.acquireLock(scope, 'run-b', 60_000)).toBe(true);
      await expect(
        store.commit(other, { deleteLinks: ['ps-1'], checkpoints: { propstreet: 'T0' } }, fence),
      ).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS' });
      await expect(store.setMeta(other, 'seen', null, fence)).rejects.toMatchObject({
        code: 'RUN_IN_PROGRESS',
      });
      expect(await store.linksByPropstreetIds(other, ['ps-1'])).toHaveLength(1);
      expect(await store.getCheckpoint(other, 'propstreet')).toBe('T1');
      expect(await store.getMeta(other, 'seen')).toBe('a');
      // Released, or never taken: no write either.
      await store.releaseLock(scope, 'run-b');
      await expect(
        store.commit(other, { upsertLinks: [aLink(2)] }, [{ scope, owner: 'run-b' }]),
      ).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS' });
      await expect(
        store.commit(other, { upsertLinks: [aLink(2)] }, [{ scope: newScope(), owner: 'run-b' }]),
      ).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS' });
      expect(await store.linksByPropstreetIds(other, ['ps-2'])).toEqual([]);
    });

    it('stores free texts holding U+0000 without it (PostgreSQL’s text cannot hold it)', async () => {
      const scope = newScope();
      const nul = (s: string) => `${s}\u0000!`;
      await store.commit(scope, {
        upsertLinks: [aLink(1)],
        upsertFailures: [aFailure('ps-9', { lastError: nul('HTTP 400 body') })],
        upsertTombstones: [aTombstone(2, { reason: nul('ended') })],
        upsertMeta: [{ key: 'k', value: nul('v') }],
        replaceConflicts: [
          { propstreetId: 'ps-1', conflicts: [aConflict(1, 'firstName', { crm: nul('Av') })] },
        ],
      });
      await store.setMeta(scope, 'k2', nul('w'));
      expect((await store.listFailures(scope))[0]?.lastError).toBe('HTTP 400 body!');
      expect((await store.tombstonesByPropstreetIds(scope, ['ps-2']))[0]?.reason).toBe('ended!');
      expect([await store.getMeta(scope, 'k'), await store.getMeta(scope, 'k2')]).toEqual(['v!', 'w!']);
      expect((await store.conflictsByPropstreetIds(scope, ['ps-1']))[0]?.crm).toBe('Av!');
    });

    it('lists the scopes that have state', async () => {
      const a = newScope();
      const b = newScope('salesforce');
      const readOnly = newScope();
      await store.commit(a, { upsertLinks: [aLink(1)] });
      await store.startRun(b, { id: 'r', startedAt: '2024-05-01T10:00:00.000Z', dryRun: true });
      await store.countLinks(readOnly);
      await store.getCheckpoint(readOnly, 'crm');
      const scopes = await store.listScopes();
      expect(scopes).toEqual(expect.arrayContaining([a, b]));
      expect(scopes).not.toContainEqual(readOnly);
    });

    it('keeps per-scope facts apart and removes them with null', async () => {
      const a = newScope();
      const b = newScope('salesforce');
      expect(await store.getMeta(a, 'identity')).toBeNull();
      await store.setMeta(a, 'identity', '{"org":"one"}');
      await store.setMeta(a, 'checked', 'yes');
      await store.setMeta(b, 'identity', '{"org":"two"}');
      await store.setMeta(a, 'identity', '{"org":"three"}');
      expect(await store.getMeta(a, 'identity')).toBe('{"org":"three"}');
      expect(await store.getMeta(b, 'identity')).toBe('{"org":"two"}');
      expect(await store.listMeta(a)).toEqual([
        { key: 'checked', value: 'yes' },
        { key: 'identity', value: '{"org":"three"}' },
      ]);
      expect(await store.listScopes()).toEqual(expect.arrayContaining([a, b]));
      await store.setMeta(a, 'checked', null);
      await store.setMeta(newScope(), 'never', null);
      expect(await store.listMeta(a)).toEqual([{ key: 'identity', value: '{"org":"three"}' }]);
    });

    it('keeps tombstones with the link change that ends them, newest first, until deleted', async () => {
      const scope = newScope();
      await store.commit(scope, { upsertLinks: [aLink(1), aLink(2), aLink(3)] });
      await store.commit(scope, {
        deleteLinks: ['ps-1', 'ps-2', 'ps-3'],
        upsertTombstones: [aTombstone(1), aTombstone(3), aTombstone(2)],
      });
      expect(await store.countLinks(scope)).toBe(0);
      expect(await store.countTombstones(scope)).toBe(3);
      expect((await store.listTombstones(scope, { limit: 2 })).map((t) => t.propstreetId)).toEqual([
        'ps-3',
        'ps-2',
      ]);
      expect(await store.tombstonesByPropstreetIds(scope, ['ps-2', 'ps-9'])).toEqual([aTombstone(2)]);
      // relink marks one; a new link drops it in the same commit that creates the link.
      await store.commit(scope, {
        upsertTombstones: [aTombstone(2, { relinkedAt: '2024-05-09T00:00:00.000Z' })],
      });
      expect(
        (await store.listTombstones(scope, { limit: 10, relinked: true })).map((t) => t.propstreetId),
      ).toEqual(['ps-2']);
      expect(await store.listTombstones(scope, { limit: 10, relinked: false })).toHaveLength(2);
      await store.commit(scope, { upsertLinks: [aLink(2)], deleteTombstones: ['ps-2', 'ps-unknown'] });
      expect(await store.tombstonesByPropstreetIds(scope, ['ps-2'])).toEqual([]);
      expect(await store.countTombstones(newScope())).toBe(0);
      expect(await store.listScopes()).toContainEqual(scope);
    });

    it('drops the meta facts a commit names, with the rest of the commit; other keys and scopes keep theirs', async () => {
      const scope = newScope();
      const other = newScope();
      for (const key of ['links.touched:1:a', 'links.touched:2:b', 'links.fullScanAt'])
        await store.setMeta(scope, key, '2026-03-02T08:00:00.000Z');
      await store.setMeta(other, 'links.touched:1:a', 'kept');
      await store.commit(scope, { deleteMeta: ['links.touched:1:a', 'links.touched:9:unknown'] });
      expect((await store.listMeta(scope)).map((m) => m.key)).toEqual([
        'links.fullScanAt',
        'links.touched:2:b',
      ]);
      expect(await store.getMeta(other, 'links.touched:1:a')).toBe('kept');
      await store.commit(scope, { checkpoints: { crm: 'c1' }, deleteMeta: ['links.touched:2:b'] });
      expect((await store.listMeta(scope)).map((m) => m.key)).toEqual(['links.fullScanAt']);
      expect(await store.getCheckpoint(scope, 'crm')).toBe('c1');
    });

    it('sets the meta facts a commit names, after the ones it drops, in a scope it may be the first write of', async () => {
      const scope = newScope();
      const other = newScope();
      await store.setMeta(other, 'deletes.held:1', 'other');
      await store.commit(scope, {
        upsertMeta: [
          { key: 'deletes.held:1', value: 'first' },
          { key: 'deletes.held:2', value: 'two' },
          { key: 'deletes.held:1', value: 'last' },
        ],
      });
      expect(await store.listMeta(scope)).toEqual([
        { key: 'deletes.held:1', value: 'last' },
        { key: 'deletes.held:2', value: 'two' },
      ]);
      await store.commit(scope, {
        deleteMeta: ['deletes.held:1', 'deletes.held:2'],
        upsertMeta: [{ key: 'deletes.held:2', value: 'again' }],
      });
      expect(await store.listMeta(scope)).toEqual([{ key: 'deletes.held:2', value: 'again' }]);
      expect(await store.getMeta(other, 'deletes.held:1')).toBe('other');
    });

    it('drops fields from every shadow of the scope, before the same commit’s link upserts', async () => {
      const scope = newScope();
      const other = newScope();
      const shadow = { firstName: 'Ada', phone: '+4670', 'company.jobTitle': 'CTO' };
      await store.commit(scope, {
        upsertLinks: [aLink(1, { shadow }), aLink(2, { shadow: null }), aLink(3, { shadow })],
      });
      await store.commit(other, { upsertLinks: [aLink(1, { shadow })] });
      await store.commit(scope, {
        replaceConflicts: [
          { propstreetId: 'ps-1', conflicts: [aConflict(1, 'phone'), aConflict(1, 'email')] },
        ],
      });
      await store.commit(scope, {
        dropShadowFields: ['phone', 'company.jobTitle'],
        upsertLinks: [aLink(3, { shadow })],
      });
      const links = await store.linksByPropstreetIds(scope, ['ps-1', 'ps-2', 'ps-3']);
      expect(Object.fromEntries(links.map((l) => [l.propstreetId, l.shadow]))).toEqual({
        'ps-1': { firstName: 'Ada' },
        'ps-2': null,
        'ps-3': shadow,
      });
      expect((await store.linksByPropstreetIds(other, ['ps-1']))[0]?.shadow).toEqual(shadow);
      // The moved field's conflicts went with it.
      expect((await store.listConflicts(scope, { limit: 10 })).map((c) => c.field)).toEqual(['email']);
    });

    it('replaces the open conflicts of a pair, keeping when each was found and its resolution', async () => {
      const scope = newScope();
      await store.commit(scope, {
        replaceConflicts: [
          { propstreetId: 'ps-1', conflicts: [aConflict(1, 'email'), aConflict(1, 'firstName')] },
          { propstreetId: 'ps-2', conflicts: [aConflict(2, 'phone', { propstreet: null })] },
        ],
      });
      expect(await store.countConflicts(scope)).toBe(3);
      const at = '2024-05-02T00:00:00.000Z';
      expect(
        await store.resolveConflict(
          scope,
          { propstreetId: 'ps-1', field: 'email' },
          { take: 'crm', value: null, at },
        ),
      ).toBe(true);
      expect(
        await store.resolveConflict(
          scope,
          { propstreetId: 'ps-1', field: 'nope' },
          { take: 'crm', value: null, at },
        ),
      ).toBe(false);
      await store.resolveConflict(
        scope,
        { propstreetId: 'ps-2', field: 'phone' },
        { take: 'value', value: '+46 8 123', at },
      );
      // Found again with new values: `since` and the resolution stay; firstName agrees now.
      await store.commit(scope, {
        replaceConflicts: [
          {
            propstreetId: 'ps-1',
            conflicts: [aConflict(1, 'email', { crm: 'Asa2', since: '2024-05-03T00:00:00.000Z' })],
          },
        ],
      });
      expect(await store.listConflicts(scope, { limit: 10 })).toEqual([
        {
          ...aConflict(1, 'email', { crm: 'Asa2' }),
          resolution: { take: 'crm', value: null, at },
        },
        {
          ...aConflict(2, 'phone', { propstreet: null }),
          resolution: { take: 'value', value: '+46 8 123', at },
        },
      ]);
      expect(await store.listConflicts(scope, { limit: 10, resolved: false })).toEqual([]);
      expect((await store.conflictsByPropstreetIds(scope, ['ps-2', 'ps-9'])).map((c) => c.field)).toEqual([
        'phone',
      ]);
      await store.resolveConflict(scope, { propstreetId: 'ps-1', field: 'email' }, null);
      expect((await store.listConflicts(scope, { limit: 10, resolved: false })).map((c) => c.field)).toEqual([
        'email',
      ]);
      // One commit clearing a pair's conflicts and replacing another's.
      await store.commit(scope, {
        replaceConflicts: [
          { propstreetId: 'ps-2', conflicts: [] },
          { propstreetId: 'ps-1', conflicts: [aConflict(1, 'email', { crm: 'Asa2' })] },
        ],
      });
      expect((await store.listConflicts(scope, { limit: 10 })).map((c) => c.propstreetId)).toEqual(['ps-1']);
      expect(await store.countConflicts(scope)).toBe(1);
      expect(await store.listConflicts(newScope(), { limit: 1 })).toEqual([]);
    });
  });
}
