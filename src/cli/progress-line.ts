/**
 * One self-rewriting status line on a terminal for long runs (`progress-view.ts` says what it
 * holds). Hand-written because the totals are unknown while pages stream in, which
 * progress-bar libraries assume known.
 */

import type { ProgressSink, ProgressTracker } from '../app/progress-view.js';
import { truncateToWidth } from '../report/display-width.js';

/** Redraws at most this often: a terminal repaint per ref write-back would cost more than it shows. */
const REDRAW_MS = 100;

export function createProgressLine(
  stream: NodeJS.WriteStream,
  tracker: ProgressTracker,
  now: () => number = Date.now,
): ProgressSink {
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(run, p) {
      tracker.update(run, p);
      const at = now();
      if (at - last < REDRAW_MS && p.phase !== 'done') return;
      last = at;
      const view = tracker.view();
      if (!view) return;
      // A line longer than the terminal wraps, and `\r` then rewrites only its last row.
      const width = Math.max(20, (stream.columns || 100) - 1);
      stream.write(`\r\x1b[2K${truncateToWidth(view.text, width)}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
