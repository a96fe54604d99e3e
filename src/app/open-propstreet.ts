import type { TenantConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { fetchClientCredentialsToken } from '../propstreet/client-credentials.js';
import { createPropstreetClient } from '../propstreet/index.js';
import type { PropstreetApi } from '../propstreet/port.js';

/** The tenant's Propstreet client, with a token from config or from client credentials. */
export async function openPropstreet(
  config: TenantConfig,
  options: { clock: Clock; logger: Logger },
): Promise<PropstreetApi & { close(): Promise<void> }> {
  const auth = config.propstreet.auth;
  const token =
    auth.kind === 'token'
      ? auth.token
      : await fetchClientCredentialsToken({
          tokenUrl: auth.tokenUrl,
          clientId: auth.clientId,
          clientSecret: auth.clientSecret,
        });
  return createPropstreetClient({
    baseUrl: config.propstreet.baseUrl,
    token,
    requestsPerMinute: config.propstreet.requestsPerMinute,
    clock: options.clock,
    logger: options.logger,
  });
}
