/**
 * One seed per test run: from PROPSYNC_CHAOS_SEED when set (to replay a failure), else random,
 * so CI runs differ from each other. The seed is printed, so any run can be replayed.
 */
import { seededRandom } from '../../../fakes/shared/seeded-random.js';

export function chaosSeed(label: string): number {
  const fromEnv = process.env.PROPSYNC_CHAOS_SEED;
  const seed =
    fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) >>> 0 : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`[${label}] PROPSYNC_CHAOS_SEED=${seed}\n`);
  return seed;
}

export interface Rng {
  (): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(xs: readonly T[]): T;
  /** `k` distinct items of `xs` (fewer when `xs` is shorter). */
  sample<T>(xs: readonly T[], k: number): T[];
}

export function rng(seed: number): Rng {
  const next = seededRandom(seed);
  const r = (() => next()) as Rng;
  r.int = (min, max) => min + Math.floor(next() * (max - min + 1));
  r.pick = (xs) => xs[Math.floor(next() * xs.length)]!;
  r.sample = (xs, k) => {
    const copy = [...xs];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, k);
  };
  return r;
}
