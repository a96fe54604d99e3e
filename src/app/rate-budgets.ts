/**
 * Which send budget a tenant's Propstreet clients draw on: the shared one in the tenant's state.
 * With PostgreSQL, in that database (src/state/postgres-rate-budget.ts): every worker, `serve`,
 * CLI run and both connections of a bridge on the same token then pace together. With SQLite,
 * in the state file (src/state/sqlite-rate-budget.ts): every process on this machine using that
 * file (`serve`, `schedule`, a CLI run from cron) paces together; an in-memory file has no
 * other process to share with, and a dry run writes nothing to the file: those clients pace
 * themselves.
 *
 * One small pool per database for the whole process, opened on first use; it does not keep a CLI
 * process alive. A SQLite budget has a connection of its own, opened at its first request and
 * closed with its client (the client's `close`): a connection kept open would hold the state file's WAL
 * back from the checkpoint its store makes when it closes last.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { TenantConfig } from '../config/index.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { localPacing, localRateBudget, type RateBudget, sharedPacing } from '../propstreet/rate-budget.js';
import { pgDriver } from '../state/pg-driver.js';
import { postgresRateBudget } from '../state/postgres-rate-budget.js';
import { openBudgetDatabase, sqliteRateBudget } from '../state/sqlite-rate-budget.js';

const pools = new Map<string, pg.Pool>();

function poolFor(url: string): pg.Pool {
  let pool = pools.get(url);
  if (!pool) {
    // `pg` loads only when a tenant shares its token's budget through PostgreSQL.
    pool = new (pgDriver().Pool)({
      connectionString: url,
      max: 2,
      idleTimeoutMillis: 5_000,
      connectionTimeoutMillis: 5_000,
      allowExitOnIdle: true,
    });
    // A dropped idle connection is replaced on the next checkout; a real outage shows in reserve.
    pool.on('error', () => undefined);
    pools.set(url, pool);
  }
  return pool;
}

/**
 * What identifies the token's budget, hashed: the token for a fixed one (bot, personal), the
 * client for client credentials (all the tokens it is issued count as one, the safe side).
 */
export function budgetKey(auth: TenantConfig['propstreet']['auth']): string {
  const identity =
    auth.kind === 'token' ? `token\u0000${auth.token}` : `client\u0000${auth.tokenUrl}\u0000${auth.clientId}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 40);
}

/**
 * The shared budget for the tenant's Propstreet token, or undefined (the client's own): an
 * in-memory SQLite state, or a dry run on a SQLite file.
 */
export function sharedRateBudget(
  config: TenantConfig,
  options: { clock: Clock; logger: Logger; dryRun?: boolean },
): RateBudget | undefined {
  const state = config.state;
  const rpm = config.propstreet.requestsPerMinute;
  // Virtual time (tests) keeps its own rows: its instants mean nothing on the real clock.
  const virtual = options.clock !== systemClock;
  if (state.kind === 'sqlite') {
    // A dry run leaves the state file as it found it, byte for byte: it paces alone.
    // A config's `:memory:` arrives resolved against its folder (normalize-tenant.ts).
    if (options.dryRun || state.path === '' || state.path.endsWith(':memory:')) return undefined;
    const path = state.path;
    return sqliteRateBudget({
      db: () => openBudgetDatabase(path),
      key: virtual ? `${budgetKey(config.propstreet.auth)}:virtual` : budgetKey(config.propstreet.auth),
      pacing: sharedPacing(rpm),
      fallback: localRateBudget(localPacing(rpm), options.clock),
      clock: options.clock,
      logger: options.logger,
    });
  }
  return postgresRateBudget({
    pool: poolFor(state.url),
    schema: state.schema,
    key: virtual ? `${budgetKey(config.propstreet.auth)}:virtual` : budgetKey(config.propstreet.auth),
    pacing: sharedPacing(rpm),
    fallback: localRateBudget(localPacing(rpm), options.clock),
    ...(virtual ? { clock: options.clock } : {}),
    logger: options.logger,
  });
}
