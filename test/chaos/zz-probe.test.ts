import { it, expect } from 'vitest';
import { startWorld } from '../reliability/support/world.js';
import { checkWorld } from '../reliability/support/check-world.js';

it('probe', async () => {
  const w = await startWorld({ seed: 42, connection: { overlapSeconds: 2 } });
  try {
    const N = Number(process.env.N ?? 200);
    w.createPeople('propstreet', N / 2);
    w.createPeople('hubspot', N / 4);
    w.createPeople('salesforce', N / 4);
    for (let i = 0; i < 4; i++) {
      const t = Date.now();
      const before = w.writeCalls();
      const r = await w.run();
      console.log('run', i, Date.now() - t, 'ms writes', w.writeCalls() - before, JSON.stringify(r.connections.map((c) => [c.result.status, c.result.planned.create, c.result.failures.length, c.result.abort])));
    }
    const c = await checkWorld(w);
    console.log(c.counts, c.problems.slice(0, 10), c.problems.length);
    w.userEdits(20);
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      const before = w.writeCalls();
      await w.run();
      console.log('run', i, Date.now() - t, 'ms writes', w.writeCalls() - before);
    }
    const c2 = await checkWorld(w);
    console.log(c2.counts, c2.problems.slice(0, 10), c2.problems.length);
    expect(c2.problems).toEqual([]);
  } finally { await w.close(); }
}, 300_000);
