/**
 * Builds what one run needs from a tenant config: the Propstreet client, the CRM adapter,
 * the mapper and the engine settings. The only place that knows every adapter: the engine
 * sees ports.
 */

import type { ConnectionConfig, TenantConfig } from '../config/index.js';
import { toSyncSettings } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { createHubSpotAdapter } from '../crm/hubspot/index.js';
import type { CrmAdapter } from '../crm/port.js';
import { createSalesforceAdapter } from '../crm/salesforce/index.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { SyncSettings } from '../engine/types.js';
import { CONTACTS } from '../kinds/contacts/spec.js';
import { mapperFor } from '../kinds/mapper.js';
import { loadMapping } from '../mapping/index.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Contact, ContactWrite } from '../propstreet/schema.js';
import type { SessionKeeper } from './salesforce-session.js';

export interface OpenCrmOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** A Salesforce session kept from an earlier run, and where a refreshed one goes. */
  readonly salesforceSession?: SessionKeeper | undefined;
}

export interface OpenedConnection {
  readonly settings: SyncSettings;
  readonly crm: CrmAdapter;
  readonly mapper: RecordMapper<Contact, ContactWrite>;
}

export function openMapper(connection: ConnectionConfig): RecordMapper<Contact, ContactWrite> {
  const mapping = loadMapping(
    connection.mapping,
    connection.mappingOverrides
      ? { overrides: connection.mappingOverrides, source: `connections.${connection.name}.mappingOverrides` }
      : undefined,
  );
  // A contacts run: a mapping of another kind is refused here, with its file named.
  return mapperFor(CONTACTS, mapping);
}

export function openCrm(
  connection: ConnectionConfig,
  mapper: RecordMapper,
  options: OpenCrmOptions,
): CrmAdapter {
  if (connection.type === 'hubspot') {
    return createHubSpotAdapter({
      ...(connection.oauth ? { oauth: connection.oauth } : { accessToken: connection.accessToken }),
      basePath: connection.baseUrl,
      keyProperty: connection.keyProperty,
      properties: [...mapper.crmProperties],
      archivedScanIntervalMs: connection.archivedScanMinutes * 60_000,
      clock: options.clock,
      logger: options.logger,
    });
  }
  const session = options.salesforceSession;
  const refreshToken = session ? session.start.refreshToken : connection.refreshToken;
  return createSalesforceAdapter({
    instanceUrl: connection.instanceUrl,
    accessToken: session ? session.start.accessToken : connection.accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(session ? { onTokenRefreshed: (s) => session.onRefreshed(s) } : {}),
    ...(connection.clientId ? { clientId: connection.clientId } : {}),
    ...(connection.clientSecret ? { clientSecret: connection.clientSecret } : {}),
    loginUrl: connection.loginUrl,
    version: connection.apiVersion,
    externalIdField: connection.externalIdField,
    fields: [...mapper.crmProperties],
    dailyBudgetShare: connection.dailyBudgetShare,
    duplicateRules: connection.duplicateRules,
    clock: options.clock,
    logger: options.logger,
  });
}

export function openConnection(
  config: TenantConfig,
  connection: ConnectionConfig,
  options: OpenCrmOptions,
): OpenedConnection {
  const mapper = openMapper(connection);
  return { settings: toSyncSettings(config, connection), crm: openCrm(connection, mapper, options), mapper };
}

export type { PropstreetApi };
