/**
 * Crash safety, long version: 5,000 people over Propstreet, HubSpot and Salesforce, synced
 * both ways by `propsync run` child processes that are SIGKILLed at 50 random moments (by
 * answered write count or by time) while users edit and create people on every side. After
 * each kill the reruns must converge with nothing duplicated, lost or left inconsistent, and
 * then write nothing. `PROPSYNC_CHAOS_SEED=<n> npm run test:chaos` replays a run.
 * Invariants are asserted softly, so one failing invariant does not hide the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChaosReport } from '../reliability/support/chaos-report.js';
import { chaosSeed } from '../reliability/support/chaos-seed.js';
import type { ProblemKind } from '../reliability/support/check-world.js';
import { type CrashLoopReport, crashLoop } from '../reliability/support/crash-loop.js';
import { startWorld, type World } from '../reliability/support/world.js';

const KILLS = Number(process.env.PROPSYNC_CHAOS_KILLS ?? 50);
const PEOPLE = Number(process.env.PROPSYNC_CHAOS_PEOPLE ?? 5_000);
/**
 * No new round starts after this; 50 kills took 136 s on an idle 2-core machine, but only 42
 * fitted in 840 s on a busy one. The suite reports the kills it reached and needs at least
 * MIN_KILLS of them (or all, when fewer were asked for).
 */
const BUDGET_S = Number(process.env.PROPSYNC_CHAOS_BUDGET_SECONDS ?? 600);
const MIN_KILLS = Math.min(KILLS, Number(process.env.PROPSYNC_CHAOS_MIN_KILLS ?? 10));
/** Room after the budget for the round in flight (tens of seconds when busy) and teardown. */
const AFTER_BUDGET_S = 240;
const SETUP_MS = (BUDGET_S + AFTER_BUDGET_S) * 1000;

describe(`crash safety: ${PEOPLE} people, up to ${KILLS} SIGKILLs in ${BUDGET_S} s`, () => {
  const seed = chaosSeed('chaos/crash');
  let world: World;
  let report: CrashLoopReport;
  const started = Date.now();

  beforeAll(async () => {
    world = await startWorld({ seed, connection: { overlapSeconds: 2 } });
    const initial = Math.round(PEOPLE * 0.4);
    report = await crashLoop(world, {
      initial,
      kills: KILLS,
      createsPerRound: Math.max(3, Math.round((PEOPLE - initial) / KILLS)),
      editsPerRound: 20,
      maxRunsToConverge: 4,
      maxPeople: PEOPLE,
      budgetMs: BUDGET_S * 1000,
      log: (line) => process.stdout.write(`[chaos/crash] ${line}\n`),
    });
    const kinds = (k: ProblemKind) => report.rounds.reduce((n, r) => Math.max(n, r.problemCounts[k] ?? 0), 0);
    writeChaosReport('crash', seed, {
      seconds: Math.round((Date.now() - started) / 1000),
      killsAsked: KILLS,
      killsSurvived: report.rounds.length,
      stoppedBy: report.stoppedBy,
      budgetSeconds: BUDGET_S,
      secondsPerKill: report.rounds.length ? Math.round(report.ms / 100 / report.rounds.length) / 10 : null,
      killsByWriteCount: report.rounds.filter((r) => 'afterWrites' in r.kill).length,
      killsByTime: report.rounds.filter((r) => 'afterMs' in r.kill).length,
      runsFinishedBeforeTheirKill: report.finishedUnkilled.length,
      people: report.people,
      userEdits: report.edits,
      duplicates: report.duplicates,
      missing: report.missing,
      worstProblemsAfterAKill: {
        value: kinds('value'),
        link: kinds('link'),
        extra: kinds('extra'),
        mirror: kinds('mirror'),
      },
      maxRunsToConverge: Math.max(...report.rounds.map((r) => r.runsToConverge)),
      idleRunsThatWrote: report.rounds.filter((r) => r.idleWrites > 0).map((r) => r.idleCalls),
      leftoverStagingDirs: report.leftoverStagingDirs,
      sampleMirrorProblems: report.rounds
        .flatMap((r) => r.problems.filter((p) => p.kind === 'mirror'))
        .slice(0, 5),
    });
  }, SETUP_MS);
  afterAll(async () => world?.close());

  it('survives every kill and converges without duplicates, losses or stray writes', () => {
    // Every kill asked for, unless the time budget ran out first; then at least MIN_KILLS.
    if (report.stoppedBy === 'budget') expect.soft(report.rounds.length).toBeGreaterThanOrEqual(MIN_KILLS);
    else expect.soft(report.rounds).toHaveLength(KILLS);
    expect.soft(report.duplicates).toBe(0);
    expect.soft(report.missing).toBe(0);
    for (const [i, r] of report.rounds.entries()) {
      const others = r.problems.filter((p) => p.kind !== 'mirror').map((p) => `${p.kind}: ${p.text}`);
      expect.soft(others, `round ${i + 1} (${JSON.stringify(r.kill)})`).toEqual([]);
      expect.soft(r.runsToConverge, `round ${i + 1}`).toBeLessThanOrEqual(4);
      expect.soft(r.idleWrites, `round ${i + 1}: ${r.idleCalls.join('; ')}`).toBe(0);
    }
  });

  it('leaves every link mirrored on both sides (Propstreet externalRef and CRM key)', () => {
    const mirror = report.rounds.flatMap((r) => r.problems.filter((p) => p.kind === 'mirror'));
    expect(mirror.map((p) => p.text).slice(0, 10)).toEqual([]);
  });
});
