/**
 * The Salesforce fake's Streaming API (Bayeux over long-polling at /cometd/<version>) and its
 * Change Data Capture events, spoken to over raw HTTP as faye does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SalesforceFake, startSalesforceFake } from '../../../fakes/salesforce/salesforce-fake.js';

let sf: SalesforceFake;

beforeAll(async () => {
  sf = await startSalesforceFake({ cometd: { connectTimeoutMs: 200 } });
});
afterAll(() => sf.close());

type Msg = Record<string, unknown>;

async function bayeux(messages: Msg[], token = sf.accessToken): Promise<{ status: number; body: Msg[] }> {
  const res = await fetch(`${sf.url}/cometd/62.0`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `OAuth ${token}` },
    body: JSON.stringify(messages),
  });
  return { status: res.status, body: (await res.json()) as Msg[] };
}

async function handshake(): Promise<string> {
  const { body } = await bayeux([
    { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' },
  ]);
  expect(body[0]).toMatchObject({
    successful: true,
    supportedConnectionTypes: ['long-polling'],
    ext: { replay: true },
  });
  return body[0]?.clientId as string;
}

const subscribe = (clientId: string, channel: string, replay?: number) =>
  bayeux([
    {
      channel: '/meta/subscribe',
      clientId,
      subscription: channel,
      id: '2',
      ...(replay === undefined ? {} : { ext: { replay: { [channel]: replay } } }),
    },
  ]);

const connect = (clientId: string) =>
  bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '3' }]);

const dataOf = (messages: Msg[]) =>
  messages.filter((m) => m.data !== undefined) as {
    channel: string;
    data: { payload: Msg; event: { replayId: number } };
  }[];

describe('Salesforce fake: Streaming API and Change Data Capture', () => {
  it('hands out a client id and advises long-polling with the connect timeout', async () => {
    const { body } = await bayeux([{ channel: '/meta/handshake', version: '1.0', id: '1' }]);
    expect(body[0]).toMatchObject({
      channel: '/meta/handshake',
      successful: true,
      advice: { reconnect: 'retry', timeout: 200, interval: 0 },
    });
    expect(typeof body[0]?.clientId).toBe('string');
  });

  it('emits CREATE, UPDATE and DELETE events for REST writes, with the API client as changeOrigin', async () => {
    const clientId = await handshake();
    expect((await subscribe(clientId, '/data/ContactChangeEvent')).body[0]).toMatchObject({
      successful: true,
    });
    const headers = {
      authorization: `Bearer ${sf.accessToken}`,
      'content-type': 'application/json',
      'sforce-call-options': 'client=propsync',
    };
    const created = await fetch(`${sf.url}/services/data/v62.0/sobjects/Contact`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ LastName: 'Stream', Email: 'stream@example.com' }),
    });
    const { id } = (await created.json()) as { id: string };
    await fetch(`${sf.url}/services/data/v62.0/sobjects/Contact/${id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ Title: 'CTO' }),
    });
    sf.control.remove(id);
    const seen: ReturnType<typeof dataOf> = [];
    while (seen.length < 3) seen.push(...dataOf((await connect(clientId)).body));
    const [create, update, del] = seen.map((m) => m.data);
    expect(create?.payload.ChangeEventHeader).toMatchObject({
      entityName: 'Contact',
      changeType: 'CREATE',
      recordIds: [id],
      changeOrigin: 'com/salesforce/api/rest/62.0;client=propsync',
      changedFields: [],
    });
    expect(create?.payload.LastName).toBe('Stream');
    expect(update?.payload.ChangeEventHeader).toMatchObject({ changeType: 'UPDATE' });
    expect(update?.payload.ChangeEventHeader).toHaveProperty(
      'changedFields',
      expect.arrayContaining(['Title', 'LastModifiedDate']),
    );
    expect(update?.payload.Title).toBe('CTO');
    // A user's delete in the UI: no API origin.
    expect(del?.payload.ChangeEventHeader).toMatchObject({ changeType: 'DELETE', changeOrigin: '' });
    const ids = seen.map((m) => m.data.event.replayId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(3);
  });

  it('replays the events after a stored replay id, and only those', async () => {
    const a = sf.control.accounts.create({ Name: 'Replay One' });
    const b = sf.control.accounts.create({ Name: 'Replay Two' });
    await Promise.resolve();
    const events = sf.cdc.events().filter((e) => e.channel === '/data/AccountChangeEvent');
    const first = events.find((e) => e.payload.ChangeEventHeader.recordIds[0] === a);
    expect(first).toBeDefined();
    const clientId = await handshake();
    await subscribe(clientId, '/data/AccountChangeEvent', first?.replayId);
    const got = dataOf((await connect(clientId)).body);
    expect(got.map((m) => m.data.payload.ChangeEventHeader)).toEqual([
      expect.objectContaining({ recordIds: [b], changeType: 'CREATE' }),
    ]);
  });

  it('answers an expired replay id with the documented error, and -1 / -2 still subscribe', async () => {
    const old = await startSalesforceFake({
      cometd: { connectTimeoutMs: 100 },
      changeEvents: { retentionMs: 1000 },
    });
    try {
      old.control.create({ LastName: 'Old' });
      old.control.create({ LastName: 'Older' });
      await Promise.resolve();
      const firstId = old.cdc.events()[0]?.replayId ?? 0;
      old.control.advanceClock(5000);
      const res = await fetch(`${old.url}/cometd/62.0`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `OAuth ${old.accessToken}` },
        body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0' }]),
      });
      const clientId = ((await res.json()) as Msg[])[0]?.clientId;
      const sub = async (replay: number) => {
        const r = await fetch(`${old.url}/cometd/62.0`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `OAuth ${old.accessToken}` },
          body: JSON.stringify([
            {
              channel: '/meta/subscribe',
              clientId,
              subscription: '/data/ContactChangeEvent',
              ext: { replay: { '/data/ContactChangeEvent': replay } },
            },
          ]),
        });
        return ((await r.json()) as Msg[])[0];
      };
      expect(await sub(firstId)).toMatchObject({
        successful: false,
        error: `400::The replayId {${firstId}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
      });
      expect(await sub(-1)).toMatchObject({ successful: true });
      expect(await sub(-2)).toMatchObject({ successful: true });
      expect(old.cdc.events()).toHaveLength(0);
    } finally {
      await old.close();
    }
  });

  it('makes no event for a rolled-back allOrNone request, nor for seeds', async () => {
    const before = sf.cdc.events().length;
    sf.control.seed([{ LastName: 'Seeded' }]);
    const res = await fetch(`${sf.url}/services/data/v62.0/composite/sobjects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sf.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        allOrNone: true,
        records: [
          { attributes: { type: 'Contact' }, LastName: 'Fine' },
          { attributes: { type: 'Contact' }, FirstName: 'No last name' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await Promise.resolve();
    expect(sf.cdc.events().length).toBe(before);
  });

  it('denies a handshake with an invalid session (401, 403::Handshake denied, reconnect none)', async () => {
    const denied = await bayeux([{ channel: '/meta/handshake', version: '1.0' }], 'not-a-session');
    expect(denied.status).toBe(401);
    expect(denied.body[0]).toMatchObject({
      successful: false,
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
      advice: { reconnect: 'none' },
    });
    const refused = await bayeux(
      [{ channel: '/meta/subscribe', clientId: 'c1', subscription: '/data/ChangeEvents', id: '2' }],
      'not-a-session',
    );
    expect(refused.status).toBe(401);
    expect(refused.body[0]).toEqual({
      channel: '/meta/subscribe',
      id: '2',
      clientId: 'c1',
      subscription: '/data/ChangeEvents',
      successful: false,
      error: '401::Authentication invalid',
      advice: { reconnect: 'none', interval: 0 },
    });
    sf.cdc.rejectHandshakes(1);
    expect((await bayeux([{ channel: '/meta/handshake', version: '1.0' }])).status).toBe(401);
    expect((await bayeux([{ channel: '/meta/handshake', version: '1.0' }])).body[0]).toMatchObject({
      successful: true,
    });
  });

  it('tells a forgotten client to handshake again, and refuses unknown channels', async () => {
    const clientId = await handshake();
    expect((await subscribe(clientId, '/data/LeadChangeEvent')).body[0]).toMatchObject({
      successful: false,
      error: '400::The channel you requested to subscribe to does not exist {/data/LeadChangeEvent}',
    });
    sf.cdc.dropClients();
    expect((await connect(clientId)).body[0]).toMatchObject({
      successful: false,
      error: '403::Unknown client',
      advice: { reconnect: 'handshake' },
    });
    expect((await subscribe(clientId, '/data/ContactChangeEvent')).body[0]).toEqual({
      channel: '/meta/subscribe',
      id: '2',
      clientId,
      subscription: '/data/ContactChangeEvent',
      successful: false,
      error: '403::Unknown client',
      advice: { reconnect: 'handshake', interval: 0 },
    });
  });

  it('holds /meta/connect until an event comes, and duplicates on request', async () => {
    const clientId = await handshake();
    await subscribe(clientId, '/data/ChangeEvents');
    sf.cdc.duplicateNext(1);
    const held = connect(clientId);
    const id = sf.control.create({ LastName: 'Held' });
    let got = dataOf((await held).body);
    while (got.length < 2) got = [...got, ...dataOf((await connect(clientId)).body)];
    expect(
      got.map((m) => [m.channel, (m.data.payload.ChangeEventHeader as { recordIds: string[] }).recordIds]),
    ).toEqual([
      ['/data/ChangeEvents', [id]],
      ['/data/ChangeEvents', [id]],
    ]);
    expect(got[0]?.data.event.replayId).toBe(got[1]?.data.event.replayId);
  });
  it("answers a connect that asks for timeout 0 at once, with the subscription batched after it (faye's first connect)", async () => {
    // Held for 10 minutes otherwise: the test would time out.
    const slow = await startSalesforceFake({ cometd: { connectTimeoutMs: 600_000 } });
    try {
      const call = async (messages: Msg[]) => {
        const res = await fetch(`${slow.url}/cometd/62.0`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `OAuth ${slow.accessToken}` },
          body: JSON.stringify(messages),
        });
        return (await res.json()) as Msg[];
      };
      const [hello] = await call([{ channel: '/meta/handshake', version: '1.0', id: '1' }]);
      const clientId = hello?.clientId;
      const batch = await call([
        {
          channel: '/meta/connect',
          clientId,
          connectionType: 'long-polling',
          advice: { timeout: 0 },
          id: '2',
        },
        { channel: '/meta/subscribe', clientId, subscription: '/data/ContactChangeEvent', id: '3' },
      ]);
      expect(batch.map((m) => [m.channel, m.successful])).toEqual([
        ['/meta/connect', true],
        ['/meta/subscribe', true],
      ]);
    } finally {
      await slow.close();
    }
  });
});
