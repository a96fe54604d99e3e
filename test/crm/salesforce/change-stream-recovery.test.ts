/**
 * The change stream when Salesforce forgets its CometD client (`403::Unknown client`, advice
 * `reconnect: handshake`, docs/VENDOR-BEHAVIOUR.md C5), two ways found by a review probe:
 *
 * - after the handshake: faye handshakes and subscribes again by itself, through our extension,
 *   from -1 when the channel has no kept position. Before 12-04 the catch-up run of such a
 *   channel was asked only when propsync opened a client, so a change made meanwhile was
 *   neither replayed nor read by a run. Now every subscription from -1 asks for one.
 * - between handshake and subscribe: the subscribe fails. faye drops a channel whose subscribe
 *   failed and never asks for it again, and the stream logged it and counted it as ready: alive
 *   but deaf until a restart. Now a refusal other than "no such channel" restarts the client.
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
  startChangeStream,
} from '../../../src/crm/salesforce/change-stream.js';
import { openConnection } from '../../../src/crm/salesforce/salesforce-connection.js';

const redactor = new Redactor();
let sf: SalesforceFake;
const running: ChangeStream[] = [];

beforeAll(async () => {
  sf = await startSalesforceFake({ cometd: { connectTimeoutMs: 2000 } });
});
afterAll(() => sf.close());
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  sf.http.faults.clear();
});

/** A stream on the Contact channel, from `kept` (none: no position). */
async function stream(kept: Record<string, number>) {
  const notices: ChangeNotice[] = [];
  const resets: string[] = [];
  const replay: ReplayStore = { load: async () => ({ ...kept }), save: async () => {} };
  const started = await startChangeStream({
    connection: openConnection({
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
    }),
    entities: ['Contact'],
    replay,
    onChange: (n) => notices.push(n),
    onReplayReset: (c) => resets.push(c),
    ownClient: 'propsync',
    logger: silentLogger,
    backoff: { initialMs: 50, maxMs: 400 },
  });
  running.push(started);
  return { started, notices, resets };
}

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

describe('the change stream when Salesforce forgets its client', () => {
  it('asks for a catch-up run when faye subscribes again by itself from no position', async () => {
    const { started, notices, resets } = await stream({});
    await started.ready;
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
    const { notices } = await stream({ '/data/ContactChangeEvent': 0 });
    await editUntilDelivered(notices);
    expect(requests).toBeGreaterThan(3);
  });
});
