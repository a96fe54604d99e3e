/**
 * The Salesforce CrmAdapter on jsforce 3.10.16 for one sObject (`Contact` or `Account`, the
 * `sObject` option), keyed by a unique External ID field: writes through sObject Collections (200
 * a call), change reads through queryAll, and the org's daily API allowance guarded by
 * `dailyBudgetShare`. Calls per record: an upsert, update or delete costs 1/200 of a call; a change
 * read 1/2000; a lookup by id, key or email 1/200; an Account lookup by Website host 1/50 (LIKE
 * conditions, see website-match.ts).
 */
import { type Clock, systemClock } from '../../core/clock.js';
import { type Logger, silentLogger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import type { RetryPolicy } from '../../core/retry.js';
import type { CrmAdapter, CrmLimits } from '../port.js';
import { ApiBudget } from './api-budget.js';
import { inspectExternalIdField, orgIdentity } from './salesforce-account.js';
import { QUERY_BATCH_SIZE, SalesforceClient } from './salesforce-client.js';
import { openConnection } from './salesforce-connection.js';
import { runSetupChecks } from './setup-check.js';
import type { RefreshedSession, SharedSession } from './shared-session.js';
import { SOBJECTS, type SObjectName } from './sobject.js';
import { SObjectReader } from './sobject-reads.js';
import { COLLECTION_SIZE, SObjectWriter } from './sobject-writes.js';
import { assertFieldName } from './soql.js';

export interface SalesforceAdapterOptions {
  /** The org's own URL, e.g. https://acme.my.salesforce.com. */
  readonly instanceUrl: string;
  readonly accessToken: string;
  /** With `clientId` (and `clientSecret` for a confidential app): refreshes an expired session. */
  readonly refreshToken?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  /** Where tokens are refreshed: https://login.salesforce.com, test.salesforce.com, or My Domain. */
  readonly loginUrl?: string | undefined;
  /** REST API version; collection upsert needs 46.0+. */
  readonly version?: string | undefined;
  /**
   * The sObject this adapter reads and writes (default `Contact`). On `Account`,
   * `findByMatch('Website', hosts)` matches by the website's host (website-match.ts).
   */
  readonly sObject?: SObjectName | undefined;
  /** The unique External ID field on the sObject that holds the Propstreet id. */
  readonly externalIdField?: string | undefined;
  /** Fields of the sObject to read (the mapping's CRM side). */
  readonly fields: readonly string[];
  /** Fields the mapping writes: `validate --check` finds them missing or not updateable. */
  readonly writtenFields?: readonly string[];
  /** Share of the org's daily API limit after which this adapter stops calling (default 0.8). */
  readonly dailyBudgetShare?: number | undefined;
  /**
   * Duplicate rules whose action is Allow with Alert block API saves unless asked to save past
   * them (the standard Contact and Account rules alert on create). `allow` (default) sends
   * `Sforce-Duplicate-Rule-Header: allowSave=true` with every create and update; `respect` does
   * not, so a record a rule matches fails (DUPLICATES_DETECTED).
   */
  readonly duplicateRules?: 'allow' | 'respect' | undefined;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
  /**
   * The entry point's redactor: the tokens are registered with it. Required: a token
   * registered elsewhere would be printed as it is.
   */
  readonly redactor: Redactor;
  readonly retryPolicy?: RetryPolicy | undefined;
  /** Per-request timeout (default 120 s; jsforce's own is 30 minutes). */
  readonly requestTimeoutMs?: number | undefined;
  /** Called with the new session after a refresh, e.g. to store it (app/salesforce-session.ts). */
  readonly onTokenRefreshed?: ((session: RefreshedSession) => void) | undefined;
  /** The session shared with the connection's other clients (shared-session.ts); reports refreshes itself. */
  readonly session?: SharedSession | undefined;
}

const SALESFORCE_LIMITS: CrmLimits = {
  writeBatchSize: COLLECTION_SIZE,
  readPageSize: QUERY_BATCH_SIZE,
  maxConcurrency: 4,
};

/**
 * queryAll sees a deleted row while it is in the recycle bin: 15 days, or less when the bin
 * is full (Salesforce then purges the oldest rows after 2 hours); see docs/VENDOR-BEHAVIOUR.md.
 */
const SALESFORCE_RECYCLE_BIN_MS = 15 * 24 * 3600_000;

export function createSalesforceAdapter(options: SalesforceAdapterOptions): CrmAdapter {
  const object = SOBJECTS[options.sObject ?? 'Contact'];
  if (!object) throw new Error(`the Salesforce adapter serves Contact and Account, not ${options.sObject}`);
  const externalIdField = assertFieldName(options.externalIdField ?? 'Propstreet_Id__c');
  const fields = options.fields.map(assertFieldName);
  const share = options.dailyBudgetShare ?? 0.8;
  const written = (options.writtenFields ?? []).map(assertFieldName);
  const logger = options.logger ?? silentLogger;
  const budget = new ApiBudget(share);
  const clock = options.clock ?? systemClock;
  const conn = signIn(options, logger, clock);
  const client = new SalesforceClient({
    conn,
    budget,
    clock,
    logger,
    retryPolicy: options.retryPolicy,
  });
  const reader = new SObjectReader(client, object, fields, externalIdField);
  const writer = new SObjectWriter(client, object, externalIdField, options.duplicateRules ?? 'allow');

  return {
    kind: 'salesforce',
    limits: SALESFORCE_LIMITS,
    keyProperty: externalIdField,
    deletionsVisibleForMs: SALESFORCE_RECYCLE_BIN_MS,
    check: () => runSetupChecks(client, object.name, externalIdField, fields, share, false, written),
    setup: () => runSetupChecks(client, object.name, externalIdField, fields, share, true, written),
    identity: () => orgIdentity(client),
    inspectKeyField: (sampleSize) => inspectExternalIdField(client, object.name, externalIdField, sampleSize),
    readChanges: (checkpoint, readOptions) => reader.changes(checkpoint, readOptions),
    readByIds: (ids) => reader.byIds(ids),
    readByKeys: (keys) => reader.byKeys(keys),
    findByMatch: (field, values) => reader.byMatch(field, values),
    upsertByKey: (inputs) => writer.upsertByKey(inputs),
    update: (inputs) => writer.update(inputs),
    delete: (ids) => writer.delete(ids),
    usage: () => budget.usage(),
  };
}

/** The jsforce connection of a connection's adapters and associations client: one sign-in recipe. */
export function signIn(
  options: Pick<
    SalesforceAdapterOptions,
    | 'instanceUrl'
    | 'accessToken'
    | 'version'
    | 'loginUrl'
    | 'refreshToken'
    | 'clientId'
    | 'clientSecret'
    | 'redactor'
    | 'requestTimeoutMs'
    | 'onTokenRefreshed'
    | 'session'
  >,
  logger: Logger,
  clock: Clock,
): ReturnType<typeof openConnection> {
  return openConnection({
    instanceUrl: options.instanceUrl,
    accessToken: options.accessToken,
    version: options.version ?? '62.0',
    loginUrl: options.loginUrl ?? 'https://login.salesforce.com',
    refreshToken: options.refreshToken,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    logger,
    redactor: options.redactor,
    clock,
    requestTimeoutMs: options.requestTimeoutMs ?? 120_000,
    onTokenRefreshed: options.onTokenRefreshed,
    session: options.session,
  });
}
