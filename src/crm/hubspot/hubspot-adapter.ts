/**
 * The HubSpot CrmAdapter on @hubspot/api-client 13.5.0, for one object (contacts or companies).
 * One instance per tenant and object: its own SDK client (SDK retries and limiter off), rate
 * limiter, retry policy and call counts. What differs per object is in hubspot-object.ts.
 */
import { type Clock, systemClock } from '../../core/clock.js';
import { type Logger, silentLogger } from '../../core/logger.js';
import type { RetryPolicy } from '../../core/retry.js';
import type { CrmAdapter } from '../port.js';
import { inspectKeyProperty, portalIdentity } from './hubspot-account.js';
import { HubSpotDeltaReader } from './hubspot-delta-reader.js';
import { HubSpotLookup } from './hubspot-lookup.js';
import type { HubSpotOAuthCredentials } from './hubspot-oauth.js';
import { type HubSpotObjectType, hubSpotObject } from './hubspot-object.js';
import { HubSpotRateLimiter } from './hubspot-rate-limiter.js';
import { HubSpotSetup } from './hubspot-setup.js';
import { type HubSpotAuth, HubSpotTransport } from './hubspot-transport.js';
import { HubSpotWriter } from './hubspot-writer.js';

export interface HubSpotLimits {
  /** Calls per interval before the first response tells (default 190, HubSpot Professional). */
  readonly requestsPerInterval?: number;
  readonly intervalMs?: number;
  /** Search requests per second (HubSpot: 5 per account). */
  readonly searchPerSecond?: number;
  /** Write batches in flight at once (default 2; HubSpot answers 423 to bursts of upserts). */
  readonly maxConcurrency?: number;
  /** Inputs per batch write, at most 100. */
  readonly writeBatchSize?: number;
  /** Results per search page, at most 200. */
  readonly searchPageSize?: number;
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
}

export interface HubSpotAdapterOptions {
  /** A private app's access token (it does not expire). Exactly one of this and `oauth`. */
  readonly accessToken?: string | undefined;
  /** An OAuth app's credentials: access tokens are refreshed every 30 minutes and on a 401. */
  readonly oauth?: HubSpotOAuthCredentials | undefined;
  /** Replaces https://api.hubapi.com (tests point it at the fake). */
  readonly basePath?: string;
  /** The HubSpot object this adapter reads and writes (default `contacts`). */
  readonly objectType?: HubSpotObjectType;
  /** The unique property of the object holding the Propstreet id (default `propstreet_id`). */
  readonly keyProperty?: string;
  /** HubSpot property names (of the object) the mapping reads and writes. */
  readonly properties: readonly string[];
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly limits?: HubSpotLimits;
  /** Walk the archived list at most this often; 0 (default) on every run. */
  readonly archivedScanIntervalMs?: number;
}

/** HubSpot keeps a deleted (archived) contact or company restorable, and listed, for 90 days. */
const HUBSPOT_ARCHIVED_RETENTION_MS = 90 * 24 * 3600_000;

export function createHubSpotAdapter(options: HubSpotAdapterOptions): CrmAdapter {
  const object = hubSpotObject(options.objectType ?? 'contacts');
  const auth = hubSpotAuth(options);
  const keyProperty = options.keyProperty ?? 'propstreet_id';
  const limits = options.limits ?? {};
  const clock = options.clock ?? systemClock;
  const limiter = new HubSpotRateLimiter(clock, {
    requestsPerInterval: limits.requestsPerInterval ?? 190,
    intervalMs: limits.intervalMs ?? 10_000,
    searchPerSecond: limits.searchPerSecond ?? 5,
  });
  const transport = new HubSpotTransport({
    auth,
    basePath: options.basePath,
    clock,
    logger: options.logger ?? silentLogger,
    limiter,
    retry: limits.retry,
    requestTimeoutMs: limits.requestTimeoutMs ?? 60_000,
  });
  const names = [...new Set([...options.properties, keyProperty])];
  const writeBatchSize = Math.min(100, Math.max(1, limits.writeBatchSize ?? 100));
  const searchPageSize = Math.min(200, Math.max(1, limits.searchPageSize ?? 200));
  const maxConcurrency = Math.max(1, limits.maxConcurrency ?? 2);
  const writer = new HubSpotWriter({
    transport,
    object,
    keyProperty,
    batchSize: writeBatchSize,
    maxConcurrency,
  });
  const reader = new HubSpotDeltaReader({
    transport,
    object,
    names,
    searchPageSize,
    archivedScanIntervalMs: options.archivedScanIntervalMs ?? 0,
  });
  const lookup = new HubSpotLookup({ transport, object, names, keyProperty });
  const setup = new HubSpotSetup({ transport, object, keyProperty, properties: options.properties });

  return {
    kind: 'hubspot',
    keyProperty,
    deletionsVisibleForMs: HUBSPOT_ARCHIVED_RETENTION_MS,
    limits: { writeBatchSize, readPageSize: searchPageSize, maxConcurrency },
    check: () => setup.check(),
    setup: () => setup.setup(),
    identity: () => portalIdentity(transport),
    inspectKeyField: (sampleSize) => inspectKeyProperty(transport, object, keyProperty, sampleSize),
    readChanges: (checkpoint, readOptions) => reader.readChanges(checkpoint, readOptions),
    readByIds: (ids) => lookup.readByIds(ids),
    readByKeys: (keys) => lookup.readByKeys(keys),
    findByMatch: (property, values) => lookup.findByMatch(property, values),
    upsertByKey: (inputs) => writer.upsertByKey(inputs),
    update: (inputs) => writer.update(inputs),
    delete: (ids) => writer.delete(ids),
    allowedValues: () => setup.allowedValues(),
    usage: () => transport.usage(),
  };
}

function hubSpotAuth(options: HubSpotAdapterOptions): HubSpotAuth {
  if (options.oauth && options.accessToken === undefined) return { oauth: options.oauth };
  if (options.accessToken !== undefined && !options.oauth) return { accessToken: options.accessToken };
  throw new Error('HubSpot adapter: give exactly one of accessToken (private app) and oauth (OAuth app)');
}
