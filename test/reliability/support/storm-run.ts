/**
 * One tenant run wired like src/app/sync-tenant.ts, but with short request timeouts on all
 * three clients. The tenant file has no timeout keys (the clients default to 30 s Propstreet,
 * 60 s HubSpot, 120 s Salesforce), and a storm's hung requests must fail fast enough for a
 * test; the adapters' own `requestTimeoutMs`/`timeoutMs` options do exactly that.
 */
import { openMapper } from '../../../src/app/open-connection.js';
import { openTenantStore } from '../../../src/app/open-store.js';
import { findObject, toSyncSettings } from '../../../src/config/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter } from '../../../src/crm/hubspot/index.js';
import type { CrmAdapter } from '../../../src/crm/port.js';
import { createSalesforceAdapter } from '../../../src/crm/salesforce/index.js';
import type { RecordPlan } from '../../../src/engine/types.js';
import { contactRunPorts } from '../../../src/kinds/contacts/ports.js';
import { createPropstreetClient } from '../../../src/propstreet/client.js';
import { runConnection } from '../../../src/run/run-connection.js';
import type { ConnectionResult } from '../../../src/run/run-result.js';
import { sinkFor } from '../../../src/run/sink-for.js';
import type { World } from './world.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

export interface StormRunOptions {
  readonly timeoutMs: number;
  readonly onPlanChunk?: (connection: string, chunk: readonly RecordPlan[]) => void | Promise<void>;
}

export async function runWithTimeouts(world: World, o: StormRunOptions): Promise<ConnectionResult[]> {
  const config = await world.config();
  if (config.propstreet.auth.kind !== 'token') throw new Error('the world uses a token');
  const token = config.propstreet.auth.token;
  const store = await openTenantStore(config);
  const results: ConnectionResult[] = [];
  try {
    for (const c of config.connections) {
      const mapper = openMapper(c);
      const crm: CrmAdapter =
        c.type === 'hubspot'
          ? createHubSpotAdapter({
              redactor,
              accessToken: c.accessToken,
              basePath: c.baseUrl,
              keyProperty: findObject(c, 'contacts').keyProperty,
              properties: [...mapper.crmProperties],
              limits: { requestTimeoutMs: o.timeoutMs },
            })
          : createSalesforceAdapter({
              redactor,
              instanceUrl: c.instanceUrl,
              accessToken: c.accessToken,
              version: c.apiVersion,
              externalIdField: findObject(c, 'contacts').keyProperty,
              fields: [...mapper.crmProperties],
              dailyBudgetShare: c.dailyBudgetShare,
              requestTimeoutMs: o.timeoutMs,
            });
      const propstreet = createPropstreetClient({
        redactor,
        baseUrl: config.propstreet.baseUrl,
        token,
        requestsPerMinute: config.propstreet.requestsPerMinute,
        timeoutMs: o.timeoutMs,
      });
      try {
        results.push(
          await runConnection(
            toSyncSettings(config, c),
            {
              redactor,
              ...contactRunPorts(propstreet, crm),
              store,
              mapper,
              clock: systemClock,
              logger: silentLogger,
              connectionsInTenant: config.connections.length,
            },
            { sink: sinkFor({ dryRun: false, observe: (chunk) => o.onPlanChunk?.(c.name, chunk) }) },
          ),
        );
      } finally {
        await propstreet.close();
      }
    }
  } finally {
    await store.close();
  }
  return results;
}
