/**
 * Builds what a run of one connection's object kind needs from a tenant config: the CRM
 * adapter opened on the kind's object (HubSpot object type, Salesforce sObject), the mapper of
 * the kind's mapping, and the engine settings. The only place that knows every adapter: the
 * engine sees ports.
 */

import type { ConnectionConfig, ObjectConfig, TenantConfig } from '../config/index.js';
import { toSyncSettings } from '../config/index.js';
import type { AccountIdentity } from '../core/account-identity.js';
import type { Clock } from '../core/clock.js';
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { formatPath } from '../core/yaml-problems/index.js';
import { createHubSpotAdapter } from '../crm/hubspot/index.js';
import type { CrmAdapter } from '../crm/port.js';
import { createSalesforceAdapter } from '../crm/salesforce/index.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { SyncSettings } from '../engine/types.js';
import { CONTACTS } from '../kinds/contacts/spec.js';
import type { KindSpec } from '../kinds/kind-spec.js';
import { mapperFor } from '../kinds/mapper.js';
import { type FieldMapping, fieldsFor, loadMapping, type Mapping } from '../mapping/index.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Contact, ContactWrite } from '../propstreet/schema.js';
import { type RunOptions, runConnection } from '../run/run-connection.js';
import type { RunDeps } from '../run/run-deps.js';
import type { ConnectionResult } from '../run/run-result.js';
import { type KindRun, withKindRun } from './kind-runs.js';
import type { SessionKeeper } from './salesforce-session.js';

export interface OpenCrmOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The entry point's: the adapters register their tokens with it. */
  readonly redactor: Redactor;
  /** A Salesforce session kept from an earlier run, and where a refreshed one goes. */
  readonly salesforceSession?: SessionKeeper | undefined;
  /** CRM properties the adapter reads besides the mapping's (the links phase's contact title). */
  readonly readAlso?: readonly string[];
  /**
   * Which CRM account the credentials reach, asked through this instead of the kind's own
   * adapter: one connection's kinds reach one account, so a tenant run asks it once.
   */
  readonly crmIdentity?: (adapter: CrmAdapter) => Promise<AccountIdentity | null>;
}

/** What a run takes from the tenant rather than from the kind or the clients. */
export type TenantDeps = Pick<
  RunDeps<PropstreetRecord, unknown>,
  'store' | 'clock' | 'logger' | 'redactor' | 'connectionsInTenant' | 'siblingConnections'
>;

/** One object kind of a connection, opened: its settings and CRM adapter, and how to run it. */
export interface OpenedObject {
  readonly kind: ObjectConfig['kind'];
  readonly settings: SyncSettings;
  readonly crm: CrmAdapter;
  /** The CRM properties/fields its mapping reads and writes. */
  readonly crmProperties: readonly string[];
  /** Runs the kind between `propstreet` and this CRM object. */
  run(propstreet: PropstreetApi, tenant: TenantDeps, options: RunOptions): Promise<ConnectionResult>;
}

/** Opens one of the connection's object kinds (`object`, from `connection.objects`). */
export function openObject(
  config: TenantConfig,
  connection: ConnectionConfig,
  object: ObjectConfig,
  options: OpenCrmOptions,
): OpenedObject {
  return withKindRun(object.kind, (kind) => openKind(kind, config, connection, object, options));
}

function openKind<R extends PropstreetRecord, W>(
  kind: KindRun<R, W>,
  config: TenantConfig,
  connection: ConnectionConfig,
  object: ObjectConfig,
  options: OpenCrmOptions,
): OpenedObject {
  const mapping = objectMapping(connection, object);
  const mapper = kind.mapper(mapping);
  const read = [...new Set([...mapper.crmProperties, ...(options.readAlso ?? [])])];
  const written = [...new Set(fieldsFor(mapping, 'crm', 'write').map((f) => f.crm))];
  const opened = openCrm(connection, object, kind.spec, { read, written }, options);
  const ask = options.crmIdentity;
  const crm: CrmAdapter = ask ? { ...opened, identity: () => ask(opened) } : opened;
  const settings = toSyncSettings(config, connection, object.kind);
  return {
    kind: object.kind,
    settings,
    crm,
    crmProperties: mapper.crmProperties,
    run: (propstreet, tenant, runOptions) =>
      runConnection(settings, { ...kind.ports(propstreet, crm), ...tenant, mapper }, runOptions),
  };
}

