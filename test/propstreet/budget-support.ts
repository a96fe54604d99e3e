/**
 * What the shared Propstreet budget tests (PostgreSQL and SQLite) drive: virtual time that
 * concurrent sleepers share, and clients on one fake token sending GETs.
 */
import { expect } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import type { Clock } from '../../src/core/clock.js';
import { Redactor } from '../../src/core/redact.js';
import { createPropstreetClient, type PropstreetClient } from '../../src/propstreet/client.js';
import type { RateBudget } from '../../src/propstreet/rate-budget.js';
import { FAST_RETRY } from './helpers.js';

const redactor = new Redactor();

/**
 * Virtual time shared by concurrent sleepers: a sleep ends at its own target, and the clock
 * reads the latest target reached (not the sum of every sleep, which would run time ahead of
 * the requests in flight).
 */
export class SharedVirtualClock implements Clock {
  readonly sleeps: number[] = [];
  private t = Date.parse('2026-01-01T00:00:00Z');
  now(): Date {
    return new Date(this.t);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    const target = this.t + ms;
    await new Promise<void>((r) => setImmediate(r));
    this.t = Math.max(this.t, target);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  get ms(): number {
    return this.t;
  }
}

/** `clients` clients on the fake's one token, each sending `each` GETs, two at a time. */
export async function drive(
  fake: PropstreetFake,
  clock: SharedVirtualClock,
  budgets: readonly (RateBudget | undefined)[],
  each: number,
): Promise<{ statuses: number[]; virtualMs: number }> {
  const [seeded] = fake.seed([{ firstName: 'Shared' }]);
  const clients: PropstreetClient[] = budgets.map((budget) =>
    createPropstreetClient({
      baseUrl: fake.url,
      token: fake.token,
      requestsPerMinute: 600,
      clock,
      retry: FAST_RETRY,
      timeoutMs: 10_000,
      random: () => 0.5,
      redactor,
      ...(budget ? { rateBudget: budget } : {}),
    }),
  );
  const t0 = clock.ms;
  try {
    await Promise.all(
      clients.flatMap((c) =>
        [0, 1].map(async () => {
          for (let i = 0; i < each / 2; i++) await c.getContact(seeded?.id ?? '');
        }),
      ),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return { statuses: fake.apiRequests().map((r) => r.status), virtualMs: clock.ms - t0 };
}

/**
 * Four clients on one token whose fake counts a 600-per-minute window on virtual time, 400 GETs
 * each, each client on the budget `budget` makes (undefined: the client's own): the requests'
 * statuses and the accepted pace.
 */
export async function fourClientsOnOneToken(
  budget: (clock: SharedVirtualClock) => RateBudget | undefined,
): Promise<{ statuses: number[]; perMinute: number }> {
  const clock = new SharedVirtualClock();
  const fake = await startPropstreetFake({
    rateLimit: { limit: 600, windowMs: 60_000 },
    rateNow: () => clock.ms,
  });
  try {
    const { statuses, virtualMs } = await drive(
      fake,
      clock,
      [0, 1, 2, 3].map(() => budget(clock)),
      400,
    );
    return { statuses, perMinute: statuses.length / (virtualMs / 60_000) };
  } finally {
    await fake.close();
  }
}

/**
 * What a shared budget must do with them: all 1,600 answered, none 429, at the shared pace (589
 * a minute: about 163 s of virtual time) and not starved (a window lost to waiting would add 60 s).
 */
export function expectPacedTogether(r: { statuses: number[]; perMinute: number }): void {
  expect(r.statuses).toHaveLength(1_600);
  expect(r.statuses.filter((s) => s === 429)).toHaveLength(0);
  expect(r.perMinute).toBeGreaterThan(560);
  expect(r.perMinute).toBeLessThanOrEqual(600);
}
