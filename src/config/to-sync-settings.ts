/** The engine's view of one connection: only what reconciliation and execution need. */
import { NotFoundError } from '../core/errors.js';
import type { SyncSettings } from '../engine/types.js';
import { durationMs } from './duration.js';
import type { ConnectionConfig, TenantConfig } from './tenant-config.js';

export function toSyncSettings(config: TenantConfig, connection: ConnectionConfig | string): SyncSettings {
  const c = typeof connection === 'string' ? findConnection(config, connection) : connection;
  return {
    tenant: config.tenant,
    connection: c.name,
    namespace: c.namespace,
    direction: c.direction,
    conflictPolicy: c.conflictPolicy,
    match: [...c.match],
    deletes: {
      fromPropstreet: c.deletes.fromPropstreet,
      fromCrm: c.deletes.fromCrm,
      againstEdit: c.deletes.againstEdit,
      recreate: c.deletes.recreate,
      maxShare: c.deletes.maxShare,
      maxCount: c.deletes.maxCount,
      windowMs: durationMs(c.deletes.window),
    },
    ownChangeOrigins: [...c.ownChangeOrigins],
    overlapMs: c.overlapSeconds * 1000,
    chunkSize: c.chunkSize,
    propstreetConcurrency: c.propstreetConcurrency,
    maxAttempts: c.maxAttempts,
    retryBaseMs: c.retryBaseSeconds * 1000,
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
