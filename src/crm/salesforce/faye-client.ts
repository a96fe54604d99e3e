/**
 * The part of faye's Bayeux client (jsforce's `conn.streaming.createClient`) the change stream
 * uses, typed here because jsforce's own faye typings do not reach this package, and how to
 * stop one for good. faye has no "close": `disconnect()` only sends `/meta/disconnect` from the
 * connected state, and a client whose handshake failed keeps retrying every 5 s, re-opening its
 * transport. Advice `reconnect: none` is faye's own stop flag (handshake and connect return
 * early on it), so teardown sets it, then closes the transport and aborts the requests in
 * flight (a held `/meta/connect` would otherwise keep the process alive for up to 110 s).
 * jsforce reaches into `_dispatcher` the same way (streaming.ts).
 */
import type { Connection } from 'jsforce';

export type BayeuxMessage = Record<string, unknown> & {
  readonly channel?: string;
  readonly successful?: boolean;
  readonly error?: string;
  readonly advice?: { readonly reconnect?: string };
  ext?: Record<string, unknown>;
};

type Next = (message: BayeuxMessage) => void;

export interface FayeExtension {
  incoming(message: BayeuxMessage, callback: Next): void;
  outgoing(message: BayeuxMessage, callback: Next): void;
}

export interface FayeClient {
  subscribe(channel: string, listener: (data: unknown) => void): PromiseLike<void>;
  disconnect(): PromiseLike<void> | undefined;
  on(event: 'transport:up' | 'transport:down', listener: () => void): void;
}

interface Envelope {
  timer?: ReturnType<typeof setTimeout> | null;
  request?: PromiseLike<{ abort?: () => void } | undefined> | null;
}

interface Internals {
  _advice?: { reconnect?: string };
  _dispatcher?: { close(): void; _envelopes?: Map<unknown, Envelope> };
}

/** A faye client on the connection's current session (jsforce sets `Authorization: OAuth <token>`). */
export function createFayeClient(conn: Connection, extensions: readonly FayeExtension[]): FayeClient {
  return conn.streaming.createClient([...extensions]) as unknown as FayeClient;
}

/** Stops the client for good: no retry, no transport, no request left in flight. */
export async function closeFayeClient(client: FayeClient, graceMs: number): Promise<void> {
  const bye = client.disconnect();
  if (bye) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.resolve(bye).catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
  const inside = client as unknown as Internals;
  if (inside._advice) inside._advice.reconnect = 'none';
  const dispatcher = inside._dispatcher;
  if (!dispatcher) return;
  for (const envelope of dispatcher._envelopes?.values() ?? []) {
    if (envelope.timer) clearTimeout(envelope.timer);
    envelope.timer = null;
    void Promise.resolve(envelope.request)
      .then((req) => req?.abort?.())
      .catch(() => undefined);
  }
  dispatcher._envelopes?.clear();
  dispatcher.close();
}
