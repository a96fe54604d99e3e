/**
 * HubSpot echoes (src/serve/intake.ts): events of the receiving app's own writes
 * (`changeSource: INTEGRATION`, `sourceId` = `appId`) ask for no run when they are all a
 * delivery brings; one event of anyone else's in the delivery asks for the run as ever.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { hubspotEvents } from '../../src/serve/event-keys.js';
import { createEventLedger } from '../../src/serve/event-ledger.js';
import { admitToScopes } from '../../src/serve/intake.js';
import { createServeMetrics } from '../../src/serve/serve-metrics.js';
import type { ConnectionScope } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';
import { counterSum } from './quiesce.js';

const scope: ConnectionScope = { tenant: 't', connection: 'hubspot' };
const APP = 4_242_001;
let nextId = 1;
const event = (changeSource: string, sourceId?: string) => ({
  eventId: nextId++,
  subscriptionId: 3,
  portalId: 62515,
  appId: APP,
  occurredAt: 1_796_000_000_000,
  subscriptionType: 'contact.propertyChange',
  objectId: 100 + nextId,
  propertyName: 'firstname',
  propertyValue: 'Ada',
  changeSource,
  ...(sourceId === undefined ? {} : { sourceId }),
});

describe('HubSpot echoes of our own writes', () => {
  it('ask for no run alone, and do not hold back a delivery with anyone else’s change', async () => {
    const store = await memoryStore();
    try {
      const requested: number[] = [];
      const metrics = createServeMetrics();
      const deps = {
        ledger: createEventLedger({ storeFor: async () => store, retentionMs: 3_600_000 }),
        metrics,
        logger: silentLogger,
        runs: { request: (_s: ConnectionScope, r: { events: number }) => void requested.push(r.events) },
      };
      const deliver = (events: unknown[]) =>
        admitToScopes(
          deps,
          [scope],
          hubspotEvents(Buffer.from(JSON.stringify(events)), new Date()),
          new Date(),
        );

      await deliver([event('INTEGRATION', String(APP)), event('INTEGRATION', String(APP))]);
      expect(requested).toEqual([]);
      await deliver([event('INTEGRATION', String(APP)), event('CRM_UI', 'userId:1001')]);
      expect(requested).toEqual([2]);
      // Another integration's write (another app) is a change to sync.
      await deliver([event('INTEGRATION', '777')]);
      // No sourceId: not known to be ours.
      await deliver([event('INTEGRATION')]);
      expect(requested).toEqual([2, 1, 1]);
      const text = await metrics.registry.render();
      expect(counterSum(text, 'propsync_serve_echoes_total', ['tenant="t"'])).toBe(2);
      expect(counterSum(text, 'propsync_serve_notifications_total', ['tenant="t"'])).toBe(4);
    } finally {
      await store.close();
    }
  });
});
