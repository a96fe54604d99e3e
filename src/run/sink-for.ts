/** The one place a run becomes a dry run: the sink its plan goes to. */
import { ExecutorSink } from './executor-sink.js';
import type { PlanObserver, SinkFactory } from './plan-sink.js';
import { ReportSink } from './report-sink.js';

export interface SinkChoice {
  readonly dryRun: boolean;
  /** Sees each planned chunk, in either kind of run. */
  readonly observe?: PlanObserver | undefined;
  readonly lockTtlMs?: number | undefined;
}

export function sinkFor(choice: SinkChoice): SinkFactory {
  return choice.dryRun
    ? (context) => new ReportSink(context, choice.observe)
    : (context) => new ExecutorSink(context, { observe: choice.observe, lockTtlMs: choice.lockTtlMs });
}
