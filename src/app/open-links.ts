/**
 * Opens the links phase of one connection (who works where): the CRM's associations on the
 * connection's credentials (HubSpot associations v4; Salesforce AccountId + AccountContactRelation
 * on the connection's shared session), the contacts kind's adapter for the contact delta and
 * title, and the kinds' scopes in the tenant's store.
 */
import type { ConnectionConfig, TenantConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { createHubSpotAssociations } from '../crm/hubspot/index.js';
import { createSalesforceAssociations } from '../crm/salesforce/associations.js';
import { type LinksResult, runLinksPhase } from '../links/links-phase.js';
import { linksPorts } from '../links/links-ports.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { StateStore } from '../state/port.js';
import { openObject, salesforceLogin } from './open-connection.js';
import type { SessionKeeper } from './salesforce-session.js';

export interface LinksRunContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly store: StateStore;
  readonly dryRun: boolean;
  readonly salesforceSession?: SessionKeeper | undefined;
}

/** Runs the links phase of `connection` (which syncs contacts and companies) once. */
export async function runConnectionLinks(
  config: TenantConfig,
  connection: ConnectionConfig,
  propstreet: PropstreetApi,
  ctx: LinksRunContext,
): Promise<LinksResult> {
  const contacts = connection.objects.find((o) => o.kind === 'contacts');
  if (!contacts) throw new Error(`connection ${connection.name}: links need the contacts kind`);
  const opened = openObject(config, connection, contacts, {
    clock: ctx.clock,
    logger: ctx.logger,
    redactor: ctx.redactor,
    salesforceSession: ctx.salesforceSession,
  });
  const titleProperty = connection.type === 'hubspot' ? 'jobtitle' : 'Title';
  const scope = (kind: string) => ({ tenant: config.tenant, connection: connection.name, kind });
  const salesforce = connection.type === 'salesforce' ? salesforceAssociations(connection, ctx) : undefined;
  const associations =
    connection.type === 'hubspot'
      ? createHubSpotAssociations({
          ...(connection.oauth ? { oauth: connection.oauth } : { accessToken: connection.accessToken }),
          basePath: connection.baseUrl,
          clock: ctx.clock,
          logger: ctx.logger,
          redactor: ctx.redactor,
        })
      : salesforce;
  if (!associations) throw new Error(`connection ${connection.name}: no associations for ${connection.type}`);
  const ports = linksPorts({
    propstreet,
    associations,
    ...(salesforce ? { secondary: () => salesforce.multipleCompanies() } : {}),
    contactsAdapter: opened.crm,
    // The title goes both ways only where the contacts mapping carries it.
    titleProperty: opened.crmProperties.includes(titleProperty) ? titleProperty : undefined,
    store: ctx.store,
    scopes: { links: scope('links'), contacts: scope('contacts'), companies: scope('companies') },
    clock: ctx.clock,
  });
  return runLinksPhase(ports, { dryRun: ctx.dryRun, policy: linkPolicy(contacts.conflictPolicy) });
}

function salesforceAssociations(
  connection: Extract<ConnectionConfig, { type: 'salesforce' }>,
  ctx: LinksRunContext,
) {
  return createSalesforceAssociations({
    ...salesforceLogin(connection, ctx.salesforceSession),
    dailyBudgetShare: connection.dailyBudgetShare,
    clock: ctx.clock,
    logger: ctx.logger,
    redactor: ctx.redactor,
  });
}

/** The contacts' conflict policy, as far as links have one: the CRM's side or Propstreet's. */
function linkPolicy(policy: string): 'propstreet-wins' | 'crm-wins' {
  return policy === 'crm-wins' ? 'crm-wins' : 'propstreet-wins';
}
