/**
 * Which webhook events a tenant+connection has seen, persisted in its state store so that a
 * retry that arrives after a restart (or at another `serve` process on the same database) is
 * still a duplicate. Kept as state meta facts of the connection (`webhook.seen.<key>` = when
 * first seen, ISO; `connectionFacts` in state/port.ts), which every store already has; a
 * dedicated table would prune with one DELETE instead of a listing (see docs/WEBHOOKS.md). A small in-memory cache in front answers hot duplicates
 * without a query.
 *
 * Losing a key costs one extra run, never a record: the run reads deltas, not the event.
 */
import { type ConnectionScope, connectionFacts, type StateStore } from '../state/port.js';

export const SEEN_PREFIX = 'webhook.seen.';

export interface EventLedger {
  /** Records `keys` as seen by `scope` at `now`; returns those nobody had seen before. */
  admit(scope: ConnectionScope, keys: readonly string[], now: Date): Promise<string[]>;
  /** Forgets what `scope` saw before `now − retention`; returns how many keys went. */
  prune(scope: ConnectionScope, now: Date): Promise<number>;
}

export interface LedgerOptions {
  /** The scope's state store (the one its runs use). */
  readonly storeFor: (scope: ConnectionScope) => Promise<StateStore>;
  /** How long a key is remembered: longer than the vendors retry (Propstreet ~35 h). */
  readonly retentionMs: number;
  /** Keys cached in memory across all scopes. */
  readonly cacheSize?: number;
}

export const DEFAULT_RETENTION_MS = 72 * 3600 * 1000;

export function createEventLedger(options: LedgerOptions): EventLedger {
  const cacheSize = options.cacheSize ?? 50_000;
  /** Insertion-ordered, so the oldest entry is the first one. */
  const cache = new Map<string, number>();
  /** A key being admitted now: a parallel delivery of it waits and is then a duplicate. */
  const admitting = new Map<string, Promise<boolean>>();
  const id = (scope: ConnectionScope, key: string) => `${scope.tenant}\u0000${scope.connection}\u0000${key}`;

  const remember = (k: string, at: number) => {
    cache.delete(k);
    cache.set(k, at);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
  };

  /** True when the key is new. */
  const admitOne = async (
    store: StateStore,
    scope: ConnectionScope,
    key: string,
    now: Date,
  ): Promise<boolean> => {
    const k = id(scope, key);
    if (cache.has(k)) return false;
    const running = admitting.get(k);
    if (running) {
      await running.catch(() => undefined);
      return false;
    }
    const check = (async () => {
      const seen = await store.getMeta(connectionFacts(scope), SEEN_PREFIX + key);
      if (seen === null) await store.setMeta(connectionFacts(scope), SEEN_PREFIX + key, now.toISOString());
      remember(k, seen === null ? now.getTime() : Date.parse(seen));
      return seen === null;
    })();
    admitting.set(k, check);
    try {
      return await check;
    } finally {
      admitting.delete(k);
    }
  };

  return {
    async admit(scope, keys, now) {
      const store = await options.storeFor(scope);
      const fresh: string[] = [];
      for (const key of keys) if (await admitOne(store, scope, key, now)) fresh.push(key);
      return fresh;
    },
    async prune(scope, now) {
      const store = await options.storeFor(scope);
      const cutoff = now.getTime() - options.retentionMs;
      let gone = 0;
      for (const { key, value } of await store.listMeta(connectionFacts(scope))) {
        if (!key.startsWith(SEEN_PREFIX)) continue;
        const at = Date.parse(value);
        // An unreadable stamp is ours and useless: it goes too.
        if (Number.isNaN(at) || at < cutoff) {
          await store.setMeta(connectionFacts(scope), key, null);
          cache.delete(id(scope, key.slice(SEEN_PREFIX.length)));
          gone++;
        }
      }
      for (const [k, at] of cache) if (at < cutoff) cache.delete(k);
      return gone;
    },
  };
}
