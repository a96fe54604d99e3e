/**
 * The crash loop: seed people on all three sides, then K times: make user edits and new
 * people, start `propsync run` as a child process, edit a few more people while it runs,
 * SIGKILL it at a random moment, rerun (in this process) until a run writes nothing, and
 * check the world against the model. Used by the short test (npm test) and the chaos suite.
 */
import { readdirSync } from 'node:fs';
import { checkWorld, type Problem, type ProblemKind } from './check-world.js';
import { type ChildRun, type KillAt, runChild } from './child-run.js';
import { SIDES, type World } from './world.js';

export interface CrashLoopOptions {
  /** People at the start, split 50 / 25 / 25 over Propstreet, HubSpot and Salesforce. */
  readonly initial: number;
  readonly kills: number;
  /** New people per round (spread over the sides) and user edits per round. */
  readonly createsPerRound: number;
  readonly editsPerRound: number;
  /** Runs allowed after a kill before the world must have converged. */
  readonly maxRunsToConverge: number;
  /** Stop creating people once this many exist (default: no limit). */
  readonly maxPeople?: number;
  /**
   * Start no new round after this many milliseconds (default: no limit). A round on a busy
   * machine takes several times as long as on an idle one; a time budget keeps the suite
   * inside its timeout there, and the report says how many kills it reached.
   */
  readonly budgetMs?: number;
  readonly log?: (line: string) => void;
}

export interface CrashRound {
  readonly kill: KillAt;
  readonly killedAfterMs: number;
  readonly writesBeforeKill: number;
  readonly runsToConverge: number;
  /** Problems found after converging, the first 20 of each kind. */
  readonly problems: readonly Problem[];
  readonly problemCounts: Partial<Record<ProblemKind, number>>;
  /** Write calls of the run after convergence: must be 0. */
  readonly idleWrites: number;
  /** What those calls were, when there were any. */
  readonly idleCalls: readonly string[];
}

export interface CrashLoopReport {
  readonly rounds: CrashRound[];
  /** Child runs that finished before their kill moment (not counted as kills). */
  readonly finishedUnkilled: ChildRun[];
  readonly duplicates: number;
  readonly missing: number;
  readonly people: number;
  readonly edits: number;
  /** Staging directories the killed runs left in their TMPDIR. */
  readonly leftoverStagingDirs: number;
  /** Why the loop ended: every kill done, the time budget spent, or too many unkilled runs. */
  readonly stoppedBy: 'kills' | 'budget' | 'attempts';
  readonly ms: number;
}

