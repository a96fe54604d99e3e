/**
 * The shared Propstreet send budget in the SQLite state file (src/state/sqlite-rate-budget.ts):
 * clients each on a connection of their own to one file, as processes on one machine are,
 * against the fake's 600/min window on virtual time the fake's rate window follows too.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPropstreetFake } from '../../fakes/propstreet/index.js';
import { openPropstreet } from '../../src/app/open-propstreet.js';
import { sharedRateBudget } from '../../src/app/rate-budgets.js';
import type { TenantConfig } from '../../src/config/index.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import {
  localPacing,
  localRateBudget,
  type RateBudget,
  sharedPacing,
} from '../../src/propstreet/rate-budget.js';
import { createSqliteStateStore } from '../../src/state/index.js';
import { BUSY_WAIT_MS, openBudgetDatabase, sqliteRateBudget } from '../../src/state/sqlite-rate-budget.js';
import { expectPacedTogether, fourClientsOnOneToken, SharedVirtualClock } from './budget-support.js';

let dir: string;
let path: string;
const opened: Database.Database[] = [];
let keys = 0;
const newKey = () => `test-key-${++keys}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'propsync-budget-'));
  path = join(dir, 'state.db');
  const store = createSqliteStateStore({ path });
  await store.migrate();
  await store.close();
});
afterAll(() => {
  for (const db of opened) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A budget on a connection of its own, as another process's would be. */
function shared(key: string, clock: SharedVirtualClock, rpm = 600, file = () => path): RateBudget {
  return sqliteRateBudget({
    db: () => {
      const db = openBudgetDatabase(file());
      opened.push(db);
      return db;
    },
    key,
    pacing: sharedPacing(rpm),
    fallback: localRateBudget(localPacing(rpm, 1), clock),
    clock,
  });
}

describe('shared Propstreet rate budget (SQLite state file)', () => {
  it('keeps 4 clients on one token under 600/min: 0 × 429 over 1,600 requests, near the bound', async () => {
    const key = newKey();
    expectPacedTogether(await fourClientsOnOneToken((clock) => shared(key, clock)));
  }, 120_000);

  it("moves every client's next slot: the server's count and a 429's Retry-After", async () => {
    const c = new SharedVirtualClock();
    const key = newKey();
    const [a, b] = [shared(key, c), shared(key, c)] as [RateBudget, RateBudget];
    const { intervalMs } = sharedPacing(600);
    expect(await a.reserve()).toBe(0);
    a.observe({ remaining: 10, resetMs: 30_000, inFlight: 0 });
    const wait = await b.reserve();
    expect(wait).toBeGreaterThanOrEqual(30_000 - 10 * intervalMs);
    expect(wait).toBeLessThan(30_000);
    const key2 = newKey();
    const [x, y] = [shared(key2, c), shared(key2, c)] as [RateBudget, RateBudget];
    await x.reserve();
    x.pause(12_000);
    expect(await y.reserve()).toBe(12_000);
  });

  it('a clock that went back (or virtual time in a file real time used) restarts the slots instead of waiting them out', async () => {
    const c = new SharedVirtualClock();
    const key = newKey();
    const budget = shared(key, c, 60);
    expect(await budget.reserve()).toBe(0);
    expect(await budget.reserve()).toBeGreaterThan(0);
    c.advance(-3_600_000);
    expect(await budget.reserve()).toBe(0);
  });

  it("paces alone, without stalling, while another process holds the file's write lock, or before the file exists", async () => {
    const c = new SharedVirtualClock();
    const key = newKey();
    const budget = shared(key, c, 60);
    expect(await budget.reserve()).toBe(0);
    const holder = openBudgetDatabase(path);
    opened.push(holder);
    holder.exec('BEGIN IMMEDIATE');
    try {
      // The fallback's own pace (1 a second at 60/min, no burst): its first slot is free.
      expect(await budget.reserve()).toBe(0);
      expect(await budget.reserve()).toBe(1_000);
      // SQLite waits for the lock this long (synchronously: the event loop with it), not the
      // store's 5 s.
      expect(holder.pragma('busy_timeout', { simple: true })).toBe(BUSY_WAIT_MS);
    } finally {
      holder.exec('ROLLBACK');
    }
    const missing = shared(newKey(), c, 60, () => join(dir, 'missing', 'state.db'));
    expect(await missing.reserve()).toBe(0);
  });
});

describe('which budget a SQLite tenant gets', () => {
  it('its state file shares one with every process using it', async () => {
    const clock = new SharedVirtualClock();
    const config = {
      tenant: 't',
      propstreet: {
        baseUrl: 'http://127.0.0.1:1',
        requestsPerMinute: 60,
        auth: { kind: 'token', token: 'tok' },
      },
      state: { kind: 'sqlite', path },
    } as unknown as TenantConfig;
    const [a, b] = [
      sharedRateBudget(config, { clock, logger: silentLogger }),
      sharedRateBudget(config, { clock, logger: silentLogger }),
    ];
    expect(await a?.reserve()).toBe(0);
    // The second client's first slot is an interval after the first's (60/min shared: ~1 s).
    expect(await b?.reserve()).toBeGreaterThan(900);
    a?.close?.();
    b?.close?.();
    // A dry run leaves the file as it was: its client paces alone.
    expect(sharedRateBudget(config, { clock, logger: silentLogger, dryRun: true })).toBeUndefined();
  });

  it("closes its connection with the client: the store's last close checkpoints the WAL, as before the budget", async () => {
    const fake = await startPropstreetFake();
    const file = join(dir, 'own.db');
    const store = createSqliteStateStore({ path: file });
    await store.migrate();
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    try {
      const [seeded] = fake.seed([{ firstName: 'Budget' }]);
      const config = {
        tenant: 't',
        propstreet: { baseUrl: fake.url, requestsPerMinute: 600, auth: { kind: 'token', token: fake.token } },
        state: { kind: 'sqlite', path: file },
      } as unknown as TenantConfig;
      const client = await openPropstreet(config, {
        clock: systemClock,
        logger: silentLogger,
        redactor: new Redactor(),
      });
      await client.getContact(seeded?.id ?? '');
      // The request took its slot in the file: the budget's connection wrote the WAL.
      expect(existsSync(`${file}-wal`)).toBe(true);
      await client.close();
      // Left open, the connection would keep the WAL (and its bytes) until garbage collection.
      expect(existsSync(`${file}-wal`)).toBe(false);
    } finally {
      await fake.close();
    }
  });
});
