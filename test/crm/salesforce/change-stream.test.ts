/**
 * The change stream through jsforce's faye client against the Salesforce fake's Streaming API:
 * no mock of jsforce or of HTTP. Replay ids are kept in memory as the state store would keep them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SalesforceFake, startSalesforceFake } from '../../../fakes/salesforce/salesforce-fake.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Redactor } from '../../../src/core/redact.js';
import {
  type ChangeNotice,
  type ChangeStream,
  type ReplayStore,
  type StreamEvent,
  startChangeStream,
} from '../../../src/crm/salesforce/change-stream.js';
import { openConnection } from '../../../src/crm/salesforce/salesforce-connection.js';

const redactor = new Redactor();

let sf: SalesforceFake;
const RETENTION_MS = 3600_000;

beforeAll(async () => {
  sf = await startSalesforceFake({
    cometd: { connectTimeoutMs: 2000 },
    changeEvents: { retentionMs: RETENTION_MS },
  });
});
afterAll(() => sf.close());

const running: ChangeStream[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  sf.http.faults.clear();
});

function memoryReplay(initial: Record<string, number> = {}): ReplayStore & { kept: Record<string, number> } {
  const store = {
    kept: { ...initial },
    load: async () => ({ ...store.kept }),
    save: async (p: Readonly<Record<string, number>>) => {
      store.kept = { ...p };
    },
  };
  return store;
}

function connection() {
  return openConnection({
    instanceUrl: sf.url,
    accessToken: sf.accessToken,
    refreshToken: sf.refreshToken,
    clientId: sf.clientId,
    clientSecret: sf.clientSecret,
    loginUrl: sf.url,
    version: '62.0',
    logger: silentLogger,
    clock: systemClock,
    requestTimeoutMs: 10_000,
    redactor,
  });
}

async function start(replay: ReplayStore, entities: ('Contact' | 'Account')[] = ['Contact', 'Account']) {
  const notices: ChangeNotice[] = [];
  const resets: string[] = [];
  const events: StreamEvent[] = [];
  const conn = connection();
  const stream = await startChangeStream({
    connection: conn,
    entities,
    replay,
    onChange: (n) => notices.push(n),
    onReplayReset: (c) => resets.push(c),
    observe: (e) => events.push(e),
    ownClient: 'propsync',
    logger: silentLogger,
    backoff: { initialMs: 50, maxMs: 400 },
  });
  running.push(stream);
  await stream.ready;
  return { stream, notices, resets, events, conn };
}

const WAIT = { timeout: 15_000, interval: 20 };

describe('Salesforce change stream (CometD through jsforce)', () => {
  it('hands over a user edit of a Contact and of an Account, and keeps the replay id after it', async () => {
    const replay = memoryReplay();
    const { notices, resets } = await start(replay);
    // No position kept yet: one run catches up, per channel.
    expect(resets.sort()).toEqual(['/data/AccountChangeEvent', '/data/ContactChangeEvent']);
    const contact = sf.control.create({ LastName: 'Edited' });
    const account = sf.control.accounts.create({ Name: 'Edited Inc' });
    await vi.waitFor(() => expect(notices).toHaveLength(2), WAIT);
    expect(notices.map((n) => [n.entity, n.changeType, n.recordIds])).toEqual([
      ['Contact', 'CREATE', [contact]],
      ['Account', 'CREATE', [account]],
    ]);
    await vi.waitFor(
      () =>
        expect(replay.kept).toEqual({
          '/data/ContactChangeEvent': notices[0]?.replayId,
          '/data/AccountChangeEvent': notices[1]?.replayId,
        }),
      WAIT,
    );
  });

  it('resumes from the kept replay id after a restart: changes made while down arrive', async () => {
    const replay = memoryReplay();
    const first = await start(replay, ['Contact']);
    sf.control.create({ LastName: 'Before stop' });
    await vi.waitFor(() => expect(first.notices).toHaveLength(1), WAIT);
    await first.stream.stop();
    const whileDown = [sf.control.create({ LastName: 'Down 1' }), sf.control.create({ LastName: 'Down 2' })];
    const second = await start(replay, ['Contact']);
    await vi.waitFor(() => expect(second.notices).toHaveLength(2), WAIT);
    expect(second.notices.map((n) => n.recordIds[0])).toEqual(whileDown);
    expect(second.resets).toEqual([]);
  });

  it('on an expired replay id: subscribes to new events and asks for one run', async () => {
    sf.control.create({ LastName: 'Ancient' });
    await Promise.resolve();
    const ancient = sf.cdc.events().at(-1)?.replayId ?? 0;
    sf.control.create({ LastName: 'Newer' });
    await Promise.resolve();
    sf.control.advanceClock(RETENTION_MS + 60_000);
    try {
      const replay = memoryReplay({ '/data/ContactChangeEvent': ancient });
      const { notices, resets, events } = await start(replay, ['Contact']);
      expect(resets).toEqual(['/data/ContactChangeEvent']);
      expect(events).toContainEqual({
        type: 'reset',
        channel: '/data/ContactChangeEvent',
        reason: 'expired',
      });
      // Nothing from before the reset is replayed (the run reads it); new changes stream again.
      const fresh = sf.control.create({ LastName: 'After reset' });
      await vi.waitFor(() => expect(notices.map((n) => n.recordIds[0])).toEqual([fresh]), WAIT);
    } finally {
      sf.control.useRealClock();
    }
  });

  it('reconnects after a dropped connection and after the server forgets the client', async () => {
    const { notices, events } = await start(memoryReplay(), ['Contact']);
    // A kept position: what changes while the connection is down is replayed from it.
    const first = sf.control.create({ LastName: 'Before drop' });
    await vi.waitFor(() => expect(notices.map((n) => n.recordIds[0])).toEqual([first]), WAIT);
    sf.http.faults.add({ kind: 'drop', path: '/cometd/', times: 2 });
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'restart', reason: 'transport' }), WAIT);
    const a = sf.control.create({ LastName: 'After drop' });
    await vi.waitFor(() => expect(notices.map((n) => n.recordIds[0])).toContain(a), WAIT);
    sf.cdc.dropClients();
    const b = sf.control.create({ LastName: 'After restart of the server' });
    await vi.waitFor(() => expect(notices.map((n) => n.recordIds[0])).toContain(b), WAIT);
  });

  it('signs in again when the session is rejected (401) and carries on', async () => {
    const { notices, events } = await start(memoryReplay(), ['Contact']);
    const first = sf.control.create({ LastName: 'Before expiry' });
    await vi.waitFor(() => expect(notices.map((n) => n.recordIds[0])).toEqual([first]), WAIT);
    const issued = sf.control.issuedTokens().length;
    sf.control.expireToken();
    sf.cdc.dropClients();
    const id = sf.control.create({ LastName: 'After sign-in' });
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'restart', reason: 'auth' }), WAIT);
    await vi.waitFor(() => expect(sf.cdc.clientCount()).toBeGreaterThan(0), WAIT);
    expect(sf.control.issuedTokens().length).toBeGreaterThan(issued);
    await vi.waitFor(() => expect(notices.map((n) => n.recordIds[0])).toContain(id), WAIT);
  });

  it('skips our own writes (changeOrigin client=propsync) and replayed duplicates, but moves past them', async () => {
    const replay = memoryReplay();
    const { notices, events, conn } = await start(replay, ['Contact']);
    const own = await conn.sobject('Contact').create({ LastName: 'Written by a run' });
    sf.cdc.duplicateNext(1);
    const user = sf.control.create({ LastName: 'A user' });
    await vi.waitFor(() => expect(notices.map((n) => n.recordIds[0])).toEqual([user]), WAIT);
    await vi.waitFor(
      () =>
        expect(events.filter((e) => e.type === 'event').map((e) => e.type === 'event' && e.outcome)).toEqual([
          'own-write',
          'accepted',
          'duplicate',
        ]),
      WAIT,
    );
    expect(own.success).toBe(true);
    await vi.waitFor(() => expect(replay.kept['/data/ContactChangeEvent']).toBe(notices[0]?.replayId), WAIT);
  });
});

/**
 * When Salesforce forgets the client (`403::Unknown client`, advice `reconnect: handshake`,
 * docs/VENDOR-BEHAVIOUR.md C5), two ways found by a review probe:
 *
 * - after the handshake: faye handshakes and subscribes again by itself, through our extension,
 *   from -1 when the channel has no kept position. Before 12-04 the catch-up run of such a
 *   channel was asked only when propsync opened a client, so a change made meanwhile was
 *   neither replayed nor read by a run. Now every subscription from -1 asks for one.
 * - between handshake and subscribe: the subscribe fails. faye drops a channel whose subscribe
 *   failed and never asks for it again, and the stream logged it and counted it as ready: alive
 *   but deaf until a restart. Now a refusal other than "no such channel" restarts the client.
 */
