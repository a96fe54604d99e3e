import { it } from 'vitest';
import { startWorld } from '../reliability/support/world.js';
import { crashLoop } from '../reliability/support/crash-loop.js';

it('probe', async () => {
  const w = await startWorld({ seed: 42, connection: { overlapSeconds: 2 } });
  try {
    const r = await crashLoop(w, { initial: Number(process.env.N ?? 200), kills: Number(process.env.K ?? 3), createsPerRound: 30, editsPerRound: 12, maxRunsToConverge: 4, log: (l) => console.log(l) });
    console.log(JSON.stringify({ ...r, finishedUnkilled: r.finishedUnkilled.length }, null, 1).slice(0, 4000));
  } finally { await w.close(); }
}, 600_000);
