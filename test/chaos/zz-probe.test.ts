import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTILE_NAMES } from '../corpus/payloads.js';
import { runChild } from '../reliability/support/child-run.js';
import { startWorld } from '../reliability/support/world.js';

it('probe md', async () => {
  const world = await startWorld({ seed: 9 });
  try {
    world.sb.propstreet.seed([...HOSTILE_NAMES, { firstName: '[click](javascript:alert(3))', lastName: '| col | ![img](http://x/y.png) `code`' }].map((n, i) => ({ ...n, email: `ps${i}@hostile.test` })));
    await runChild(world, ['plan', world.configFile, '--report', join(world.dir, 'plan.md')]);
    const md = readFileSync(join(world.dir, 'plan.md'), 'utf8');
    console.log(md.split('\n').filter((l) => /click|Control|col/.test(l)).join('\n'));
    const t = await runChild(world, ['plan', world.configFile]);
    console.log(JSON.stringify(t.stdout.split('\n').filter((l) => /Control|nul/.test(l))));
  } finally { await world.close(); }
}, 600_000);
