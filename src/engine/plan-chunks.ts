/**
 * The plan as a stream of values: staged changes are paired and planned a chunk at a time,
 * Propstreet's first (those the run did not already plan while its pages came in:
 * src/run/stream-plan.ts), then the CRM records no Propstreet change paired with. Each chunk is
 * planned only when its consumer asks for it, so what the consumer did with the last chunk
 * (links a real run stored) is what the next one is paired against.
 */

import type { Side } from '../state/port.js';
import { withDeleteTargets } from './delete-targets.js';
import { completeNewLinks, pairsForCrm, pairsForPropstreet, type ResolverDeps } from './pair-resolver.js';
import type { PairPlan, PairState, SideValues } from './plan-pair.js';
import type { PropstreetRecord } from './records.js';
import { type SiblingLag, withSiblingLag } from './sibling-lag.js';
import type { StagedChanges } from './staged-changes.js';
import { PLAN_VERSION } from './types.js';
import { holdTakenValues } from './unique-value-guard.js';

export interface PlanChunk<R extends PropstreetRecord = PropstreetRecord> {
  readonly version: typeof PLAN_VERSION;
  /** The pass that planned it: Propstreet changes, or CRM changes nothing paired with. */
  readonly side: Side;
  readonly records: readonly PairPlan<R>[];
}

export interface ChunkPlanning<R extends PropstreetRecord> extends Omit<ResolverDeps<R>, 'staging'> {
  readonly chunkSize: number;
  /** What the run adds to a pair before it is planned (a hold on a quarantined record, a person's resolutions). */
  readonly prepare: (pair: PairState<R>) => PairState<R>;
  readonly plan: (pair: PairState<R>) => PairPlan<R>;
  /** The mass-delete guard holds this run's deletes: they are planned and marked, never executed. */
  readonly holdDeletes: boolean;
  /** In a bridge: which other connections a CRM deletion must wait for (sibling-lag.ts). */
  readonly siblingLag?: SiblingLag | undefined;
}

export async function* planChunks<R extends PropstreetRecord>(
  staging: StagedChanges<R>,
  deps: ChunkPlanning<R>,
): AsyncGenerator<PlanChunk<R>> {
  const resolver: ResolverDeps<R> = { ...deps, staging };
  for (const chunk of staging.propstreetChunks(deps.chunkSize))
    yield await planPropstreetChunk(chunk, staging, deps);
  for (const chunk of staging.crmChunks(deps.chunkSize))
    yield await planned(
      'crm',
      await holdTakenValues(await pairsForCrm(chunk, resolver), resolver),
      deps,
      resolver,
    );
}

/** One chunk of Propstreet records, paired and planned. */
export async function planPropstreetChunk<R extends PropstreetRecord>(
  chunk: readonly R[],
  staging: StagedChanges<R>,
  deps: ChunkPlanning<R>,
): Promise<PlanChunk<R>> {
  const resolver: ResolverDeps<R> = { ...deps, staging };
  return planned('propstreet', await pairsForPropstreet(chunk, resolver), deps, resolver);
}

async function planned<R extends PropstreetRecord>(
  side: Side,
  pairs: readonly PairState<R>[],
  deps: ChunkPlanning<R>,
  resolver: ResolverDeps<R>,
): Promise<PlanChunk<R>> {
  const linked = await completeNewLinks(pairs.map(deps.prepare), resolver);
  const bridge = deps.siblingLag !== undefined;
  const targeted = await withSiblingLag(await withDeleteTargets(linked, resolver, bridge), deps.siblingLag);
  const complete = await withOpenConflicts(targeted, deps);
  const records = complete.map((pair) => {
    const pp = deps.plan(pair);
    return deps.holdDeletes && pp.plan.action.startsWith('delete')
      ? { ...pp, plan: { ...pp.plan, guarded: true } }
      : pp;
  });
  return { version: PLAN_VERSION, side, records };
}

/** A synced pair planned without one side's real values: the shadow stands in for that side. */
const missesASide = <R extends PropstreetRecord>(p: PairState<R>): boolean =>
  p.link !== null && p.link.shadow !== null && (!p.propstreet || p.propstreetEcho || !p.crm);

/**
 * Adds the stored open conflicts to the pairs that miss a side (one read per chunk, and only
 * when such pairs exist): the planner must not mistake that side for the shadow on those fields.
 */
async function withOpenConflicts<R extends PropstreetRecord>(
  pairs: PairState<R>[],
  deps: ChunkPlanning<R>,
): Promise<PairState<R>[]> {
  const ids = pairs.flatMap((p) => (missesASide(p) && p.link ? [p.link.propstreetId] : []));
  if (ids.length === 0) return pairs;
  const byContact = new Map<string, Map<string, SideValues>>();
  for (const c of await deps.store.conflictsByPropstreetIds(deps.scope, ids)) {
    const fields = byContact.get(c.propstreetId) ?? new Map<string, SideValues>();
    fields.set(c.field, { propstreet: c.propstreet, crm: c.crm });
    byContact.set(c.propstreetId, fields);
  }
  if (byContact.size === 0) return pairs;
  return pairs.map((p) => {
    const open = missesASide(p) && p.link ? byContact.get(p.link.propstreetId) : undefined;
    return open ? { ...p, openConflicts: open } : p;
  });
}

/**
 * Chunks of at least a batch are whole CRM batches (500 → 600 for Salesforce's 200), so no
 * call goes half full; a smaller chunk size is the tenant's choice and is kept.
 */
export function chunkSizeFor(chunkSize: number, writeBatchSize: number): number {
  const batch = Math.max(1, writeBatchSize);
  return chunkSize >= batch ? Math.ceil(chunkSize / batch) * batch : chunkSize;
}
