/**
 * HubSpot association-change webhooks mark their contacts for the links phase
 * (src/serve/association-marker.ts) before the run is asked for: the contact of a
 * `contact.associationChange` (from) and of a `company.associationChange` (to), for connections
 * that sync links only, once per event (a retried delivery marks nothing again).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { associationMarkKey, associationMarks } from '../../src/links/association-marks.js';
import { createAssociationMarker } from '../../src/serve/association-marker.js';
import { hubspotEvents } from '../../src/serve/event-keys.js';
import { createEventLedger } from '../../src/serve/event-ledger.js';
import { createAppIntake } from '../../src/serve/hubspot-app.js';
import { admitToScopes, markScopes, type RunRequest } from '../../src/serve/intake.js';
import { createServeMetrics } from '../../src/serve/serve-metrics.js';
import type { ConnectionScope } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';

const WITH_LINKS: ConnectionScope = { tenant: 't', connection: 'hs-links' };
const WITHOUT: ConnectionScope = { tenant: 't', connection: 'hs-plain' };
const UNKNOWN: ConnectionScope = { tenant: 't', connection: 'hs-unread' };
const linksScope = (s: ConnectionScope) => ({ ...s, kind: 'links' });

const T0 = Date.parse('2026-12-03T10:00:00.000Z');
const base = { subscriptionId: 9, portalId: 62515, appId: 99, attemptNumber: 0, changeSource: 'CRM_UI' };
const BATCH = [
  {
    ...base,
    eventId: 1,
    occurredAt: T0,
    subscriptionType: 'contact.associationChange',
    objectId: 501,
    associationType: 'CONTACT_TO_COMPANY',
    fromObjectId: 501,
    toObjectId: 900,
    associationRemoved: false,
  },
  {
    ...base,
    eventId: 2,
    occurredAt: T0,
    subscriptionType: 'company.associationChange',
    objectId: 901,
    associationType: 'COMPANY_TO_CONTACT',
    fromObjectId: 901,
    toObjectId: 502,
    associationRemoved: true,
  },
  {
    ...base,
    eventId: 3,
    occurredAt: T0,
    subscriptionType: 'contact.associationChange',
    objectId: 503,
    associationType: 'CONTACT_TO_DEAL',
    fromObjectId: 503,
    toObjectId: 77,
    associationRemoved: false,
  },
  {
    ...base,
    eventId: 4,
    occurredAt: T0,
    subscriptionType: 'contact.propertyChange',
    objectId: 504,
    propertyName: 'firstname',
    propertyValue: 'Ada',
  },
];

describe('association changes from HubSpot webhooks', () => {
  it('mark the contacts of company associations for every connection (links on or off: a run reads the file as it is now), before their run is asked for', async () => {
    const store = await memoryStore();
    try {
      const storeFor = async () => store;
      const requested: { scope: ConnectionScope; request: RunRequest; marksThen: Promise<string[]> }[] = [];
      const marked = async (scope: ConnectionScope) =>
        [...new Set(associationMarks(await store.listMeta(linksScope(scope))).map((m) => m.crmId))].sort();
      const deps = {
        ledger: createEventLedger({ storeFor, retentionMs: 3_600_000 }),
        metrics: createServeMetrics(),
        logger: silentLogger,
        marker: createAssociationMarker({
          storeFor,
          syncsLinks: async (s) => s.connection === WITH_LINKS.connection,
          keepMs: 3_600_000,
        }),
        runs: {
          request: (scope: ConnectionScope, request: RunRequest) => {
            // SQLite answers the read when it is made: what the run would find at this moment.
            requested.push({ scope, request, marksThen: marked(scope) });
          },
        },
      };
      const events = hubspotEvents(Buffer.from(JSON.stringify(BATCH)), new Date(T0 + 1_000));
      expect(events.associations?.map((a) => a.crmContactId)).toEqual(['501', '502']);
      const receivedAt = new Date(T0 + 2_000);
      // Marked before the answer (intake's `secure`), admitted after it.
      await markScopes(deps, [WITH_LINKS, WITHOUT], events.associations, receivedAt);
      await admitToScopes(deps, [WITH_LINKS, WITHOUT], events, receivedAt);
      expect(requested.map((r) => [r.scope.connection, r.request.events])).toEqual([
        ['hs-links', 4],
        ['hs-plain', 4],
      ]);
      expect(await requested[0]?.marksThen).toEqual(['501', '502']);
      expect(await marked(WITH_LINKS)).toEqual(['501', '502']);
      // Links may be turned on in the tenant file before the run this event asks for.
      expect(await marked(WITHOUT)).toEqual(['501', '502']);

      // HubSpot retries the same delivery: nothing new, the same two marks, no run asked for.
      const before = associationMarks(await store.listMeta(linksScope(WITH_LINKS))).map((m) => m.key);
      await markScopes(deps, [WITH_LINKS, WITHOUT], events.associations, new Date(T0 + 60_000));
      await admitToScopes(deps, [WITH_LINKS, WITHOUT], events, new Date(T0 + 60_000));
      expect(requested).toHaveLength(2);
      expect(associationMarks(await store.listMeta(linksScope(WITH_LINKS))).map((m) => m.key)).toEqual(
        before,
      );
      expect(before).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it("read the generic format too (object.associationChange): the contact is the side whose objectTypeId is 0-1, and only opposite a company's", () => {
    const generic = (eventId: number, from: [string, number], to: [string, number]) => ({
      ...base,
      eventId,
      occurredAt: T0,
      subscriptionType: 'object.associationChange',
      objectTypeId: from[0],
      objectId: from[1],
      fromObjectTypeId: from[0],
      fromObjectId: from[1],
      toObjectTypeId: to[0],
      toObjectId: to[1],
      associationTypeId: 279,
      associationCategory: 'HUBSPOT_DEFINED',
      associationRemoved: false,
    });
    const events = hubspotEvents(
      Buffer.from(
        JSON.stringify([
          generic(11, ['0-1', 601], ['0-2', 900]),
          generic(12, ['0-2', 901], ['0-1', 602]),
          // A contact and a deal, a company and a deal, two contacts: no employment.
          generic(13, ['0-1', 603], ['0-3', 77]),
          generic(14, ['0-2', 902], ['0-3', 78]),
          generic(15, ['0-1', 604], ['0-1', 605]),
        ]),
      ),
      new Date(T0),
    );
    expect(events.associations?.map((a) => a.crmContactId)).toEqual(['601', '602']);
    expect(events.keys).toHaveLength(5);
    expect(events.types).toEqual(['object.associationChange']);
  });

  it('a mark that cannot be written fails the delivery’s securing (answered 503, retried), before any scope is admitted', async () => {
    const events = hubspotEvents(Buffer.from(JSON.stringify(BATCH.slice(0, 1))), new Date(T0));
    const marker = {
      mark: async () => {
        throw new Error('database is down');
      },
      prune: async () => 0,
    };
    await expect(markScopes({ marker }, [WITH_LINKS], events.associations, new Date(T0))).rejects.toThrow(
      'database is down',
    );
    // A delivery with no association change has nothing to secure.
    const plain = hubspotEvents(Buffer.from(JSON.stringify(BATCH.slice(3))), new Date(T0));
    await expect(
      markScopes({ marker }, [WITH_LINKS], plain.associations, new Date(T0)),
    ).resolves.toBeUndefined();
  });

  it('the app-wide endpoint marks before its answer too: a portal lookup that fails fails the delivery (503, retried); an unknown portal does not', async () => {
    const store = await memoryStore();
    try {
      const storeFor = async () => store;
      const requested: ConnectionScope[] = [];
      const deps = {
        ledger: createEventLedger({ storeFor, retentionMs: 3_600_000 }),
        metrics: createServeMetrics(),
        logger: silentLogger,
        marker: createAssociationMarker({ storeFor, syncsLinks: async () => true, keepMs: 3_600_000 }),
        runs: { request: (scope: ConnectionScope) => void requested.push(scope) },
      };
      const delivery = {
        body: Buffer.from(JSON.stringify(BATCH)),
        sentAt: new Date(T0),
        receivedAt: new Date(T0),
      };
      const down = createAppIntake({
        ...deps,
        directory: {
          scopesFor: async () => {
            throw new Error('database is down');
          },
        },
      });
      await expect(down.secure(delivery)).rejects.toThrow('database is down');

      const up = createAppIntake({
        ...deps,
        directory: { scopesFor: async (p) => (p === '62515' ? [WITH_LINKS] : []) },
      });
      const routed = await up.secure(delivery);
      // Marked before the answer, run asked for only after it.
      expect(
        [
          ...new Set(associationMarks(await store.listMeta(linksScope(WITH_LINKS))).map((m) => m.crmId)),
        ].sort(),
      ).toEqual(['501', '502']);
      expect(requested).toEqual([]);
      await up.admit(routed);
      expect(requested).toEqual([WITH_LINKS]);

      const elsewhere = { ...delivery, body: Buffer.from(JSON.stringify([{ ...BATCH[0], portalId: 1 }])) };
      expect(await up.secure(elsewhere)).toMatchObject({ portals: [], unknown: 1 });
    } finally {
      await store.close();
    }
  });

  it('the hourly prune drops the old marks of a connection that does not sync links now, and only those', async () => {
    const store = await memoryStore();
    try {
      const old = '2026-12-03T10:00:00.000Z';
      const recent = '2026-12-03T12:30:00.000Z';
      const now = new Date('2026-12-03T13:00:00.000Z');
      for (const scope of [WITH_LINKS, WITHOUT, UNKNOWN]) {
        await store.setMeta(linksScope(scope), associationMarkKey('501', 'hs:1'), old);
        await store.setMeta(linksScope(scope), associationMarkKey('502', 'hs:2'), recent);
        await store.setMeta(linksScope(scope), 'links.fullScanAt', old);
      }
      const marker = createAssociationMarker({
        storeFor: async () => store,
        // UNKNOWN: its tenant file cannot be read now.
        syncsLinks: async (s) =>
          s.connection === UNKNOWN.connection ? undefined : s.connection === WITH_LINKS.connection,
        keepMs: 2 * 3_600_000,
      });
      expect(await marker.prune(WITH_LINKS, now)).toBe(0);
      expect(await marker.prune(UNKNOWN, now)).toBe(0);
      expect(await marker.prune(WITHOUT, now)).toBe(1);
      expect((await store.listMeta(linksScope(WITHOUT))).map((m) => m.key).sort()).toEqual(
        [associationMarkKey('502', 'hs:2'), 'links.fullScanAt'].sort(),
      );
      expect(await store.listMeta(linksScope(WITH_LINKS))).toHaveLength(3);
      expect(await store.listMeta(linksScope(UNKNOWN))).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
