/**
 * The HubSpot CrmAdapter on @hubspot/api-client 13.5.0, for one object (contacts or companies).
 * One instance per tenant and object: its own SDK client (SDK retries and limiter off), rate
 * limiter, retry policy and call counts. What differs per object is in hubspot-object.ts.
 */
import type { CrmAdapter } from '../port.js';
import { inspectKeyProperty, portalIdentity } from './hubspot-account.js';
import { type HubSpotConnectionOptions, hubSpotTransport } from './hubspot-connection.js';
import { HubSpotDeltaReader } from './hubspot-delta-reader.js';
import { HubSpotLookup } from './hubspot-lookup.js';
import { type HubSpotObjectType, hubSpotObject } from './hubspot-object.js';
import { HubSpotSetup } from './hubspot-setup.js';
import { HubSpotWriter } from './hubspot-writer.js';

export type { HubSpotLimits } from './hubspot-connection.js';

export interface HubSpotAdapterOptions extends HubSpotConnectionOptions {
  /** The HubSpot object this adapter reads and writes (default `contacts`). */
  readonly objectType?: HubSpotObjectType;
  /** The unique property of the object holding the Propstreet id (default `propstreet_id`). */
  readonly keyProperty?: string;
  /** HubSpot property names (of the object) the adapter reads: those the mapping reads. */
  readonly properties: readonly string[];
  /** The properties the mapping writes: `validate --check` finds them missing or read-only. */
  readonly writtenProperties?: readonly string[];
  /** Walk the archived list at most this often; 0 (default) on every run. */
  readonly archivedScanIntervalMs?: number;
}

/** HubSpot keeps a deleted (archived) contact or company restorable, and listed, for 90 days. */
const HUBSPOT_ARCHIVED_RETENTION_MS = 90 * 24 * 3600_000;

export function createHubSpotAdapter(options: HubSpotAdapterOptions): CrmAdapter {
  const object = hubSpotObject(options.objectType ?? 'contacts');
  const keyProperty = options.keyProperty ?? 'propstreet_id';
  const limits = options.limits ?? {};
  const transport = hubSpotTransport(options);
  const names = [...new Set([...options.properties, keyProperty])];
  const writeBatchSize = Math.min(100, Math.max(1, limits.writeBatchSize ?? 100));
  const searchPageSize = Math.min(200, Math.max(1, limits.searchPageSize ?? 200));
  // A chunk (500) is 5 batches: sent in one round, not three, so the writes keep up with the
  // 190-per-10 s limiter instead of waiting on round trips (15 → 23–25 batch calls a second in
  // the 10k bench). HubSpot documents request counts per window, not a concurrency limit.
  const maxConcurrency = Math.max(1, limits.maxConcurrency ?? 5);
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
  const setup = new HubSpotSetup({
    transport,
    object,
    keyProperty,
    properties: options.properties,
    ...(options.writtenProperties ? { writtenProperties: options.writtenProperties } : {}),
  });

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
