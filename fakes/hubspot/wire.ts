/** How the fake puts stored records on the wire, and reads list-valued query parameters. */
import type { ObjectStore, StoredRecord } from './object-store.js';

export interface PublicObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

/**
 * Requested properties that exist come back, `null` when unset; names that are not
 * properties are ignored (HubSpot's documented behaviour). Without a list: the object's defaults.
 */
export function publicObject(
  store: ObjectStore,
  c: StoredRecord,
  requested: readonly string[] | undefined,
): PublicObject {
  const { alwaysReturned, defaultReturned } = store.schema;
  const names = requested && requested.length > 0 ? [...requested, ...alwaysReturned] : defaultReturned;
  const properties: Record<string, string | null> = {};
  for (const name of names) {
    if (!store.property(name)) continue;
    properties[name] = store.valueOf(c, name) ?? null;
  }
  return {
    id: c.id,
    properties,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    archived: c.archived,
    ...(c.archivedAt === undefined ? {} : { archivedAt: new Date(c.archivedAt).toISOString() }),
  };
}

/** `properties=a,b&properties=c` (the SDK repeats the parameter; curl users send commas). */
export function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const all = query.getAll(name);
  if (all.length === 0) return undefined;
  return all
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
