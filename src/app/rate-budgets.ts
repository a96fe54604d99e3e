/**
 * Which send budget a tenant's Propstreet clients draw on. With PostgreSQL state, the shared one
 * in that database (src/state/postgres-rate-budget.ts): every worker, `serve`, CLI run and both
 * connections of a bridge on the same token then pace together. With SQLite, none: each client
 * paces itself (several processes on one token are not coordinated).
 *
 * One small pool per database for the whole process, opened on first use; its idle connections
 * do not keep a CLI process alive.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { TenantConfig } from '../config/index.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { localPacing, localRateBudget, type RateBudget, sharedPacing } from '../propstreet/rate-budget.js';
import { pgDriver } from '../state/pg-driver.js';
import { postgresRateBudget } from '../state/postgres-rate-budget.js';

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

/** The shared budget for the tenant's Propstreet token, or undefined (SQLite: the client's own). */
export function sharedRateBudget(
  config: TenantConfig,
  options: { clock: Clock; logger: Logger },
): RateBudget | undefined {
  const state = config.state;
  if (state.kind !== 'postgres') return undefined;
  const rpm = config.propstreet.requestsPerMinute;
  // Virtual time (tests) keeps its own rows: its instants mean nothing on the database's clock.
  const virtual = options.clock !== systemClock;
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
