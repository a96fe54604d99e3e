/**
 * The dry run's sink: each planned chunk goes to whoever watches (the report), and nothing is
 * written, state included (NO_STATE_WRITES).
 */
import { emptyCounts } from '../engine/counts.js';
import type { PlanChunk } from '../engine/plan-chunks.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { Lull, PlanObserver, PlanSink, RunOutcome, SinkContext } from './plan-sink.js';
import { buildResult, type ConnectionResult } from './run-result.js';
import { NO_STATE_WRITES } from './state-writes.js';

export class ReportSink<R extends PropstreetRecord, W> implements PlanSink<R, W> {
  readonly dryRun = true;
  readonly state = NO_STATE_WRITES;

  constructor(
    private readonly context: SinkContext<R, W>,
    private readonly observe?: PlanObserver,
  ) {}

  async open(): Promise<void> {}

  wantsMore(): boolean {
    return true;
  }

  readsFirst<T>(read: (lull: Lull) => Promise<T>): Promise<T> {
    return read((wait) => wait);
  }

  async chunk(chunk: PlanChunk<R>): Promise<void> {
    await announce(chunk, this.context, this.observe);
  }

  async close(outcome: RunOutcome): Promise<ConnectionResult> {
    return resultOf(this.context, outcome, { done: emptyCounts(), failures: [] }, true);
  }
}

/** Hands a planned chunk to its observer and shows it on the progress line. */
export async function announce(
  chunk: PlanChunk<PropstreetRecord>,
  context: Pick<SinkContext<PropstreetRecord, unknown>, 'meter'>,
  observe?: PlanObserver,
): Promise<void> {
  await observe?.(chunk.records.map((pp) => pp.plan));
  context.meter.report('plan');
}

export function resultOf(
  context: SinkContext<PropstreetRecord, unknown>,
  outcome: RunOutcome,
  executed: Parameters<typeof buildResult>[0]['executed'],
  dryRun: boolean,
): ConnectionResult {
  return buildResult({
    scope: context.scope,
    crm: context.crmAccount.kind,
    dryRun,
    startedAt: outcome.startedAt,
    finishedAt: context.clock.now().toISOString(),
    pulled: outcome.pulled,
    tally: outcome.tally,
    executed,
    abort: context.abort,
    calls: { propstreet: context.propstreetAccount.usage().calls, crm: context.crmAccount.usage().calls },
    redactor: context.redactor,
  });
}
