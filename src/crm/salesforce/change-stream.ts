/**
 * Salesforce Change Data Capture over the Streaming API (CometD long-polling, jsforce's faye
 * client): one subscription per connection to `/data/ContactChangeEvent` and/or
 * `/data/AccountChangeEvent`, resumed from the replay ids kept in the state store.
 *
 * An event is never data: it says "this connection changed", and `onChange` asks for a run (the
 * run reads the deltas from its checkpoints, as a scheduled one does). A channel's replay id
 * moves past an event only once `onChange` has returned (the run trigger took it), and is saved
 * after that, so a restart resumes at the last event handed over (at-least-once; a replayed
 * duplicate costs at most a run the trigger coalesces).
 *
 * jsforce's StreamingExtension.Replay is not used: it holds one channel, and it advances on
 * receipt, before the listener has handled the event. The extension here sends, on every
 * (re)subscribe faye makes, the last id handed over per channel.
 *
 * When Salesforce no longer holds a channel's position (72 h retention: `400::The replayId {…}
 * you provided was invalid…`), or there is none yet, the channel subscribes from -1 (new events
 * only) and `onReplayReset` asks for one run once that subscription is acknowledged. Nothing
 * is lost: every change before the acknowledgement is read by that run (it starts after it
 * and reads from the checkpoint of the last completed run), every change after it comes as
 * an event.
 *
 * A dropped transport restarts the client after a backoff; an authentication failure
 * (`advice.reconnect: none`, 401) first makes one REST call, which lets jsforce refresh the
 * session on its 401, and the new client signs in with the refreshed token.
 */
import type { Connection } from 'jsforce';
import type { Logger } from '../../core/logger.js';
import { type BayeuxMessage, closeFayeClient, createFayeClient, type FayeClient } from './faye-client.js';

export type ChangeEntity = 'Contact' | 'Account';

export interface ChangeNotice {
  readonly entity: ChangeEntity;
  readonly changeType: string;
  readonly recordIds: readonly string[];
  /** When Salesforce committed the change. */
  readonly committedAt: Date;
  readonly replayId: number;
}

/** Where the replay ids live (the connection's state facts in `serve`). */
export interface ReplayStore {
  load(): Promise<Readonly<Record<string, number>>>;
  save(positions: Readonly<Record<string, number>>): Promise<void>;
}

export type StreamEvent =
  | {
      readonly type: 'event';
      readonly outcome: 'accepted' | 'own-write' | 'duplicate' | 'refused';
      readonly notice: ChangeNotice;
    }
  | { readonly type: 'reset'; readonly channel: string; readonly reason: 'expired' | 'no-position' }
  | { readonly type: 'restart'; readonly reason: 'transport' | 'auth' };

export interface ChangeStreamOptions {
  /** jsforce connection of the Salesforce connection, with its token refresh. */
  readonly connection: Connection;
  readonly entities: readonly ChangeEntity[];
  readonly replay: ReplayStore;
  /** Hands a change over (the run trigger); throwing means "not taken". */
  onChange(notice: ChangeNotice): void;
  /** The position of `channel` was lost or never kept: ask for one run. */
  onReplayReset(channel: string): void;
  /** Metrics. */
  readonly observe?: (event: StreamEvent) => void;
  /**
   * The `Sforce-Call-Options` client id of our own writes (`propsync`): a change whose
   * `changeOrigin` names it was made by a run, which has already synced it.
   */
  readonly ownClient?: string;
  readonly logger: Logger;
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
}