/** The kind's mapping file with its overrides, whose problems name where the tenant file has them. */
function objectMapping(connection: ConnectionConfig, object: ObjectConfig): Mapping {
  const at = ['connections', connection.name, ...object.mappingOverridesAt.slice(2)];
  return loadMapping(
    object.mapping,
    object.mappingOverrides ? { overrides: object.mappingOverrides, source: formatPath(at) } : undefined,
  );
}

/** The mapping field of `object` that reads or writes accessor `propstreet`, if any. */
export function crmFieldOf(
  connection: ConnectionConfig,
  object: ObjectConfig,
  propstreet: string,
): FieldMapping | undefined {
  return objectMapping(connection, object).fields.find((f) => f.propstreet === propstreet);
}

/** The contacts kind's mapper of a connection (tools and tests that look at contacts). */
export function openMapper(connection: ConnectionConfig): RecordMapper<Contact, ContactWrite> {
  const contacts = connection.objects.find((o) => o.kind === 'contacts');
  if (!contacts)
    throw new PropsyncError('CONFIG_INVALID', `connection ${connection.name} does not sync contacts`);
  return mapperFor(CONTACTS, objectMapping(connection, contacts));
}

function openCrm<R extends PropstreetRecord, W>(
  connection: ConnectionConfig,
  object: ObjectConfig,
  spec: KindSpec<R, W>,
  properties: { readonly read: readonly string[]; readonly written: readonly string[] },
  options: OpenCrmOptions,
): CrmAdapter {
  if (connection.type === 'hubspot') {
    return createHubSpotAdapter({
      ...(connection.oauth ? { oauth: connection.oauth } : { accessToken: connection.accessToken }),
      basePath: connection.baseUrl,
      objectType: hubspotObjectType(spec.crm.hubspot.objectType),
      keyProperty: object.keyProperty,
      properties: [...properties.read],
      writtenProperties: [...properties.written],
      archivedScanIntervalMs: connection.archivedScanMinutes * 60_000,
      clock: options.clock,
      logger: options.logger,
      redactor: options.redactor,
    });
  }
  return createSalesforceAdapter({
    ...salesforceLogin(connection, options.salesforceSession),
    sObject: salesforceSObject(spec.crm.salesforce.sObject),
    externalIdField: object.keyProperty,
    fields: [...properties.read],
    writtenFields: [...properties.written],
    dailyBudgetShare: connection.dailyBudgetShare,
    duplicateRules: connection.duplicateRules,
    clock: options.clock,
    logger: options.logger,
    redactor: options.redactor,
  });
}

/**
 * How a Salesforce client of the connection signs in: the connection's kinds and its links
 * share one session, so each client starts from the latest refresh and reports its own.
 */
export function salesforceLogin(
  connection: Extract<ConnectionConfig, { type: 'salesforce' }>,
  keeper: SessionKeeper | undefined,
) {
  const session = keeper?.current();
  const refreshToken = session ? session.refreshToken : connection.refreshToken;
  return {
    instanceUrl: connection.instanceUrl,
    accessToken: session ? session.accessToken : connection.accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(keeper ? { session: keeper.session } : {}),
    ...(connection.clientId ? { clientId: connection.clientId } : {}),
    ...(connection.clientSecret ? { clientSecret: connection.clientSecret } : {}),
    loginUrl: connection.loginUrl,
    version: connection.apiVersion,
  };
}

/** The HubSpot objects the adapter reads; a spec naming another is a programming error. */
function hubspotObjectType(name: string): 'contacts' | 'companies' {
  if (name === 'contacts' || name === 'companies') return name;
  throw new PropsyncError('INTERNAL', `no HubSpot adapter for the object type ${name}`);
}

function salesforceSObject(name: string): 'Contact' | 'Account' {
  if (name === 'Contact' || name === 'Account') return name;
  throw new PropsyncError('INTERNAL', `no Salesforce adapter for the sObject ${name}`);
}

export type { PropstreetApi };
