/**
 * The state scopes a command works on: every (connection, object kind) of the tenant, or those
 * named by `--connection` and `--kind`. A name the tenant does not have is a usage error, not
 * an empty answer a script would take for "nothing to do".
 */
import type { TenantConfig } from '../config/index.js';
import { ValidationError } from '../core/errors.js';
import type { Scope } from '../state/port.js';

export interface ScopeFilter {
  readonly connections?: readonly string[] | undefined;
  readonly kinds?: readonly string[] | undefined;
}

/** In the tenant file's connection order, each connection's kinds in run order. */
export function scopesOf(config: TenantConfig, filter: ScopeFilter = {}): Scope[] {
  const known = config.connections.map((c) => c.name);
  const unknown = (filter.connections ?? []).filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new ValidationError(`--connection ${unknown.join(', ')}: expected one of ${known.join(', ')}`, {
      connection: unknown,
    });
  const connections = filter.connections?.length
    ? config.connections.filter((c) => filter.connections?.includes(c.name))
    : config.connections;
  const kinds = [...new Set(connections.flatMap((c) => c.objects.map((o) => o.kind)))];
  const unknownKinds = (filter.kinds ?? []).filter((k) => !(kinds as readonly string[]).includes(k));
  if (unknownKinds.length > 0)
    throw new ValidationError(
      `--kind ${unknownKinds.join(', ')}: expected one of ${kinds.join(', ')} (the object kinds ${connections.length === 1 ? 'the connection syncs' : 'these connections sync'})`,
      { kind: unknownKinds },
    );
  return connections.flatMap((c) =>
    c.objects
      .filter((o) => !filter.kinds?.length || filter.kinds.includes(o.kind))
      .map((o) => ({ tenant: config.tenant, connection: c.name, kind: o.kind })),
  );
}
