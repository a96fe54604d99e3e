import { it } from 'vitest';
import { startWorld } from '../reliability/support/world.js';
import { crashLoop } from '../reliability/support/crash-loop.js';

it('probe', async () => {
  const w = await startWorld({ seed: Number(process.env.S ?? 42), connection: { overlapSeconds: 2 } });
  try {
    const r = await crashLoop(w, { initial: 150, kills: 3, createsPerRound: 24, editsPerRound: 9, maxRunsToConverge: 4, log: (l) => console.log(l) });
    for (const rd of r.rounds) console.log(rd.runsToConverge, rd.idleWrites, JSON.stringify(rd.problemCounts));
  } finally { await w.close(); }
}, 600_000);
