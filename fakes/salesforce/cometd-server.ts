/**
 * The Streaming API's Bayeux endpoint, `/cometd/<apiVersion>`, over HTTP long-polling as
 * Salesforce serves it to CometD and faye (jsforce's `conn.streaming`): `/meta/handshake`,
 * `/meta/connect` (held until an event comes or `connectTimeoutMs` passes; Salesforce holds
 * 110 s), `/meta/subscribe` with the replay extension (`ext.replay: {channel: replayId}`,
 * -1 new events, -2 all retained, an id: the events after it), `/meta/unsubscribe`,
 * `/meta/disconnect`. Sessions are the REST API's (`Authorization: OAuth <token>`). Change
 * events come from change-events.ts. Sources: docs/VENDOR-BEHAVIOUR.md, "Change Data Capture".
 */
import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { type ChangeEvent, type ChangeEventLog, channelOf } from './change-events.js';

type Message = Record<string, unknown> & { readonly channel?: unknown; readonly id?: unknown };

export interface CometdOptions {
  /** How long `/meta/connect` is held without events (Salesforce: 110 s); also its advice.timeout. */
  readonly connectTimeoutMs?: number;
  /**
   * The network time of a held `/meta/connect`'s answer, drawn per answer (the fake's latency
   * knob: the request's own latency was spent before it was held, so without this an event
   * would reach the client in no time).
   */
  readonly answerLatencyMs?: () => number;
}

/** Fault knobs of the streaming endpoint (`fake.cdc`). */
export interface CometdFaults {
  /** The next `n` handshakes are denied as for an invalid session (401 + `403::Handshake denied`). */
  rejectHandshakes(n: number): void;
  /** Each of the next `n` events is delivered twice (at-least-once delivery). */
  duplicateNext(n: number): void;
  /** Forgets every client, as a server restart does: held connects end, the next call gets `403::Unknown client`. */
  dropClients(): void;
}

interface Client {
  readonly id: string;
  readonly token: string;
  readonly channels: Set<string>;
  queue: Message[];
  /** The held `/meta/connect`, answered by `wake`. */
  wake: (() => void) | undefined;
}

const ADVICE_RETRY = (timeout: number) => ({ interval: 0, timeout, reconnect: 'retry' });
const ALL_EVENTS = '/data/ChangeEvents';

export class CometdServer implements CometdFaults {
  readonly connectTimeoutMs: number;
  private readonly answerLatencyMs: () => number;
  private readonly clients = new Map<string, Client>();
  private deniedHandshakes = 0;
  private duplicates = 0;