export async function crashLoop(world: World, o: CrashLoopOptions): Promise<CrashLoopReport> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const overBudget = () => o.budgetMs !== undefined && Date.now() - started >= o.budgetMs;
  const { rnd } = world;
  world.createPeople('propstreet', Math.ceil(o.initial / 2));
  world.createPeople('hubspot', Math.floor(o.initial / 4));
  world.createPeople('salesforce', o.initial - Math.ceil(o.initial / 2) - Math.floor(o.initial / 4));
  const rounds: CrashRound[] = [];
  const finishedUnkilled: ChildRun[] = [];
  let duplicates = 0;
  let missing = 0;
  // Write calls a round's work takes (the first round syncs everyone: about 2 per person).
  let expectedWrites = 2 * o.initial;
  let expectedMs = 3_000;
  let needWork = false;
  let attempt = 0;
  for (; rounds.length < o.kills && attempt < o.kills * 4 && !overBudget(); attempt++) {
    if (needWork) {
      world.userEdits(o.editsPerRound);
      if (world.intended.size < (o.maxPeople ?? Number.POSITIVE_INFINITY))
        for (const side of SIDES) world.createPeople(side, Math.round(o.createsPerRound / 3));
      needWork = false;
    }
    const kill: KillAt =
      rnd() < 0.75
        ? { afterWrites: rnd.int(1, Math.max(1, expectedWrites)) }
        : { afterMs: rnd.int(300, Math.max(400, expectedMs)) };
    // Users keep working while the run is in flight.
    const midRun = setTimeout(() => world.userEdits(Math.ceil(o.editsPerRound / 4)), rnd.int(50, 1_500));
    const child = await runChild(world, ['run', world.configFile, '--json'], { killAt: kill });
    clearTimeout(midRun);
    if (!child.killed) {
      if ((child.code !== 0 && child.code !== 1) || !child.stdout.trimStart().startsWith('{'))
        throw new Error(`an unkilled run failed (exit ${child.code}):\n${child.stderr.slice(-2000)}`);
      finishedUnkilled.push(child);
      log(`run finished before its kill moment ${JSON.stringify(kill)} (${child.writes} writes)`);
      expectedWrites = Math.max(1, child.writes);
      expectedMs = child.ms;
      needWork = true;
      continue;
    }
    world.expireLocks();
    let runsToConverge = 0;
    let convergeWrites = 0;
    for (;;) {
      const before = world.writeCalls();
      const run = await world.run();
      runsToConverge++;
      const wrote = world.writeCalls() - before;
      convergeWrites += wrote;
      // A run that wrote nothing but left records failed (a read cut short, say) has not
      // converged: those records are retried, and written, by the next run.
      const failed = run.connections.some((c) => c.result.failures.length > 0 || c.result.abort);
      if ((wrote === 0 && !failed) || runsToConverge >= o.maxRunsToConverge + 1) break;
    }
    const check = await checkWorld(world);
    duplicates += check.duplicates;
    missing += check.missing;
    const mark = world.logMark();
    const idle = await world.run();
    const idleCalls = world.writesSince(mark);
    const idleWrites = idleCalls.length;
    // What the idle run meant by its writes, for the assertion message.
    if (idleWrites > 0)
      for (const c of idle.connections)
        for (const r of c.records.filter((x) => x.action !== 'noop').slice(0, 10))
          idleCalls.push(
            `${c.result.connection}: ${r.action} ${r.propstreetId ?? '-'}/${r.crmId ?? '-'}: ${r.reason}`,
          );
    if (idleWrites > 0)
      log(
        `idle run wrote: ${idleCalls.join('; ')}; planned ${JSON.stringify(idle.connections.map((c) => c.result.planned))}`,
      );
    rounds.push({
      kill,
      killedAfterMs: child.ms,
      writesBeforeKill: child.writes,
      runsToConverge,
      problems: firstOfEachKind(check.problems, 20),
      problemCounts: countKinds(check.problems),
      idleWrites,
      idleCalls,
    });
    log(
      `kill ${rounds.length}/${o.kills} at ${JSON.stringify(kill)} (${child.writes} writes, ${child.ms} ms): ` +
        `converged in ${runsToConverge} runs, ${check.problems.length} problems, idle writes ${idleWrites}`,
    );
    expectedWrites =
      rounds.length === 1
        ? 2 * (o.createsPerRound + o.editsPerRound) + 10
        : Math.max(1, child.writes + convergeWrites);
    expectedMs = Math.max(400, child.ms * 2);
    needWork = true;
  }
  const leftoverStagingDirs = readdirSync(world.dir).filter((n) => n.startsWith('propsync-stage-')).length;
  const stoppedBy = rounds.length >= o.kills ? 'kills' : attempt >= o.kills * 4 ? 'attempts' : 'budget';
  if (stoppedBy === 'budget')
    log(
      `time budget of ${Math.round((o.budgetMs ?? 0) / 1000)} s spent after ${rounds.length} of ${o.kills} kills`,
    );
  return {
    stoppedBy,
    ms: Date.now() - started,
    rounds,
    finishedUnkilled,
    duplicates,
    missing,
    people: world.intended.size,
    edits: world.edits.length,
    leftoverStagingDirs,
  };
}

function countKinds(problems: readonly Problem[]): Partial<Record<ProblemKind, number>> {
  const out: Partial<Record<ProblemKind, number>> = {};
  for (const p of problems) out[p.kind] = (out[p.kind] ?? 0) + 1;
  return out;
}

function firstOfEachKind(problems: readonly Problem[], n: number): Problem[] {
  const seen: Partial<Record<ProblemKind, number>> = {};
  return problems.filter((p) => {
    seen[p.kind] = (seen[p.kind] ?? 0) + 1;
    return (seen[p.kind] ?? 0) <= n;
  });
}
