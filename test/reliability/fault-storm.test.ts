/**
 * Fault storm, short version (the long one is test/chaos/fault-storm.test.ts): all three fakes
 * answer 5 % 5xx, 3 % 429 (Retry-After 0/1), 1 % never, 1 % drop the connection, 1 % apply a
 * write and then drop it, and reject some records inside batches for a while; users edit
 * Propstreet contacts between the engine's read and its write. The tenant must converge
 * within 6 runs per phase, lose nothing, and keep every user edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chaosSeed } from './support/chaos-seed.js';
import { type StormReport, stormLoop } from './support/storm-loop.js';
import { startWorld, type World } from './support/world.js';

describe('fault storm (short)', () => {
  let world: World;
  let report: StormReport;
  const seed = chaosSeed('reliability/fault-storm');

  beforeAll(async () => {
    world = await startWorld({ seed, connection: { overlapSeconds: 2 } });
    report = await stormLoop(world, world.rnd, {
      initial: 60,
      edits: 12,
      creates: 9,
      maxRuns: 6,
      timeoutMs: 1_000,
      midRunEditsPerChunk: 3,
    });
  }, 180_000);
  afterAll(async () => world?.close());

  it(`injects every kind of fault (seed ${seed})`, () => {
    const f = report.faults;
    const fives = (f['http 500'] ?? 0) + (f['http 502'] ?? 0) + (f['http 503'] ?? 0);
    expect(fives).toBeGreaterThan(0);
    expect(f['http 429'] ?? 0).toBeGreaterThan(0);
    expect(report.rejectedRecords).toBeGreaterThan(0);
    expect(report.midRunEdits).toBeGreaterThan(0);
  });

  it('converges within 6 runs in each phase', () => {
    for (const p of report.phases) expect(p, p.problems.join('\n')).toMatchObject({ converged: true });
  });

  it('loses nothing and creates nothing twice', () => {
    expect(report.duplicates).toBe(0);
    expect(report.missing).toBe(0);
  });

  it('overwrites no user edit: each survives on every side or was reported as a conflict', () => {
    expect(report.edits.overwritten).toEqual([]);
    expect(report.edits.survived + report.edits.reportedAsConflict).toBe(world.edits.length);
  });

  it('writes nothing once the storm is over and everything converged', () => {
    expect(report.idleWrites).toBe(0);
  });
});
