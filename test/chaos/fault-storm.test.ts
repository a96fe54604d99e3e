/**
 * Fault storm, long version: 1,500 people, then 300 user edits and 150 new people, synced
 * through 5 % 5xx, 3 % 429, 1 % hung requests, 1 % dropped connections, 1 % writes applied
 * then dropped, batch rejections, and Propstreet edits racing the engine's writes (412s).
 * Each phase must converge within 6 runs; nothing lost; no user edit overwritten. Asserted
 * softly, so one failing invariant does not hide the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChaosReport } from '../reliability/support/chaos-report.js';
import { chaosSeed } from '../reliability/support/chaos-seed.js';
import { type StormReport, stormLoop } from '../reliability/support/storm-loop.js';
import { startWorld, type World } from '../reliability/support/world.js';

describe('fault storm: 1,500 people', () => {
  const seed = chaosSeed('chaos/fault-storm');
  let world: World;
  let report: StormReport;
  const started = Date.now();

  beforeAll(async () => {
    world = await startWorld({ seed, connection: { overlapSeconds: 2 } });
    report = await stormLoop(world, world.rnd, {
      initial: 1_500,
      edits: 300,
      creates: 150,
      maxRuns: 6,
      timeoutMs: 1_500,
      midRunEditsPerChunk: 4,
      log: (line) => process.stdout.write(`[chaos/fault-storm] ${line}\n`),
    });
    writeChaosReport('fault-storm', seed, {
      seconds: Math.round((Date.now() - started) / 1000),
      people: world.intended.size,
      faultsInjected: report.faults,
      recordsRejectedInBatches: report.rejectedRecords,
      midRunPropstreetEdits: report.midRunEdits,
      userEdits: world.edits.length,
      editOutcomes: report.edits,
      phases: report.phases,
      duplicates: report.duplicates,
      missing: report.missing,
      idleWrites: report.idleWrites,
      conflictsReported: report.results.reduce((n, r) => n + r.conflicts.length, 0),
      abortedRuns: report.results.filter((r) => r.abort).map((r) => `${r.connection}: ${r.abort?.code}`),
    });
  }, 14 * 60_000);
  afterAll(async () => world?.close());

  it('loses nothing, duplicates nothing, overwrites no edit, and then writes nothing', () => {
    expect.soft(report.duplicates).toBe(0);
    expect.soft(report.missing).toBe(0);
    expect.soft(report.edits.overwritten).toEqual([]);
    expect.soft(report.idleWrites).toBe(0);
    for (const p of report.phases)
      expect
        .soft(
          p.problems.filter((x) => !x.startsWith('mirror')),
          p.name,
        )
        .toEqual([]);
  });

  it('converges within 6 runs in each phase, links mirrored included', () => {
    for (const p of report.phases)
      expect.soft(p, p.problems.slice(0, 5).join('\n')).toMatchObject({ converged: true });
  });
});
