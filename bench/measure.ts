/**
 * Wall time, CPU time and memory of one piece of work in this process. RSS is sampled every
 * 50 ms; a long synchronous stretch (a SQLite transaction) can hide a peak from the sampler,
 * so the kernel's high-water mark (`resourceUsage().maxRSS`, for the whole process life) is
 * reported next to it.
 */
import { resourceUsage } from 'node:process';

export interface Measured {
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Highest sampled RSS while the work ran, MB. */
  readonly peakRssMb: number;
  /** The process's RSS high-water mark so far (includes start-up), MB. */
  readonly maxRssMb: number;
  /** RSS just before the work started, MB. */
  readonly startRssMb: number;
  readonly rssSamples: number;
}

const MB = 1024 * 1024;

export async function measure<T>(work: () => Promise<T>): Promise<{ value: T; measured: Measured }> {
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  let samples = 0;
  const timer = setInterval(() => {
    samples++;
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const value = await work();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      value,
      measured: {
        wallMs,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        peakRssMb: peak / MB,
        // Linux reports maxRSS in kilobytes.
        maxRssMb: resourceUsage().maxRSS / 1024,
        startRssMb: startRss / MB,
        rssSamples: samples,
      },
    };
  } finally {
    clearInterval(timer);
  }
}
