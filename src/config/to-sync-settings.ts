/** The engine's view of one connection's object kind: only what reconciliation and execution need. */
import { NotFoundError } from '../core/errors.js';
import type { SyncSettings } from '../engine/types.js';
import { durationMs } from './duration.js';
import type { ObjectKind } from './object-kinds.js';
import type { ConnectionConfig, ObjectConfig, TenantConfig } from './tenant-config.js';

/** `kind`: which of the connection's kinds (default contacts, which every connection had before kinds). */
export function toSyncSettings(
  config: TenantConfig,
  connection: ConnectionConfig | string,
  kind: ObjectKind = 'contacts',
): SyncSettings {
  const c = typeof connection === 'string' ? findConnection(config, connection) : connection;
  const o = findObject(c, kind);
  return {
    tenant: config.tenant,
    connection: c.name,
    namespace: c.namespace,
    direction: o.direction,
    conflictPolicy: o.conflictPolicy,
    match: [...o.match],
    deletes: {
      fromPropstreet: o.deletes.fromPropstreet,
      fromCrm: o.deletes.fromCrm,
      againstEdit: o.deletes.againstEdit,
      recreate: o.deletes.recreate,
      maxShare: o.deletes.maxShare,
      maxCount: o.deletes.maxCount,
      windowMs: durationMs(o.deletes.window),
    },
    ownChangeOrigins: [...c.ownChangeOrigins],
    overlapMs: c.overlapSeconds * 1000,
    recheckCrmAfterMs: durationMs(c.recheckCrmAfter),
    reconcileEveryMs: durationMs(c.reconcileEvery),
    chunkSize: c.chunkSize,
    propstreetConcurrency: c.propstreetConcurrency,
    maxAttempts: c.maxAttempts,
    retryBaseMs: c.retryBaseSeconds * 1000,
    refDrainMs: durationMs(c.refWriteBacks.drainFor),
  };
}

export function findConnection(config: TenantConfig, name: string): ConnectionConfig {
  const found = config.connections.find((c) => c.name === name);
  if (!found) {
    const known = config.connections.map((c) => c.name).join(', ');
    throw new NotFoundError(`tenant ${config.tenant} has no connection "${name}" (it has: ${known})`);
  }
  return found;
}

/** The connection's settings for `kind`, which it must sync (its `objects`). */
export function findObject(connection: ConnectionConfig, kind: string): ObjectConfig {
  const found = connection.objects.find((o) => o.kind === kind);
  if (!found) {
    const known = connection.objects.map((o) => o.kind).join(', ');
    throw new NotFoundError(`connection ${connection.name} does not sync ${kind} (its objects: ${known})`);
  }
  return found;
}