export interface ChangeStream {
  /** Resolves once every channel's first subscription was acknowledged (or failed). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

const channelFor = (entity: ChangeEntity): string => `/data/${entity}ChangeEvent`;

const EXPIRED = /^400::The replayId \{[^}]*\} you provided was invalid/;
/** The object has no change events (not selected in Setup): permanent. */
const MISSING_CHANNEL = /^400::The channel you requested to subscribe to does not exist/;

export async function startChangeStream(o: ChangeStreamOptions): Promise<ChangeStream> {
  const channels = o.entities.map(channelFor);
  const stored = await o.replay.load();
  const positions = new Map<string, number>();
  const resets = new Map<string, 'expired' | 'no-position'>();
  for (const c of channels) {
    const at = stored[c];
    if (typeof at === 'number' && Number.isInteger(at) && at >= 0) positions.set(c, at);
    else resets.set(c, 'no-position');
  }
  const initialMs = o.backoff?.initialMs ?? 1000;
  const maxMs = o.backoff?.maxMs ?? 60_000;
  let attempt = 0;
  let client: FayeClient | undefined;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let stopping = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const acknowledged = new Set<string>();

  let saving: Promise<void> = Promise.resolve();
  let dirty = false;
  const persist = () => {
    if (dirty) return;
    dirty = true;
    saving = saving.then(async () => {
      dirty = false;
      await o.replay
        .save(Object.fromEntries(positions))
        .catch((error: unknown) =>
          o.logger.warn({ err: (error as Error).message }, 'could not keep the Salesforce replay id'),
        );
    });
  };

  const onSubscribed = (message: BayeuxMessage) => {
    const channel = String(message.subscription ?? '');
    if (message.successful) {
      attempt = 0;
      const reason = resets.get(channel);
      if (reason) {
        resets.delete(channel);
        o.observe?.({ type: 'reset', channel, reason });
        o.onReplayReset(channel);
      }
    } else if (EXPIRED.test(message.error ?? '')) {
      o.logger.warn(
        { channel, replayId: positions.get(channel) },
        'Salesforce no longer holds the replay id (72 h retention): subscribing to new events and running once to catch up',
      );
      positions.delete(channel);
      resets.set(channel, 'expired');
      restart('transport', 0);
      return;
    } else if (MISSING_CHANNEL.test(message.error ?? '')) {
      // Change events not enabled for the object: no retry helps; the schedule's runs still read it.
      o.logger.error({ channel, error: message.error }, 'Salesforce refused the change event subscription');
    } else {
      // Anything else (a client forgotten between handshake and subscribe: `403::Unknown client`)
      // passes. faye drops a channel whose subscribe failed and never asks for it again, so the
      // channel would stay deaf until a restart: a new client, after the backoff.
      o.logger.warn(
        { channel, error: message.error },
        'Salesforce refused the change event subscription for now: subscribing again',
      );
      restart('transport');
      return;
    }
    acknowledged.add(channel);
    if (channels.every((c) => acknowledged.has(c))) markReady();
  };

  const extension = {
    outgoing(message: BayeuxMessage, next: (m: BayeuxMessage) => void) {
      if (message.channel === '/meta/subscribe' && typeof message.subscription === 'string') {
        // A channel without a position subscribes from -1: what changed since the last client is
        // read by a run, asked for once the subscription stands. Here, not in open(): faye also
        // subscribes again by itself, after Salesforce forgot its client (`403::Unknown client`,
        // advice `handshake`), and the changes of that gap need the run as much.
        if (!positions.has(message.subscription) && !resets.has(message.subscription))
          resets.set(message.subscription, 'no-position');
        const from = positions.get(message.subscription) ?? -1;
        message.ext = { ...(message.ext ?? {}), replay: { [message.subscription]: from } };
      }
      next(message);
    },
    incoming(message: BayeuxMessage, next: (m: BayeuxMessage) => void) {
      if (message.channel === '/meta/subscribe') onSubscribed(message);
      const denied =
        (message.channel === '/meta/handshake' || message.channel === '/meta/connect') &&
        message.successful === false &&
        message.advice?.reconnect === 'none';
      next(message);
      if (denied) {
        o.logger.warn({ error: message.error }, 'Salesforce streaming session rejected: signing in again');
        restart('auth');
      }
    },
  };

  const receive = (data: unknown) => {
    const notice = noticeOf(data);
    if (!notice || !o.entities.includes(notice.entity)) return;
    const channel = channelFor(notice.entity);
    const at = positions.get(channel);
    if (at !== undefined && notice.replayId <= at) {
      o.observe?.({ type: 'event', outcome: 'duplicate', notice });
      return;
    }
    const origin = headerOf(data)?.changeOrigin;
    const own =
      o.ownClient !== undefined && typeof origin === 'string' && origin.endsWith(`;client=${o.ownClient}`);
    if (!own) {
      try {
        o.onChange(notice);
      } catch (error) {
        o.observe?.({ type: 'event', outcome: 'refused', notice });
        o.logger.error({ err: (error as Error).message, channel }, 'a change event was not taken');
        return;
      }
    }
    o.observe?.({ type: 'event', outcome: own ? 'own-write' : 'accepted', notice });
    positions.set(channel, notice.replayId);
    persist();
  };

  const open = () => {
    if (stopping) return;
    const c = createFayeClient(o.connection, [extension]);
    client = c;
    c.on('transport:down', () => {
      if (client === c) restart('transport');
    });
    for (const channel of channels) void c.subscribe(channel, receive);
  };

  const restart = (reason: 'transport' | 'auth', delayMs?: number) => {
    if (stopping || restartTimer !== undefined) return;
    o.observe?.({ type: 'restart', reason });
    const old = client;
    client = undefined;
    if (old) void closeFayeClient(old, 0);
    const wait = delayMs ?? Math.min(maxMs, initialMs * 2 ** attempt);
    attempt++;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      void (async () => {
        if (reason === 'auth') {
          try {
            // A 401 here makes jsforce refresh the session (its refreshFn) before the new client copies the token.
            await o.connection.limits();
          } catch (error) {
            o.logger.error({ err: (error as Error).message }, 'Salesforce sign-in for change events failed');
            restart('auth');
            return;
          }
        }
        open();
      })();
    }, wait);
  };

  open();
  return {
    ready,
    async stop() {
      stopping = true;
      if (restartTimer !== undefined) clearTimeout(restartTimer);
      restartTimer = undefined;
      markReady();
      const c = client;
      client = undefined;
      if (c) await closeFayeClient(c, 2000);
      await saving;
    },
  };
}

interface Header {
  readonly entityName?: unknown;
  readonly changeType?: unknown;
  readonly recordIds?: unknown;
  readonly commitTimestamp?: unknown;
  readonly changeOrigin?: unknown;
}

function headerOf(data: unknown): Header | undefined {
  return (data as { payload?: { ChangeEventHeader?: Header } } | undefined)?.payload?.ChangeEventHeader;
}

function noticeOf(data: unknown): ChangeNotice | undefined {
  const header = headerOf(data);
  const replayId = (data as { event?: { replayId?: unknown } } | undefined)?.event?.replayId;
  if (!header || typeof replayId !== 'number') return undefined;
  const entity = header.entityName;
  if (entity !== 'Contact' && entity !== 'Account') return undefined;
  const at = typeof header.commitTimestamp === 'number' ? header.commitTimestamp : Date.now();
  return {
    entity,
    changeType: String(header.changeType ?? ''),
    recordIds: Array.isArray(header.recordIds) ? header.recordIds.map(String) : [],
    committedAt: new Date(at),
    replayId,
  };
}
