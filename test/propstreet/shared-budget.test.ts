/**
 * The shared Propstreet send budget in PostgreSQL (127.0.0.1:5432/test, as the other PG tests):
 * several clients on one token against the fake's 600/min window, on virtual time the fake's
 * rate window follows too.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import { budgetKey, sharedRateBudget } from '../../src/app/rate-budgets.js';
import type { TenantConfig } from '../../src/config/index.js';
import type { Clock } from '../../src/core/clock.js';
import {
  localPacing,
  localRateBudget,
  type RateBudget,
  sharedPacing,
} from '../../src/propstreet/rate-budget.js';
import { migratePostgres } from '../../src/state/postgres-migrations.js';
import { postgresRateBudget } from '../../src/state/postgres-rate-budget.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../state/pg-test-db.js';
import { drive, expectPacedTogether, fourClientsOnOneToken, SharedVirtualClock } from './budget-support.js';

const schema = testSchemaName('budget');
const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 8 });
let keys = 0;
const newKey = () => `test-key-${process.pid}-${++keys}`;

beforeAll(async () => {
  await migratePostgres(pool, schema);
});
afterAll(async () => {
  await pool.end();
  await dropSchema(schema);
});

function shared(key: string, clock: Clock, rpm = 600): RateBudget {
  return postgresRateBudget({
    pool,
    schema,
    key,
    pacing: sharedPacing(rpm),
    fallback: localRateBudget(localPacing(rpm), clock),
    clock,
  });
}

describe('shared Propstreet rate budget (PostgreSQL)', () => {
  let fake: PropstreetFake;
  let clock: SharedVirtualClock;

  const limitedFake = async () => {
    clock = new SharedVirtualClock();
    fake = await startPropstreetFake({
      rateLimit: { limit: 600, windowMs: 60_000 },
      rateNow: () => clock.ms,
    });
  };

  it('keeps 4 clients on one token under 600/min: 0 × 429 over 1,600 requests, near the bound', async () => {
    const key = newKey();
    expectPacedTogether(await fourClientsOnOneToken((c) => shared(key, c)));
  }, 120_000);

  it('without it (each client its own budget), the same 4 clients draw 429s', async () => {
    const { statuses } = await fourClientsOnOneToken(() => undefined);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  }, 120_000);

  it("folds the server's count in: after another user took 450 of the window, 4 clients still draw no 429", async () => {
    await limitedFake();
    try {
      const [seeded] = fake.seed([{ firstName: 'Other' }]);
      for (let i = 0; i < 450; i++) {
        const res = await fetch(`${fake.url}/api/v1/network/contacts/${seeded?.id ?? ''}`, {
          headers: { authorization: `Bearer ${fake.token}` },
        });
        await res.arrayBuffer();
      }
      const before = fake.apiRequests().length;
      const key = newKey();
      const { statuses } = await drive(
        fake,
        clock,
        [0, 1, 2, 3].map(() => shared(key, clock)),
        100,
      );
      expect(statuses.slice(before)).toHaveLength(400);
      expect(statuses.filter((s) => s === 429)).toHaveLength(0);
    } finally {
      await fake.close();
    }
  }, 120_000);

  it("one process's view of the server's count moves every process's next slot", async () => {
    const c = new SharedVirtualClock();
    const key = newKey();
    const [a, b] = [shared(key, c), shared(key, c)] as [RateBudget, RateBudget];
    const { intervalMs } = sharedPacing(600);
    expect(await a.reserve()).toBe(0);
    // 10 left in a window that resets in 30 s: the others' next slot leaves room for only those.
    a.observe({ remaining: 10, resetMs: 30_000, inFlight: 0 });
    // The reserve above already put the slot an interval ahead: wait for the count's move,
    // not for that (waiting on `tat > now` raced the fire-and-forget update).
    await waitForRow(key, (tat) => tat > c.ms + 2 * intervalMs);
    const wait = await b.reserve();
    expect(wait).toBeGreaterThanOrEqual(30_000 - 10 * intervalMs);
    expect(wait).toBeLessThan(30_000);
  });

  it("a 429's Retry-After pauses every process on the token", async () => {
    const c = new SharedVirtualClock();
    const key = newKey();
    const [a, b] = [shared(key, c), shared(key, c)] as [RateBudget, RateBudget];
    await a.reserve();
    a.pause(12_000);
    await waitForRow(key, (_tat, blocked) => blocked > c.ms);
    expect(await b.reserve()).toBe(12_000);
  });

  it("a crashed holder's slots come back: a survivor waits out at most what it reserved", async () => {
    const c = new SharedVirtualClock();
    const key = newKey();
    const { intervalMs } = sharedPacing(600);
    const dead = shared(key, c);
    // Reserves 50 slots and never sends them (the process died waiting for them).
    for (let i = 0; i < 50; i++) await dead.reserve();
    const survivor = shared(key, c);
    const first = await survivor.reserve();
    expect(first).toBeCloseTo(50 * intervalMs, 1);
    c.advance(first + intervalMs + 1);
    expect(await survivor.reserve()).toBe(0);
  });

  it("uses the database's clock, not the processes': slots an interval apart whatever time they think it is", async () => {
    const key = newKey();
    // 61 s apart: the three reservations' own run time (a few queries) stays far inside the
    // 30 s slack below, even on a loaded machine.
    const rpm = 1;
    const { intervalMs } = sharedPacing(rpm);
    const skewed = (offsetMs: number): Clock => ({
      now: () => new Date(Date.now() + offsetMs),
      sleep: async () => undefined,
    });
    const make = (clock: Clock) =>
      postgresRateBudget({
        pool,
        schema,
        key,
        pacing: sharedPacing(rpm),
        fallback: localRateBudget(localPacing(rpm), clock),
      });
    const waits = [
      await make(skewed(+90_000)).reserve(),
      await make(skewed(-90_000)).reserve(),
      await make(skewed(0)).reserve(),
    ];
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeLessThanOrEqual(intervalMs);
    expect(waits[1]).toBeGreaterThan(intervalMs - 30_000);
    expect(waits[2]).toBeLessThanOrEqual(2 * intervalMs);
    expect(waits[2]).toBeGreaterThan(2 * intervalMs - 30_000);
  });

  it('falls back to pacing alone when the table is not there, rather than failing requests', async () => {
    const c = new SharedVirtualClock();
    const budget = postgresRateBudget({
      pool,
      schema: `${schema}_missing`,
      key: newKey(),
      pacing: sharedPacing(60),
      fallback: localRateBudget(localPacing(60, 1), c),
      clock: c,
    });
    expect(await budget.reserve()).toBe(0);
    expect(await budget.reserve()).toBe(1_000);
  });
});

describe('which budget a tenant gets', () => {
  const tenant = (state: TenantConfig['state'], auth: TenantConfig['propstreet']['auth']) =>
    ({
      tenant: 't',
      propstreet: { baseUrl: 'http://127.0.0.1:1', requestsPerMinute: 600, auth },
      state,
    }) as unknown as TenantConfig;
  const pgState = { kind: 'postgres', url: TEST_DATABASE_URL, schema, from: 'config' } as const;
  const deps = { clock: new SharedVirtualClock(), logger: undefined as never };

  it('PostgreSQL and SQLite files share one; an in-memory SQLite store keeps the client its own', () => {
    const token = { kind: 'token', token: 'tok-1' } as const;
    expect(sharedRateBudget(tenant(pgState, token), deps)).toBeDefined();
    expect(
      sharedRateBudget(tenant({ kind: 'sqlite', path: '/tmp/no-such-dir/state.db' }, token), deps),
    ).toBeDefined();
    expect(sharedRateBudget(tenant({ kind: 'sqlite', path: ':memory:' }, token), deps)).toBeUndefined();
  });

  it('keys the budget by a hash of the token or the OAuth client, never the secret', () => {
    const token = 'ps-secret-token-0123456789';
    const k = budgetKey({ kind: 'token', token });
    expect(k).toBe(budgetKey({ kind: 'token', token }));
    expect(k).not.toContain(token);
    expect(k).not.toBe(budgetKey({ kind: 'token', token: `${token}x` }));
    const client = {
      kind: 'client-credentials',
      clientId: 'c1',
      tokenUrl: 'https://x/openid/token',
    } as const;
    const secretA = budgetKey({ ...client, clientSecret: 'secret-a' });
    expect(secretA).toBe(budgetKey({ ...client, clientSecret: 'secret-b' }));
    expect(secretA).not.toBe(budgetKey({ ...client, clientId: 'c2', clientSecret: 'secret-a' }));
  });
});

/** Observations are sent without waiting; wait for the row to show one. */
async function waitForRow(key: string, ok: (tatMs: number, blockedMs: number) => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await pool.query<{ tat_ms: number; blocked_until_ms: number }>(
      `SELECT tat_ms, blocked_until_ms FROM "${schema}".rate_budgets WHERE key = $1`,
      [key],
    );
    const row = rows[0];
    if (row && ok(row.tat_ms, row.blocked_until_ms)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the budget row ${key} never showed the change`);
}
