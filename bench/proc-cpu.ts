/**
 * CPU time from Linux's /proc: of a process that does not report back (the scale-out
 * scenario's `propsync worker` processes), and of the whole machine (every process on it,
 * other people's work included), so a figure can say whether the cores were the bound.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticks: number | undefined;
/** Clock ticks per second of /proc's counters (almost always 100). */
function ticksPerSecond(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

/** User + system CPU-seconds process `pid` has used so far. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count from after its closing parenthesis,
  // where field 3 is index 0, so utime (14) and stime (15) are 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

export interface MachineCpu {
  readonly busy: number;
  readonly total: number;
}

/** The machine's CPU counters so far, all cores (ticks). */
export function machineCpu(): MachineCpu {
  const [line = ''] = readFileSync('/proc/stat', 'utf8').split('\n');
  // cpu user nice system idle iowait irq softirq steal (guest time is inside user).
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  // Stolen time counts as busy: on a shared VM those cycles were not ours to use.
  return { busy: total - (v[3] ?? 0) - (v[4] ?? 0), total };
}

/** Share of all the machine's cores busy between two readings, 0–1. */
export function busyShare(from: MachineCpu, to: MachineCpu): number {
  const total = to.total - from.total;
  return total > 0 ? (to.busy - from.busy) / total : 0;
}
