/**
 * State stores for a worker's jobs. PostgreSQL stores are opened (and migrated) once per
 * database+schema and share one small pool per database, so a worker serving hundreds of
 * tenants holds a handful of connections, not one pool per tenant. A SQLite tenant (only
 * sensible when every worker sees the same disk) gets its own store per job.
 */
import type pg from 'pg';
import { openTenantStore } from '../app/open-store.js';
import type { TenantConfig } from '../config/index.js';
import { createPostgresStateStore } from '../state/index.js';
import { pgDriver } from '../state/pg-driver.js';
import type { StateStore } from '../state/port.js';

export interface OpenedStore {
  readonly store: StateStore;
  /** Ends this job's use: closes a per-job store, leaves a shared one open. */
  release(): Promise<void>;
}

export interface TenantStores {
  open(config: TenantConfig): Promise<OpenedStore>;
  close(): Promise<void>;
}

export function createTenantStores(options: { poolSize: number }): TenantStores {
  const pools = new Map<string, pg.Pool>();
  const stores = new Map<string, Promise<StateStore>>();

  const poolFor = (url: string): pg.Pool => {
    let pool = pools.get(url);
    if (!pool) {
      // `pg` loads only for a PostgreSQL store (`serve` on SQLite keeps it out of memory).
      pool = new (pgDriver().Pool)({
        connectionString: url,
        max: options.poolSize,
        connectionTimeoutMillis: 10_000,
      });
      // A dropped idle connection is replaced on the next checkout; the next query reports an outage.
      pool.on('error', () => undefined);
      pools.set(url, pool);
    }
    return pool;
  };

  return {
    async open(config) {
      const spec = config.state;
      if (spec.kind === 'sqlite') {
        const store = await openTenantStore(config);
        return { store, release: () => store.close() };
      }
      const k = `${spec.url}\u0000${spec.schema}`;
      let opening = stores.get(k);
      if (!opening) {
        const store = createPostgresStateStore({ pool: poolFor(spec.url), schema: spec.schema });
        opening = store.migrate().then(() => store);
        stores.set(k, opening);
        // A failed migration (database down) is tried again by the next job.
        opening.catch(() => stores.delete(k));
      }
      return { store: await opening, release: async () => undefined };
    },
    async close() {
      const all = await Promise.allSettled(stores.values());
      stores.clear();
      for (const s of all) if (s.status === 'fulfilled') await s.value.close();
      for (const pool of pools.values()) if (!pool.ended) await pool.end();
      pools.clear();
    },
  };
}
