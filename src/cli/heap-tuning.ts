/**
 * V8 heap settings for a propsync process. A run allocates a lot of short-lived garbage (a
 * record parsed, mapped and planned, then dropped) while its live heap stays small (~20 MB at
 * 100k records): with its default growing factor (up to 4×) V8 lets old space fill with ~100 MB
 * of dead objects before it marks, which is most of a run's RSS above the process's start.
 * A factor of 2 keeps the peak 40–50 MB lower for more full GCs, a few per cent of CPU at most
 * (bench/README.md, "Engine cuts, third pass"). `--heap-growing-percent` is not allowed in
 * NODE_OPTIONS, and V8 reads it at every GC, so it is set here, at start-up, rather than on a
 * command line.
 */
import { setFlagsFromString } from 'node:v8';

const DEFAULT_FLAGS = ['--heap-growing-percent=100'];

/**
 * The flags to set: `PROPSYNC_V8_FLAGS` replaces the default when set (space-separated; empty
 * sets none), and a flag node was started with (`node --heap-growing-percent=… `) wins over both.
 */
export function heapFlags(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string[] {
  const wanted = env.PROPSYNC_V8_FLAGS?.split(/\s+/).filter((f) => f !== '') ?? DEFAULT_FLAGS;
  const given = new Set(execArgv.map((a) => a.split('=')[0]?.replace(/_/g, '-')));
  return wanted.filter((f) => !given.has(f.split('=')[0]?.replace(/_/g, '-')));
}

export function tuneHeap(env: NodeJS.ProcessEnv = process.env, execArgv = process.execArgv): void {
  for (const flag of heapFlags(env, execArgv)) setFlagsFromString(flag);
}
