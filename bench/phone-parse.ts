/**
 * What patches/libphonenumber-js+1.13.16.patch buys: the CPU of a phone parse + `isValid()`
 * through the library's patched ES module build (what propsync imports) and its unpatched
 * CommonJS build (the same source, as shipped), alternating in one process, the least of each.
 * Distinct numbers, as a first sync sees them, in the two shapes the bench and people type.
 *
 *   npx tsx bench/phone-parse.ts [count=100000] [rounds=4]
 */
import { createRequire } from 'node:module';
import * as patched from 'libphonenumber-js/max';

const require = createRequire(import.meta.url);
const unpatched = require('libphonenumber-js/max') as typeof patched;

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 4);

const shapes = {
  'E.164 (the bench)': (i: number) => `+4670${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}`,
  'typed national': (i: number) =>
    `070-${String(100 + (i % 900))} ${String(i % 100).padStart(2, '0')} ${String((i * 7) % 100).padStart(2, '0')}`,
};

function microsPerNumber(lib: typeof patched, number: (i: number) => string, offset: number): number {
  const options = { defaultCountry: 'SE', extract: false } as const;
  let valid = 0;
  const start = process.cpuUsage();
  // Offset per round: a number is new to the library each time, as in a first sync.
  for (let i = 0; i < count; i++)
    if (lib.parsePhoneNumberFromString(number(i + offset), options)?.isValid()) valid++;
  const used = process.cpuUsage(start);
  if (valid === 0) throw new Error('no number parsed as valid: the shapes are wrong');
  return (used.user + used.system) / count;
}

for (const [shape, number] of Object.entries(shapes)) {
  const best = { patched: Number.POSITIVE_INFINITY, unpatched: Number.POSITIVE_INFINITY };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['unpatched', 'patched'] as const) : (['patched', 'unpatched'] as const);
    for (const which of order)
      best[which] = Math.min(
        best[which],
        microsPerNumber(which === 'patched' ? patched : unpatched, number, r * count),
      );
  }
  console.log(
    `${shape}: unpatched ${best.unpatched.toFixed(2)} µs, patched ${best.patched.toFixed(2)} µs a number ` +
      `(${(best.unpatched / best.patched).toFixed(2)}×), least of ${rounds} rounds of ${count.toLocaleString('en')}`,
  );
}