  constructor(
    private readonly log: ChangeEventLog,
    private readonly isLive: (token: string) => boolean,
    options: CometdOptions = {},
  ) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 110_000;
    this.answerLatencyMs = options.answerLatencyMs ?? (() => 0);
    log.onEvent((e) => this.deliver(e));
  }

  rejectHandshakes(n: number): void {
    this.deniedHandshakes = n;
  }

  duplicateNext(n: number): void {
    this.duplicates = n;
  }

  dropClients(): void {
    const woken = [...this.clients.values()];
    this.clients.clear();
    for (const c of woken) c.wake?.();
  }

  /** Clients with a session now (control API, tests). */
  clientCount(): number {
    return this.clients.size;
  }

  async handle(req: FakeRequest): Promise<FakeResponse> {
    if (!/^\/cometd\/\d+\.\d$/.test(req.path)) {
      return reply(400, [
        { successful: false, error: "400::API version in the URI is mandatory. URI format: '/cometd/62.0'" },
      ]);
    }
    if (req.method !== 'POST' || req.bodyError)
      return reply(400, [{ successful: false, error: '400::Bad request' }]);
    const messages = (Array.isArray(req.body) ? req.body : [req.body]) as Message[];
    const token = /^(OAuth|Bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[2];
    const out: Message[] = [];
    let status = 200;
    for (const m of messages) {
      const denied = m.channel === '/meta/handshake' && this.deniedHandshakes > 0;
      if (denied) this.deniedHandshakes--;
      if (!token || !this.isLive(token) || denied) {
        status = 401;
        out.push(
          authFailure(m, token ? '401::Authentication invalid' : '401::Request requires authentication'),
        );
        continue;
      }
      out.push(...(await this.dispatch(m, token)));
    }
    return reply(status, out);
  }

  private async dispatch(m: Message, token: string): Promise<Message[]> {
    const base = { channel: m.channel, ...(m.id === undefined ? {} : { id: m.id }) };
    if (m.channel === '/meta/handshake') {
      const id = randomBytes(14).toString('base64url').toLowerCase();
      this.clients.set(id, { id, token, channels: new Set(), queue: [], wake: undefined });
      return [
        {
          ...base,
          version: '1.0',
          minimumVersion: '1.0',
          supportedConnectionTypes: ['long-polling'],
          clientId: id,
          successful: true,
          ext: { replay: true, 'payload.format': true },
          advice: ADVICE_RETRY(this.connectTimeoutMs),
        },
      ];
    }
    const client = typeof m.clientId === 'string' ? this.clients.get(m.clientId) : undefined;
    if (!client) {
      return [
        {
          ...base,
          clientId: m.clientId,
          ...subscriptionOf(m),
          successful: false,
          error: '403::Unknown client',
          advice: { reconnect: 'handshake', interval: 0 },
        },
      ];
    }
    switch (m.channel) {
      case '/meta/connect':
        return this.connect(client, base, clientTimeout(m));
      case '/meta/subscribe':
        return [this.subscribe(client, m, base)];
      case '/meta/unsubscribe':
        client.channels.delete(String(m.subscription));
        return [{ ...base, clientId: client.id, subscription: m.subscription, successful: true }];
      case '/meta/disconnect':
        this.clients.delete(client.id);
        client.wake?.();
        return [{ ...base, clientId: client.id, successful: true }];
      default:
        return [{ ...base, clientId: client.id, successful: false, error: '403::Publish denied' }];
    }
  }

  /**
   * Held until an event comes (pushed at once, C4) or the hold ends: ours, or the client's own
   * `advice.timeout` when shorter. faye batches its first connect with the subscriptions and
   * asks for `timeout: 0` so the batch is answered at once (C8); holding it would hold the
   * subscriptions' answers too.
   */
  private async connect(client: Client, base: Message, wanted: number | undefined): Promise<Message[]> {
    const hold = Math.min(wanted ?? this.connectTimeoutMs, this.connectTimeoutMs);
    if (client.queue.length === 0 && hold > 0) {
      client.wake?.();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, hold);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        client.wake = done;
      });
      client.wake = undefined;
      // Pushed as soon as an event comes (C4); the answer still crosses the network.
      const travel = this.answerLatencyMs();
      if (travel > 0) await new Promise((resolve) => setTimeout(resolve, travel));
    }
    if (!this.clients.has(client.id)) {
      return [
        {
          ...base,
          clientId: client.id,
          successful: false,
          error: '403::Unknown client',
          advice: { reconnect: 'handshake', interval: 0 },
        },
      ];
    }
    const events = client.queue;
    client.queue = [];
    return [
      ...events,
      { ...base, clientId: client.id, successful: true, advice: ADVICE_RETRY(this.connectTimeoutMs) },
    ];
  }

  private subscribe(client: Client, m: Message, base: Message): Message {
    const channel = m.subscription;
    const answer = { ...base, clientId: client.id, subscription: channel };
    if (typeof channel !== 'string' || channel === '')
      return { ...answer, successful: false, error: '400::Channel name not specified' };
    if (!channel.startsWith('/'))
      return {
        ...answer,
        successful: false,
        error: "400::Channel subscriptions must start with a leading '/'",
      };
    if (!this.channels().includes(channel))
      return {
        ...answer,
        successful: false,
        error: `400::The channel you requested to subscribe to does not exist {${channel}}`,
      };
    const replay = (m.ext as { replay?: Record<string, unknown> } | undefined)?.replay?.[channel];
    const from = typeof replay === 'number' ? replay : Number(replay ?? -1);
    const backlog = Number.isInteger(from) ? this.log.after(from) : undefined;
    if (!backlog)
      return {
        ...answer,
        successful: false,
        error: `400::The replayId {${String(replay)}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
      };
    client.channels.add(channel);
    for (const e of backlog) if (matches(channel, e)) client.queue.push(message(channel, e));
    if (client.queue.length > 0) client.wake?.();
    return { ...answer, successful: true };
  }

  private channels(): string[] {
    return [ALL_EVENTS, ...this.log.entities.map(channelOf)];
  }

  private deliver(e: ChangeEvent): void {
    const copies = this.duplicates > 0 ? 2 : 1;
    if (this.duplicates > 0) this.duplicates--;
    for (const client of this.clients.values()) {
      for (const channel of client.channels) {
        if (!matches(channel, e)) continue;
        for (let i = 0; i < copies; i++) client.queue.push(message(channel, e));
      }
      if (client.queue.length > 0) client.wake?.();
    }
  }
}

/** The `advice.timeout` a client sends on `/meta/connect`, ms. */
function clientTimeout(m: Message): number | undefined {
  const t = (m.advice as { timeout?: unknown } | undefined)?.timeout;
  return typeof t === 'number' && t >= 0 ? t : undefined;
}

const matches = (channel: string, e: ChangeEvent) => channel === ALL_EVENTS || channel === e.channel;

function message(channel: string, e: ChangeEvent): Message {
  return {
    channel,
    data: {
      schema: `fake-${e.payload.ChangeEventHeader.entityName}-schema`,
      payload: e.payload,
      event: { replayId: e.replayId },
    },
  };
}

function authFailure(m: Message, reason: string): Message {
  const base = { channel: m.channel, ...(m.id === undefined ? {} : { id: m.id }) };
  if (m.channel === '/meta/handshake')
    return {
      ...base,
      successful: false,
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: reason }, replay: true },
      advice: { reconnect: 'none' },
    };
  return {
    ...base,
    clientId: m.clientId,
    ...subscriptionOf(m),
    successful: false,
    error: reason,
    advice: { reconnect: 'none', interval: 0 },
  };
}

/** An (un)subscribe answer names its subscription, refused or not (C11: a MUST of the response). */
function subscriptionOf(m: Message): Partial<Message> {
  return m.channel === '/meta/subscribe' || m.channel === '/meta/unsubscribe'
    ? { subscription: m.subscription }
    : {};
}

function reply(status: number, body: Message[]): FakeResponse {
  return { status, body, headers: { 'content-type': 'application/json;charset=UTF-8' } };
}
