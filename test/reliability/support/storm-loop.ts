/**
 * The fault-storm scenario: people on all sides, the storm on every fake, runs until the
 * world matches the model (at most `maxRuns`). Then user edits on all sides, and more runs
 * in the storm while users edit Propstreet contacts between the engine's read and its write
 * (so its PATCHes meet 412s). Per-record batch rejections are on for the first two runs of
 * each phase. Used by the short test (npm test) and the chaos suite.
 */
import type { RecordPlan } from '../../../src/engine/types.js';
import type { ConnectionResult } from '../../../src/run/run-result.js';
import type { Rng } from './chaos-seed.js';
import { checkWorld, type ProblemKind, problemsExcept } from './check-world.js';
import { type EditOutcomes, editOutcomes } from './edit-outcomes.js';
import { faultCounts, startStorm } from './fault-storm.js';
import { runWithTimeouts } from './storm-run.js';
import { SIDES, type UserEdit, type World } from './world.js';

export interface StormOptions {
  readonly initial: number;
  readonly edits: number;
  readonly creates: number;
  readonly maxRuns: number;
  readonly timeoutMs: number;
  /** Propstreet edits made mid-run per planned chunk (each causes a 412). */
  readonly midRunEditsPerChunk: number;
  /** Problems that do not block convergence (known bugs the lead tracks). */
  readonly tolerate?: readonly ProblemKind[];
  readonly log?: (line: string) => void;
}

export interface StormPhase {
  readonly name: string;
  readonly runs: number;
  readonly converged: boolean;
  readonly problems: string[];
}

export interface StormReport {
  readonly phases: StormPhase[];
  readonly faults: Record<string, number>;
  readonly rejectedRecords: number;
  readonly midRunEdits: number;
  readonly edits: EditOutcomes;
  readonly duplicates: number;
  readonly missing: number;
  /** Write calls of a run after the storm ended and everything converged. */
  readonly idleWrites: number;
  readonly results: ConnectionResult[];
}

export async function stormLoop(world: World, rnd: Rng, o: StormOptions): Promise<StormReport> {
  const log = o.log ?? (() => undefined);
  const tolerate = o.tolerate ?? [];
  const results: ConnectionResult[] = [];
  const phases: StormPhase[] = [];
  const midRun: UserEdit[] = [];
  world.createPeople('propstreet', Math.ceil(o.initial / 2));
  world.createPeople('hubspot', Math.floor(o.initial / 4));
  world.createPeople('salesforce', o.initial - Math.ceil(o.initial / 2) - Math.floor(o.initial / 4));
  const storm = startStorm(world, rnd);

  const onPlanChunk = (_connection: string, chunk: readonly RecordPlan[]) => {
    const targets = rnd.sample(
      chunk.filter((r) => r.propstreetId && r.toPropstreet.length > 0),
      o.midRunEditsPerChunk,
    );
    for (const r of targets) {
      const email = world.sb.propstreet.contact(r.propstreetId!)?.email?.toLowerCase();
      if (!email || !world.intended.has(email)) continue;
      // Another field than the engine writes and than any earlier edit: both must survive.
      const busy = new Set([...r.toPropstreet.map((c) => c.field), ...world.editedFields(email)]);
      const free = (['firstName', 'lastName', 'phone'] as const).filter((f) => !busy.has(f));
      if (free.length === 0) continue;
      const field = rnd.pick(free);
      midRun.push(world.edit('propstreet', email, field, world.freshValue(field)));
    }
  };

  const phase = async (name: string, withEdits: boolean) => {
    const rejections = storm.armRejections();
    let runs = 0;
    let problems: string[] = [];
    while (runs < o.maxRuns) {
      runs++;
      if (runs === 3) rejections.end();
      const r = await runWithTimeouts(world, {
        timeoutMs: o.timeoutMs,
        ...(withEdits ? { onPlanChunk } : {}),
      });
      results.push(...r);
      problems = problemsExcept((await checkWorld(world)).problems, tolerate);
      log(
        `${name} run ${runs}: ${r.map((x) => `${x.connection} ${x.status} ${x.failures.length} failed${x.abort ? ` (${x.abort.code})` : ''}`).join(', ')}; ${problems.length} problems`,
      );
      if (problems.length === 0) break;
    }
    rejections.end();
    phases.push({ name, runs, converged: problems.length === 0, problems: problems.slice(0, 20) });
  };

  await phase('initial sync', false);
  world.userEdits(o.edits);
  for (const side of SIDES) world.createPeople(side, Math.round(o.creates / 3));
  await phase('edits', true);

  const faults = faultCounts(world);
  storm.clear();
  const final = await checkWorld(world);
  const edits = await editOutcomes(world, world.edits, results);
  const before = world.writeCalls();
  await world.run();
  const idleWrites = world.writeCalls() - before;
  const rejectedRecords = results.reduce(
    (n, r) => n + r.failures.filter((f) => f.error.includes('(storm)')).length,
    0,
  );
  return {
    phases,
    faults,
    rejectedRecords,
    midRunEdits: midRun.length,
    edits,
    duplicates: final.duplicates,
    missing: final.missing,
    idleWrites,
    results,
  };
}