describe('Salesforce change stream when Salesforce forgets its client', () => {
  /** Edits until one of them is delivered: the channel is subscribed again. */
  async function editUntilDelivered(notices: readonly ChangeNotice[]): Promise<void> {
    const edits: string[] = [];
    await vi.waitFor(
      () => {
        edits.push(sf.control.create({ LastName: `After ${edits.length}` }));
        expect(notices.some((n) => edits.includes(n.recordIds[0] ?? ''))).toBe(true);
      },
      { timeout: 15_000, interval: 250 },
    );
  }

  it('asks for a catch-up run when faye subscribes again by itself from no position', async () => {
    const { notices, resets } = await start(memoryReplay(), ['Contact']);
    // The first subscription from -1: one catch-up run (it reads everything before now).
    expect(resets).toEqual(['/data/ContactChangeEvent']);
    sf.cdc.dropClients();
    const lost = sf.control.create({ LastName: 'Edited while the client was forgotten' });
    await editUntilDelivered(notices);
    // Not replayed (subscribed from -1 again), but a second catch-up run was asked for.
    expect(notices.map((n) => n.recordIds[0])).not.toContain(lost);
    expect(resets).toEqual(['/data/ContactChangeEvent', '/data/ContactChangeEvent']);
  });

  it('subscribes again when a subscribe is refused for a client forgotten after its handshake', async () => {
    // The third CometD request, the subscribe after the handshake, reaches a server that has
    // forgotten the client.
    let requests = 0;
    sf.http.faults.add({
      kind: 'hold',
      path: '/cometd/',
      hold: async () => {
        if (++requests === 3) sf.cdc.dropClients();
      },
    });
    const { notices } = await start(memoryReplay({ '/data/ContactChangeEvent': 0 }), ['Contact']);
    await editUntilDelivered(notices);
    expect(requests).toBeGreaterThan(3);
  });
});
