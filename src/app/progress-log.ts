/**
 * Progress where nobody watches a terminal (cron, CI, a container's log): one log line every
 * `intervalMs` (10 s) while a run goes on, with the numbers as fields and the line a person
 * reads on a terminal as the message. A run shorter than the interval logs none.
 */
import type { Logger } from '../core/logger.js';
import type { RunProgress } from '../run/run-connection.js';
import type { ProgressSink, ProgressTracker } from './progress-view.js';

/** Calls `tick` every `ms` until stopped; must not keep the process alive. */
export type Every = (ms: number, tick: () => void) => () => void;

export const everyWithTimers: Every = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

const PROGRESS_LOG_INTERVAL_MS = 10_000;

export function createProgressLog(
  logger: Logger,
  tracker: ProgressTracker,
  every: Every = everyWithTimers,
  intervalMs = PROGRESS_LOG_INTERVAL_MS,
): ProgressSink {
  let stop: (() => void) | undefined;
  let running = false;
  const tick = () => {
    const view = tracker.view();
    if (view && running) logger.info({ progress: view.fields }, view.text);
  };
  return {
    update(run: string, p: RunProgress) {
      tracker.update(run, p);
      // A run that finished waits for the next one's first event before it is logged again.
      running = p.phase !== 'done';
      stop ??= every(intervalMs, tick);
    },
    done() {
      stop?.();
      stop = undefined;
      running = false;
    },
  };
}
