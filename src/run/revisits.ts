/**
 * What a person acted on since the last run, read again whatever the checkpoints say: contacts
 * relinked (`propsync relink`), and both sides of pairs with a resolved conflict (`propsync
 * resolve`), with the resolutions the planner applies.
 */
import type { ConflictResolution, Scope, StateStore } from '../state/port.js';

/** Relinked contacts and resolved conflicts read per run; more wait for the next run. */
const REVISITS_PER_RUN = 1000;

export interface Revisit {
  readonly propstreetIds: readonly string[];
  readonly crmIds: readonly string[];
  /** A person's resolutions by Propstreet id, then field. */
  readonly resolutions: ReadonlyMap<string, ReadonlyMap<string, ConflictResolution>>;
}

export async function revisitsOf(store: StateStore, scope: Scope): Promise<Revisit> {
  const resolved = await store.listConflicts(scope, { limit: REVISITS_PER_RUN, resolved: true });
  const relinked = await store.listTombstones(scope, { limit: REVISITS_PER_RUN, relinked: true });
  const resolutions = new Map<string, Map<string, ConflictResolution>>();
  for (const c of resolved)
    if (c.resolution)
      resolutions.set(
        c.propstreetId,
        new Map([...(resolutions.get(c.propstreetId) ?? []), [c.field, c.resolution]]),
      );
  return {
    propstreetIds: [...new Set([...resolved, ...relinked].map((x) => x.propstreetId))],
    crmIds: [...new Set(resolved.map((c) => c.crmId))],
    resolutions,
  };
}
