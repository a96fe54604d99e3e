/**
 * A Propstreet token's send budget in PostgreSQL (rate-budget.ts), shared by every process whose
 * state is in that database: one row per token, its GCRA slot taken by one atomic upsert per
 * request. Time is the database's (`clock_timestamp()`), so processes whose clocks differ still
 * agree on the slots: a process only ever sleeps a duration the database worked out.
 *
 * Nothing is held between requests: a process that dies leaves behind the slots it reserved,
 * which are in the past a few intervals later. The server's count and its Retry-After move the
 * shared slot, so one process's answer slows every process down. When the database does not
 * answer, the client paces itself alone (`fallback`) rather than stop sending.
 */
import type pg from 'pg';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import {
  defaultSlack,
  type Pacing,
  type RateBudget,
  type ServerCount,
  slotAfterCount,
  unavailableWarning,
  waitForSlot,
} from '../propstreet/rate-budget.js';
import { quoteSchema } from './postgres-migrations.js';

export interface PostgresRateBudgetOptions {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** The token's identity, hashed: never the token or a secret. */
  readonly key: string;
  readonly pacing: Pacing;
  /** Used while the database does not answer. */
  readonly fallback: RateBudget;
  /**
   * Time from this clock instead of the database's: only for virtual time in tests, where the
   * fakes' rate windows follow the same clock.
   */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Other processes' requests that may be in flight when a count is read; default burst + 2. */
  readonly slack?: number;
}

const NOW = `coalesce($2::float8, extract(epoch FROM clock_timestamp()) * 1000)`;

function statements(s: string) {
  return {
    // GCRA: the next slot is an interval after the last one, never before now or a pause's end.
    reserve: `
      WITH c AS (SELECT ${NOW} AS now)
      INSERT INTO ${s}.rate_budgets AS b (key, tat_ms, blocked_until_ms, touched_ms)
      SELECT $1, c.now + $3::float8, 0, c.now FROM c
      ON CONFLICT (key) DO UPDATE SET
        tat_ms = greatest(b.tat_ms, excluded.touched_ms, b.blocked_until_ms) + $3::float8,
        touched_ms = excluded.touched_ms
      RETURNING tat_ms - $3::float8 AS start_ms, blocked_until_ms, touched_ms AS now_ms`,
    later: `
      WITH c AS (SELECT ${NOW} AS now)
      UPDATE ${s}.rate_budgets AS b SET tat_ms = greatest(b.tat_ms, c.now + $3::float8)
      FROM c WHERE b.key = $1`,
    pause: `
      WITH c AS (SELECT ${NOW} AS now)
      UPDATE ${s}.rate_budgets AS b SET blocked_until_ms = greatest(b.blocked_until_ms, c.now + $3::float8)
      FROM c WHERE b.key = $1`,
  };
}

interface SlotRow {
  start_ms: number;
  blocked_until_ms: number;
  now_ms: number;
}

export function postgresRateBudget(o: PostgresRateBudgetOptions): RateBudget {
  const sql = statements(quoteSchema(o.schema));
  const { intervalMs } = o.pacing;
  const slack = o.slack ?? defaultSlack(o.pacing);
  const now = () => (o.clock ? o.clock.now().getTime() : null);
  const warning = unavailableWarning(o.logger);
  const failed = warning.failed;
  // Fire and forget: an answer's count must not hold up the answer.
  const send = (what: string, text: string, offsetMs: number) => {
    o.pool.query(text, [o.key, now(), offsetMs]).then(
      () => undefined,
      (error: unknown) => failed(what, error),
    );
  };

  return {
    async reserve() {
      if (intervalMs === 0) return 0;
      try {
        const { rows } = await o.pool.query<SlotRow>(sql.reserve, [o.key, now(), intervalMs]);
        const row = rows[0];
        if (!row) throw new Error('the budget upsert returned no row');
        warning.answered();
        return waitForSlot(o.pacing, {
          startMs: row.start_ms,
          blockedUntilMs: row.blocked_until_ms,
          nowMs: row.now_ms,
        });
      } catch (error) {
        failed('reserve', error);
        return o.fallback.reserve();
      }
    },
    observe(count: ServerCount) {
      if (intervalMs === 0) return;
      const offset = slotAfterCount(intervalMs, count, slack);
      // At the shared pace the count leaves room (offset < 0): nothing to move, no round trip.
      if (offset > 0) send('observe', sql.later, offset);
    },
    pause(ms: number) {
      if (ms > 0) send('pause', sql.pause, ms);
    },
  };
}
