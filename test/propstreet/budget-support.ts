/**
 * What the shared Propstreet budget tests (PostgreSQL and SQLite) drive: virtual time that
 * concurrent sleepers share, and clients on one fake token sending GETs.
 */
import type { PropstreetFake } from '../../fakes/propstreet/index.js';
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
