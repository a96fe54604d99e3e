import type { TenantConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import type { PropstreetClient } from '../propstreet/client.js';
import { clientCredentialsTokenSource } from '../propstreet/client-credentials.js';
import { createPropstreetClient } from '../propstreet/index.js';
import { sharedRateBudget } from './rate-budgets.js';

/**
 * The tenant's Propstreet client, with a token from config or from client credentials. A
 * client-credentials token is fetched here once (a wrong secret fails before the run starts)
 * and then issued again ahead of its `expires_in`, for as long as the client lives. The client
 * paces on the token's shared budget in the tenant's state (rate-budgets.ts); a SQLite budget's
 * connection closes with the client.
 */
export async function openPropstreet(
  config: TenantConfig,
  options: { clock: Clock; logger: Logger; redactor: Redactor; dryRun?: boolean },
): Promise<PropstreetClient> {
  const auth = config.propstreet.auth;
  let token: Parameters<typeof createPropstreetClient>[0]['token'];
  if (auth.kind === 'token') token = auth.token;
  else {
    const source = clientCredentialsTokenSource(
      { tokenUrl: auth.tokenUrl, clientId: auth.clientId, clientSecret: auth.clientSecret },
      options,
    );
    await source.current();
    token = source;
  }
  const rateBudget = sharedRateBudget(config, options);
  return createPropstreetClient({
    baseUrl: config.propstreet.baseUrl,
    token,
    requestsPerMinute: config.propstreet.requestsPerMinute,
    batchUpsertPath: config.propstreet.batchUpsertPath,
    ...(rateBudget ? { rateBudget } : {}),
    clock: options.clock,
    logger: options.logger,
    redactor: options.redactor,
  });
}
