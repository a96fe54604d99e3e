import { afterEach, describe, expect, it } from 'vitest';
import { hubspotEvents, propstreetEvents } from '../../src/serve/event-keys.js';
import { createEventLedger, SEEN_PREFIX } from '../../src/serve/event-ledger.js';
import { connectionFacts, type StateStore } from '../../src/state/port.js';
import { stateFile } from './support.js';

const scope = { tenant: 'acme', connection: 'hubspot' };
const other = { tenant: 'acme', connection: 'salesforce' };
const HOUR = 3600_000;
const T0 = new Date('2026-03-01T00:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

const opened: { store: StateStore; remove(): void }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.store.close();
    o.remove();
  }
});

async function store(): Promise<StateStore> {
  const file = stateFile();
  const s = await file.open();
  opened.push({ store: s, remove: file.remove });
  return s;
}

describe('event ledger', () => {
  it('admits a key once per tenant+connection', async () => {
    const s = await store();
    const ledger = createEventLedger({ storeFor: async () => s, retentionMs: 72 * HOUR });
    expect(await ledger.admit(scope, ['a', 'b'], at(0))).toEqual(['a', 'b']);
    expect(await ledger.admit(scope, ['b', 'c'], at(1))).toEqual(['c']);
    // Another connection of the same tenant has its own memory.
    expect(await ledger.admit(other, ['a'], at(1))).toEqual(['a']);
    expect(await s.getMeta(connectionFacts(scope), `${SEEN_PREFIX}a`)).toBe(at(0).toISOString());
  });

  it('remembers through the store, not only its cache', async () => {
    const s = await store();
    await createEventLedger({ storeFor: async () => s, retentionMs: HOUR }).admit(scope, ['k'], at(0));
    const fresh = createEventLedger({ storeFor: async () => s, retentionMs: HOUR, cacheSize: 1 });
    expect(await fresh.admit(scope, ['k'], at(0.5))).toEqual([]);
    // A cache of one: evicted entries are still found in the store.
    expect(await fresh.admit(scope, ['x', 'y'], at(0.5))).toEqual(['x', 'y']);
    expect(await fresh.admit(scope, ['x', 'y', 'k'], at(0.5))).toEqual([]);
  });

  it('prunes keys older than the retention, and only its own meta facts', async () => {
    const s = await store();
    await s.setMeta(connectionFacts(scope), 'account.crm', '{"portal":1}');
    const ledger = createEventLedger({ storeFor: async () => s, retentionMs: 48 * HOUR });
    await ledger.admit(scope, ['old'], at(0));
    await ledger.admit(scope, ['new'], at(40));
    expect(await ledger.prune(scope, at(50))).toBe(1);
    expect((await s.listMeta(connectionFacts(scope))).map((m) => m.key)).toEqual([
      'account.crm',
      `${SEEN_PREFIX}new`,
    ]);
    // Once forgotten, the same key counts as new again (long after any vendor retries it).
    expect(await ledger.admit(scope, ['old', 'new'], at(50))).toEqual(['old']);
  });
});

describe('event keys', () => {
  const sent = new Date('2026-03-01T12:00:00Z');

  it('Propstreet: the webhook-id; an id that is not a plain token is hashed', () => {
    expect(
      propstreetEvents({ 'webhook-id': 'msg_2Lq' }, Buffer.from('{"type":"contact.deleted"}'), sent),
    ).toEqual({
      keys: ['ps:msg_2Lq'],
      earliest: sent,
      types: ['contact.deleted'],
    });
    const odd = propstreetEvents({ 'webhook-id': 'a/b c'.repeat(40) }, Buffer.from('not json'), sent);
    expect(odd.keys[0]).toMatch(/^ps#[0-9a-f]{40}$/);
    expect(odd.types).toEqual([]);
  });

  it('HubSpot: one key per event, the earliest occurredAt, and a hash for a body that is not a batch', () => {
    const body = JSON.stringify([
      { eventId: 5, subscriptionId: 1, objectId: 9, occurredAt: 1000, subscriptionType: 'contact.creation' },
      {
        eventId: 5,
        subscriptionId: 2,
        objectId: 9,
        occurredAt: 1000,
        subscriptionType: 'contact.propertyChange',
      },
      { eventId: 5, subscriptionId: 1, objectId: 9, occurredAt: 1000, subscriptionType: 'contact.creation' },
    ]);
    const events = hubspotEvents(Buffer.from(body), sent);
    expect(events.keys).toEqual(['hs:5:1:9:1000', 'hs:5:2:9:1000']);
    expect(events.earliest).toEqual(new Date(1000));
    expect(events.types).toEqual(['contact.creation', 'contact.propertyChange']);
    for (const odd of ['{}', '[]', 'nope', '[{"objectId":1}]']) {
      const e = hubspotEvents(Buffer.from(odd), sent);
      expect(e.keys).toHaveLength(1);
      expect(e.keys[0]).toMatch(/^hs#[0-9a-f]{40}$/);
      expect(e.earliest).toEqual(sent);
    }
  });
});
