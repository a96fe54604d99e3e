/**
 * Plans and hands on Propstreet records while the delta's later pages are still being read, so
 * a first sync's CRM writes start after its first page, not after its last. The CRM side is
 * staged whole before (collect.ts readCrm) and links are in the state store, so a Propstreet
 * record's pairing is decided by its page. Pages are applied to staging one at a time in the
 * order read; full chunks of the records they brought are planned as they fill. What needs the
 * whole read is held back for the passes after it (plan-chunks.ts), unplanned:
 * - deletions: the mass-delete guard counts them all before any runs;
 * - a record whose linked CRM record is deleted or merged in this run's CRM delta: its plan may
 *   be a deletion, or it belongs to its merge;
 * - the chunk the last pages leave short, and CRM records no Propstreet change paired with (a
 *   change of the same contact may come on a later page);
 * - an unlinked record with a value for a match rule Propstreet does not keep unique (companies'
 *   domain, name): another record holding it may come on a later page, and a pairing made before
 *   would be a guess (match-candidates.ts counts every holder the run read).
 * A record seen again after it was planned (it changed during the read) is not planned twice:
 * staging keeps the planned version and the checkpoint stays before the new one
 * (propstreet-pages.ts cappedCheckpoint), so the next run plans it against what this one wrote.
 * Which records stream depends only on the pages and the state, never on how fast they came: a
 * dry run plans what a real run would.
 */
import { PropsyncError } from '../core/errors.js';
import { matchKey, sharedValueRules } from '../engine/match-values.js';
import { type ChunkPlanning, type PlanChunk, planPropstreetChunk } from '../engine/plan-chunks.js';
import type { PlanTally } from '../engine/plan-tally.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { Scope, StateStore } from '../state/port.js';
import type { Execution, PlanSink } from './plan-sink.js';
import { compareStamps } from './quiet-window.js';
import type { RunMeter } from './run-meter.js';
import type { Staging } from './staging.js';

export interface StreamRun<R extends PropstreetRecord, W> {
  readonly store: StateStore;
  readonly scope: Scope;
  readonly staging: Staging<R>;
  readonly sink: PlanSink<R, W>;
  readonly tally: PlanTally;
  readonly meter: RunMeter;
}

export interface PageSource<R> {
  /** The next page in the order read; undefined once the walk ended. */
  next(): Promise<readonly R[] | undefined>;
}

/**
 * Applies every page and plans the full chunks as they fill; returns the earliest record seen
 * again after it was planned (none, or one). Stops taking pages when the sink wants no more (the run stopped).
 */
export async function streamPages<R extends PropstreetRecord, W>(
  pages: PageSource<R>,
  run: StreamRun<R, W>,
  planning: ChunkPlanning<R>,
  execution: Execution<R, W>,
): Promise<R[]> {
  // Only the earliest matters (the checkpoint stays before it): memory stays flat.
  const resighted: R[] = [];
  const waiting: string[] = [];
  for (let page = await pages.next(); page; page = await pages.next()) {
    const staged = run.staging.putPropstreet(page);
    for (const c of staged.resighted)
      if (!resighted[0] || compareStamps(c.updatedUtc, resighted[0].updatedUtc) < 0) resighted[0] = c;
    // Most pages delete nothing: no set, and the fresh ids go on as they are.
    const deleted = deletedIds(page);
    if (deleted === undefined) for (const id of staged.fresh) waiting.push(id);
    else for (const id of staged.fresh) if (!deleted.has(id)) waiting.push(id);
    while (waiting.length >= planning.chunkSize) {
      if (!run.sink.wantsMore()) return resighted;
      await planStreamed(waiting.splice(0, planning.chunkSize), run, planning, execution);
    }
    if (!run.sink.wantsMore()) return resighted;
  }
  return resighted;
}

/** Ids of the page's deletions; undefined when it has none. */
function deletedIds(page: readonly PropstreetRecord[]): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const c of page) {
    if (!c.deletedUtc) continue;
    out ??= new Set();
    out.add(c.id);
  }
  return out;
}

async function planStreamed<R extends PropstreetRecord, W>(
  ids: readonly string[],
  run: StreamRun<R, W>,
  planning: ChunkPlanning<R>,
  execution: Execution<R, W>,
): Promise<void> {
  // The staged version: a later page may have brought a newer one (not yet planned) meanwhile.
  const live = [...run.staging.peekPropstreet(ids).values()].filter((c) => !c.deletedUtc);
  const held = new Set([...(await partnersGone(live, run)), ...(await pairedByShared(live, run, planning))]);
  const records = live.filter((c) => !held.has(c.id));
  if (records.length === 0) return;
  run.staging.markPlanned(records.map((c) => c.id));
  const chunk = await planPropstreetChunk(records, run.staging, planning);
  // Deletions wait for the guard's count: a plan that deletes here is a bug, and stopping the
  // run (no checkpoint) loses nothing.
  const deleting = chunk.records.find((pp) => pp.plan.action.startsWith('delete'));
  if (deleting)
    throw new PropsyncError(
      'INTERNAL',
      `a deletion (${deleting.plan.propstreetId ?? deleting.plan.crmId}) was planned before the mass-delete guard counted`,
    );
  await handOn(chunk, run, execution);
}

/** Records whose linked CRM record this run staged as deleted or merged away. */
async function partnersGone<R extends PropstreetRecord>(
  records: readonly R[],
  run: Pick<StreamRun<R, unknown>, 'store' | 'scope' | 'staging'>,
): Promise<Set<string>> {
  if (records.length === 0 || !run.staging.anyCrmGone) return new Set();
  const links = await run.store.linksByPropstreetIds(
    run.scope,
    records.map((c) => c.id),
  );
  const partners = run.staging.peekCrm(links.map((l) => l.crmId));
  return new Set(
    links.flatMap((l) => {
      const crm = partners.get(l.crmId);
      return crm && (crm.deleted || crm.mergedInto) ? [l.propstreetId] : [];
    }),
  );
}

/** Unlinked records a match rule on a value Propstreet may hold twice could pair (stream-plan.ts). */
async function pairedByShared<R extends PropstreetRecord>(
  records: readonly R[],
  run: Pick<StreamRun<R, unknown>, 'store' | 'scope'>,
  planning: Pick<ChunkPlanning<R>, 'mapper' | 'settings'>,
): Promise<Set<string>> {
  const rules = sharedValueRules(planning.mapper, planning.settings.match);
  if (rules.length === 0 || records.length === 0) return new Set();
  const valued = records.filter((c) =>
    rules.some((m) => matchKey(planning.mapper, m.field, m.field.propstreetValue(c)) !== undefined),
  );
  if (valued.length === 0) return new Set();
  const linked = new Set(
    (
      await run.store.linksByPropstreetIds(
        run.scope,
        valued.map((c) => c.id),
      )
    ).map((l) => l.propstreetId),
  );
  return new Set(valued.filter((c) => !linked.has(c.id)).map((c) => c.id));
}

/** Counts a planned chunk and hands it to the sink (the report, or the executor). */
export async function handOn<R extends PropstreetRecord, W>(
  chunk: PlanChunk<R>,
  run: Pick<StreamRun<R, W>, 'sink' | 'tally' | 'meter'>,
  execution: Execution<R, W>,
): Promise<void> {
  run.tally.add(chunk.records.map((pp) => pp.plan));
  run.meter.planned = run.tally.planned;
  await run.sink.chunk(chunk, execution);
}
