/**
 * Crash safety, short version (the long one is test/chaos/crash.test.ts): a bridge tenant
 * (HubSpot and Salesforce) syncs ~100 people both ways; `propsync run` is a child process,
 * SIGKILLed at 3 random moments while users keep editing on all sides. After each kill the
 * reruns must converge with nothing created twice, nothing lost, every link mirrored on
 * both sides (Propstreet externalRef and CRM key), and then write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chaosSeed } from './support/chaos-seed.js';
import { problemsExcept } from './support/check-world.js';
import { type CrashLoopReport, crashLoop } from './support/crash-loop.js';
import { startWorld, type World } from './support/world.js';

describe('crash safety (short)', () => {
  let world: World;
  let report: CrashLoopReport;
  const seed = chaosSeed('reliability/crash');

  beforeAll(async () => {
    // Runs follow each other closely: HubSpot's search pacing would only add waiting.
    world = await startWorld({ seed, fastHubSpot: true, connection: { overlapSeconds: 2 } });
    report = await crashLoop(world, {
      initial: 100,
      kills: 3,
      createsPerRound: 15,
      editsPerRound: 6,
      maxRunsToConverge: 4,
    });
  }, 180_000);
  afterAll(async () => world?.close());

  it(`survives 3 SIGKILLs (seed ${seed})`, () => {
    expect(report.rounds).toHaveLength(3);
    expect(report.edits).toBeGreaterThan(0);
  });

  it('creates nothing twice and loses nothing', () => {
    expect(report.duplicates).toBe(0);
    expect(report.missing).toBe(0);
  });

  it('every side ends with every intended value, and every link is consistent and mirrored', () => {
    for (const r of report.rounds) expect(problemsExcept(r.problems, [])).toEqual([]);
  });

  it('converges within 4 runs after a kill, and one more run writes nothing', () => {
    for (const r of report.rounds) {
      expect(r.runsToConverge).toBeLessThanOrEqual(4);
      expect(r.idleWrites, r.idleCalls.join('\n')).toBe(0);
    }
  });
});
