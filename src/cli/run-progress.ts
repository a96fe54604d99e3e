/**
 * Progress for `run`, `plan`, `retry` (and the demo): a status line on a terminal, a log line
 * every 10 s otherwise (CI counts as otherwise: its log is read afterwards).
 */

import { createProgressLog, type Every, everyWithTimers } from '../app/progress-log.js';
import type { ProgressSink } from '../app/progress-view.js';
import { ProgressTracker } from '../app/progress-view.js';
import type { Logger } from '../core/logger.js';
import { createProgressLine } from './progress-line.js';

export type { ProgressSink } from '../app/progress-view.js';

export interface RunProgressOptions {
  readonly logger: Logger;
  /** Where the status line goes when it is a terminal; default stderr (stdout is for --json). */
  readonly stream?: NodeJS.WriteStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  readonly every?: Every;
  readonly intervalMs?: number;
}

export function createRunProgress(options: RunProgressOptions): ProgressSink {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const tracker = new ProgressTracker(now);
  return stream.isTTY === true && !env.CI
    ? createProgressLine(stream, tracker, now)
    : createProgressLog(options.logger, tracker, options.every ?? everyWithTimers, options.intervalMs);
}
