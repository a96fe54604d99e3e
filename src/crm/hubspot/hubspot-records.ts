/** SDK objects → the port's CrmRecord, and the property lists each call asks for. */
import type { CrmRecord } from '../port.js';

/** Every object HubSpot merges lists the ids it swallowed here (contacts and companies alike). */
const MERGED_IDS = 'hs_merged_object_ids';

/** The fields of the SDK's SimplePublicObject that the adapter reads. */
export interface SdkObject {
  id: string;
  properties: { [key: string]: string | null };
  updatedAt?: Date;
  archivedAt?: Date;
}

export interface RecordContext {
  /** Mapped properties plus the key property: what a CrmRecord carries. */
  readonly names: readonly string[];
  /** The object's last-modified property (`lastmodifieddate`, `hs_lastmodifieddate`). */
  readonly lastModified: string;
}

function iso(d: Date | undefined): string | undefined {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

function modifiedAtOf(o: SdkObject, lastModified: string): string {
  return o.properties[lastModified] ?? iso(o.updatedAt) ?? new Date(0).toISOString();
}

/** What every read asks for: the record's properties, its stamp and the ids it swallowed. */
export function readProperties(ctx: RecordContext): string[] {
  return [...new Set([...ctx.names, ctx.lastModified, MERGED_IDS])];
}

export function toCrmRecord(ctx: RecordContext, o: SdkObject, deleted = false): CrmRecord {
  const properties: Record<string, string | null> = {};
  for (const name of ctx.names) properties[name] = o.properties[name] ?? null;
  const modifiedAt = deleted
    ? (iso(o.archivedAt) ?? modifiedAtOf(o, ctx.lastModified))
    : modifiedAtOf(o, ctx.lastModified);
  return { id: o.id, properties, modifiedAt, deleted };
}

/** The records a survivor swallowed, as deletions pointing at it. */
export function mergedAway(ctx: RecordContext, o: SdkObject): CrmRecord[] {
  const ids = (o.properties[MERGED_IDS] ?? '').split(';').filter((id) => id && id !== o.id);
  const modifiedAt = modifiedAtOf(o, ctx.lastModified);
  return ids.map((id) => ({ id, properties: {}, modifiedAt, deleted: true, mergedInto: o.id }));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
