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
import { cutToFit, type FieldMapping } from '../mapping/index.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { StateStore } from '../state/port.js';
import { crmFieldOf, openObject, salesforceLogin } from './open-connection.js';
import type { SessionKeeper } from './salesforce-session.js';

export interface LinksRunContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly store: StateStore;
  readonly dryRun: boolean;
  /** Go past the mass-removal guard (`--force`). */
  readonly force?: boolean;
  /** Re-read every linked contact now, whenever the last full scan was (`--reconcile`). */
  readonly fullScan?: boolean;
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
  // The contact's title is the job title at its primary company. The shipped mappings send it
  // to the CRM only (the contacts API cannot write a link's title); this phase writes links, so
  // it carries the title both ways, whatever the field's direction: the adapter reads it too.
  const titleField = crmFieldOf(connection, contacts, 'company.jobTitle');
  const titleProperty = titleField?.crm;
  const opened = openObject(config, connection, contacts, {
    clock: ctx.clock,
    logger: ctx.logger,
    redactor: ctx.redactor,
    salesforceSession: ctx.salesforceSession,
    ...(titleProperty ? { readAlso: [titleProperty] } : {}),
  });
  const companiesObject = connection.objects.find((o) => o.kind === 'companies');
  const companies = companiesObject
    ? openObject(config, connection, companiesObject, {
        clock: ctx.clock,
        logger: ctx.logger,
        redactor: ctx.redactor,
        salesforceSession: ctx.salesforceSession,
      })
    : undefined;
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
    ...(salesforce ? { secondary: () => salesforce.multipleCompanies(), primaryFirst: true } : {}),
    contactsAdapter: opened.crm,
    companiesAdapter: companies?.crm,
    titleProperty,
    titleFit: titleField ? fitTo(titleField) : undefined,
    store: ctx.store,
    scopes: { links: scope('links'), contacts: scope('contacts'), companies: scope('companies') },
    clock: ctx.clock,
  });
  const settings = connection.links;
  const result = await runLinksPhase(ports, {
    dryRun: ctx.dryRun,
    redactor: ctx.redactor,
    policy: linkPolicy(contacts.conflictPolicy),
    // The connection's bound on late visibility and clock skew, as its kinds read their deltas.
    overlapSeconds: connection.overlapSeconds,
    ...(ctx.force ? { force: true } : {}),
    ...(ctx.fullScan ? { fullScan: true } : {}),
    ...(settings?.fullScanEveryMs ? { fullScanEveryMs: settings.fullScanEveryMs } : {}),
    ...(settings
      ? { limits: { maxShare: settings.maxShare, maxCount: settings.maxCount, windowMs: settings.windowMs } }
      : {}),
  });
  if (result.abort)
    ctx.logger.warn(
      { connection: connection.name, guard: result.abort.message },
      'mass-removal guard (links)',
    );
  return result;
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

/** A title as the field's CRM property holds it: cut to its `maxLength` when it has `truncate`. */
function fitTo(field: FieldMapping): ((title: string | null) => string | null) | undefined {
  if (!field.truncate || field.maxLength === null) return undefined;
  return (title) => (title === null ? null : cutToFit(field, title));
}
