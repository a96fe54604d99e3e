/**
 * What a test (or a user in the HubSpot UI) does to one object's records behind the adapter's
 * back: seed, create, edit, delete, merge, read what is stored, define properties. Acts on the
 * store directly, so it never counts against rate limits. The same surface for contacts and
 * companies.
 */
import type { ObjectStore, SeedRecord, StoredRecord } from './object-store.js';
import { optionsOf, type PropertyType } from './property-definitions.js';

export interface DumpedRecord {
  readonly id: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly archived: boolean;
  readonly archivedAt?: string;
}

export interface PropertyInput {
  name: string;
  label?: string;
  type?: PropertyType;
  hasUniqueValue?: boolean;
  /** Values of an enumeration (`type: 'enumeration'`); writes of anything else fail. */
  options?: readonly string[];
}

export interface HubSpotObjectControl {
  /** Bulk load (100k in well under a second); returns the new ids in input order. */
  seed(records: readonly SeedRecord[]): string[];
  createAsUser(properties: Readonly<Record<string, string | null>>): string;
  editAsUser(id: string, properties: Readonly<Record<string, string | null>>): void;
  deleteAsUser(id: string): void;
  /**
   * A GDPR delete (HubSpot API reference, GDPR delete: "Permanently delete a contact and all associated content"; docs/VENDOR-BEHAVIOUR.md): the
   * record is archived (the deletion's webhook event) and then gone, not listed as archived and
   * not found by id: no delta shows it.
   */
  gdprDeleteAsUser(id: string): void;
  /** Merges `mergedId` into `primaryId` as HubSpot does: returns the new merged record's id. */
  mergeAsUser(primaryId: string, mergedId: string): string;
  /** Every stored property, archived records included; merged-away records are gone. */
  get(id: string): DumpedRecord | undefined;
  dump(): DumpedRecord[];
  /** Creates a custom property of the object, as setup would (e.g. the key with hasUniqueValue). */
  defineProperty(def: PropertyInput): void;
  /** Replaces an enumeration's options, as a portal admin editing e.g. `hs_language` would. */
  setPropertyOptions(name: string, values: readonly string[]): void;
  hasProperty(name: string): boolean;
}

function dumpRecord(c: StoredRecord): DumpedRecord {
  return {
    id: c.id,
    properties: { ...c.props },
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    archived: c.archived,
    ...(c.archivedAt === undefined ? {} : { archivedAt: new Date(c.archivedAt).toISOString() }),
  };
}

export function createObjectControl(store: ObjectStore): HubSpotObjectControl {
  const { noun } = store.schema;
  const live = (id: string) => {
    const c = store.getLive(id);
    if (!c) throw new Error(`hubspot fake: no live ${noun} ${id}`);
    return c;
  };
  const checked = (props: Readonly<Record<string, string | null>>, selfId?: string) => {
    const issues = store.validate(props);
    if (issues.length > 0) throw new Error(`hubspot fake: ${issues.map((i) => i.message).join('; ')}`);
    const clash = store.conflict(props, selfId);
    if (clash) throw new Error(`hubspot fake: unique value clash (${clash.kind})`);
  };
  return {
    seed: (records) => store.seed(records),
    createAsUser(properties) {
      checked(properties);
      return store.create(properties).id;
    },
    editAsUser(id, properties) {
      const c = live(id);
      checked(properties, id);
      store.update(c, properties);
    },
    deleteAsUser: (id) => store.archive(live(id)),
    gdprDeleteAsUser: (id) => store.erase(live(id)),
    mergeAsUser: (primaryId, mergedId) => store.merge(live(primaryId), live(mergedId)).id,
    get(id) {
      const c = store.records.get(id);
      return c ? dumpRecord(c) : undefined;
    },
    dump: () => [...store.records.values()].map(dumpRecord),
    defineProperty(def) {
      store.defineProperty({
        name: def.name,
        label: def.label ?? def.name,
        type: def.type ?? (def.options ? 'enumeration' : 'string'),
        fieldType: def.options ? 'select' : 'text',
        groupName: store.schema.groupName,
        hasUniqueValue: def.hasUniqueValue ?? false,
        readOnly: false,
        hubspotDefined: false,
        createdAt: new Date().toISOString(),
        options: optionsOf((def.options ?? []).map((v) => [v, v] as const)),
      });
    },
    setPropertyOptions(name, values) {
      const def = store.property(name);
      if (def?.type !== 'enumeration') throw new Error(`hubspot fake: ${name} is not an enumeration`);
      const labels = new Map(def.options.map((o) => [o.value, o.label]));
      store.defineProperty({
        ...def,
        options: optionsOf(values.map((v) => [v, labels.get(v) ?? v] as const)),
      });
    },
    hasProperty: (name) => store.property(name) !== undefined,
  };
}
