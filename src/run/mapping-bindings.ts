/**
 * A link's shadow is keyed by canonical field, not by CRM property. When the mapping points a
 * field at another CRM property (`fields: { phone: { crm: mobilephone } }`), or maps a field
 * again after it was removed, the shadow still holds the value last synced from the old
 * property: compared with the new property's (often empty) value, it read as a CRM edit, and
 * the run cleared Propstreet's value (and the links phase's titles, through jobTitle). So each
 * run compares the mapping's CRM property per field with the one recorded, and drops the fields
 * that moved (or are new) from every shadow of the scope before planning: each is then synced
 * as a field never synced is (blanks filled either way; values on both sides read in one run
 * are a conflict for the policy). A dry run plans the same without writing: its store hides
 * those fields (`withoutShadowFields`).
 */
import type { Logger } from '../core/logger.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { Link, Scope, StateStore } from '../state/port.js';
import type { StateWrites } from './state-writes.js';

const BINDINGS = 'mapping.crmProperties';

/** Which CRM property each mapped field reads, as recorded. */
type Bindings = Record<string, string>;

export function bindingsOf(mapper: Pick<RecordMapper<never, never>, 'fields' | 'crmPropertyOf'>): Bindings {
  // Every mapped field, to-crm ones too: a to-crm field pointed elsewhere leaves the new property
  // empty on every record whose shadow still says it is synced.
  return Object.fromEntries(mapper.fields.map((f) => [f.name, f.crm ?? mapper.crmPropertyOf(f.name) ?? '']));
}

/**
 * The fields whose CRM property is not the one recorded (or that were not mapped then), after
 * dropping them from the scope's shadows and recording the mapping (through `writes`: nothing in
 * a dry run). A state with nothing recorded records the mapping and drops nothing.
 */
export async function rebindMappedFields(
  store: Pick<StateStore, 'getMeta'>,
  scope: Scope,
  current: Bindings,
  o: { writes: StateWrites; log: Logger },
): Promise<string[]> {
  const raw = await store.getMeta(scope, BINDINGS);
  const value = JSON.stringify(current);
  if (raw === value) return [];
  const recorded = parse(raw);
  const moved = recorded ? Object.keys(current).filter((f) => recorded[f] !== current[f]) : [];
  if (moved.length > 0)
    o.log.warn(
      { fields: moved },
      `the mapping reads ${moved.map((f) => `${f} from ${current[f] || '(none)'}${recorded?.[f] ? ` (was ${recorded[f]})` : ''}`).join(', ')}: ` +
        'their last synced values are dropped, and each syncs again as a field never synced',
    );
  await o.writes.commit(scope, {
    ...(moved.length > 0 ? { dropShadowFields: moved } : {}),
    upsertMeta: [{ key: BINDINGS, value }],
  });
  return moved;
}

function parse(raw: string | null): Bindings | undefined {
  if (raw === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Bindings) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The store as a dry run must see it after `rebindMappedFields`: links without those fields, and
 * without their conflicts (a real run drops both).
 */
export function withoutShadowFields(store: StateStore, fields: readonly string[]): StateStore {
  if (fields.length === 0) return store;
  const strip = (l: Link): Link =>
    l.shadow
      ? { ...l, shadow: Object.fromEntries(Object.entries(l.shadow).filter(([f]) => !fields.includes(f))) }
      : l;
  const kept = (c: { readonly field: string }) => !fields.includes(c.field);
  const hidden: Partial<StateStore> = {
    linksByPropstreetIds: async (scope, ids) => (await store.linksByPropstreetIds(scope, ids)).map(strip),
    linksByCrmIds: async (scope, ids) => (await store.linksByCrmIds(scope, ids)).map(strip),
    listLinks: async (scope, o) => (await store.listLinks(scope, o)).map(strip),
    conflictsByPropstreetIds: async (scope, ids) =>
      (await store.conflictsByPropstreetIds(scope, ids)).filter(kept),
    listConflicts: async (scope, o) => (await store.listConflicts(scope, o)).filter(kept),
  };
  return new Proxy(store, {
    get: (target, prop, receiver) =>
      Object.hasOwn(hidden, prop) ? hidden[prop as keyof StateStore] : Reflect.get(target, prop, receiver),
  });
}
