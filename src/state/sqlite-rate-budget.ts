/**
 * A Propstreet token's send budget in the SQLite state file (rate-budget.ts), shared by every
 * process using that file — `serve`, `schedule`, a CLI run from cron — as PostgreSQL's is by
 * every process on its database (postgres-rate-budget.ts): one row per token, its GCRA slot
 * taken by one upsert per request, in a write transaction of its own.
 *
 * Processes that share a SQLite file share a machine, so time is the machine's clock (the
 * engine's `clock`). A slot or a pause further ahead than MAX_AHEAD_MS is a clock that went
 * back (or a test's virtual time in a file real time used before): it is dropped, not waited
 * out. better-sqlite3 is synchronous, so a write lock another process holds would stall this
 * process's event loop for as long as SQLite waits for it: the wait is short (BUSY_WAIT_MS), and
 * a request that does not get the lock in time, and every request for a second after it, paces
 * on this process's own budget (`fallback`). The connection is the client's (closed with it): a
 * connection kept open after the run would keep the run's store from checkpointing the WAL when
 * it closes.
 */
import Database from 'better-sqlite3';
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

export interface SqliteRateBudgetOptions {
  /**
   * Opens the budget's connection to the state file (its `rate_budgets` table comes with its
   * migrations): at first use, kept until `close`.
   */
  readonly db: () => Database.Database;
  /** The token's identity, hashed: never the token or a secret. */
  readonly key: string;
  readonly pacing: Pacing;
  /** Used while the file does not answer (locked past BUSY_WAIT_MS, unreadable). */
  readonly fallback: RateBudget;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Other processes' requests that may be in flight when a count is read; default burst + 2 (defaultSlack). */
  readonly slack?: number;
}

/** How long a request waits for another process's write lock before pacing alone. */
export const BUSY_WAIT_MS = 50;
/** No slot or pause is ever this far ahead (a Retry-After is at most a minute) but for a clock that went back. */
const MAX_AHEAD_MS = 2 * 60_000;
/** How long requests pace alone after the file did not answer. */
const ALONE_AFTER_FAILURE_MS = 1_000;

/** A connection of its own to the state file, for the budget's short write transactions. */
export function openBudgetDatabase(path: string): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
  return db;
}

interface SlotRow {
  start_ms: number;
  blocked_until_ms: number;
}

/** A budget on a connection of its own, closed with the client that paces on it (`close`). */
export function sqliteRateBudget(o: SqliteRateBudgetOptions): Required<RateBudget> {
  const { intervalMs } = o.pacing;
  const slack = o.slack ?? defaultSlack(o.pacing);
  let db: Database.Database | undefined;
  let prepared: ReturnType<typeof prepare> | undefined;
  const warning = unavailableWarning(o.logger);
  // After a failure (another process's long write, a file not migrated) requests pace alone
  // for a while rather than each waiting out the lock again, stalling the event loop each time.
  let aloneUntil = Number.NEGATIVE_INFINITY;
  const failed = (what: string, error: unknown) => {
    aloneUntil = o.clock.now().getTime() + ALONE_AFTER_FAILURE_MS;
    warning.failed(what, error);
  };
  const run = <T>(what: string, f: (q: ReturnType<typeof prepare>, now: number) => T): T | undefined => {
    if (o.clock.now().getTime() < aloneUntil) return undefined;
    try {
      if (!prepared) {
        db ??= o.db();
        prepared = prepare(db);
      }
      const out = f(prepared, o.clock.now().getTime());
      warning.answered();
      return out;
    } catch (error) {
      failed(what, error);
      return undefined;
    }
  };

  return {
    async reserve() {
      if (intervalMs === 0) return 0;
      const slot = run('reserve', (q, now) => q.reserve(o.key, now, intervalMs));
      if (!slot) return o.fallback.reserve();
      return waitForSlot(o.pacing, slot);
    },
    observe(count: ServerCount) {
      if (intervalMs === 0) return;
      const offset = slotAfterCount(intervalMs, count, slack);
      // At the shared pace the count leaves room (offset < 0): nothing to write.
      if (offset > 0) run('observe', (q, now) => q.later.run(now + offset, o.key));
    },
    pause(ms: number) {
      if (ms > 0) run('pause', (q, now) => q.pause.run(now + ms, o.key));
    },
    close() {
      prepared = undefined;
      db?.close();
      db = undefined;
    },
  };
}

function prepare(db: Database.Database) {
  // GCRA: the next slot is an interval after the last one, never before now or a pause's end.
  // A row further ahead than MAX_AHEAD_MS is a clock that went back: it restarts from now.
  const upsert = db.prepare<[{ key: string; now: number; i: number; max: number }], SlotRow>(`
    INSERT INTO rate_budgets (key, tat_ms, blocked_until_ms, touched_ms)
    VALUES (@key, @now + @i, 0, @now)
    ON CONFLICT (key) DO UPDATE SET
      tat_ms = CASE WHEN max(tat_ms, blocked_until_ms) - excluded.touched_ms > @max
        THEN excluded.touched_ms + @i
        ELSE max(tat_ms, excluded.touched_ms, blocked_until_ms) + @i END,
      blocked_until_ms = CASE WHEN blocked_until_ms - excluded.touched_ms > @max THEN 0 ELSE blocked_until_ms END,
      touched_ms = excluded.touched_ms
    RETURNING tat_ms - @i AS start_ms, blocked_until_ms`);
  // Each is a single write statement, its own transaction: SQLite takes the write lock before
  // the statement reads, so no read can go stale before its write (no busy upgrade to fail).
  return {
    reserve(key: string, now: number, i: number) {
      const row = upsert.get({ key, now, i, max: MAX_AHEAD_MS });
      if (!row) throw new Error('the budget upsert returned no row');
      return { startMs: row.start_ms, blockedUntilMs: row.blocked_until_ms, nowMs: now };
    },
    later: db.prepare<[number, string]>('UPDATE rate_budgets SET tat_ms = max(tat_ms, ?) WHERE key = ?'),
    pause: db.prepare<[number, string]>(
      'UPDATE rate_budgets SET blocked_until_ms = max(blocked_until_ms, ?) WHERE key = ?',
    ),
  };
}
