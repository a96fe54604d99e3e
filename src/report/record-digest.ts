/**
 * What the capped formats (terminal, Markdown) need of a plan, kept as its chunks arrive:
 * per connection and object kind the first records they list and the totals and summaries over
 * all of them.
 * A 1M-record plan is then printed from a few hundred records, not from all of it.
 */
import type { RecordPlanShape } from '../engine/types.js';
import {
  type ConnectionPlanReport,
  changedFields,
  countInto,
  DEFAULT_MAX_RECORDS,
  type PlanReport,
  shownRecords,
  sortedTally,
} from './report-model.js';
import { runLabel } from './run-label.js';

interface Kept {
  readonly first: RecordPlanShape[];
  shown: number;
  unchanged: number;
  readonly fields: Map<string, number>;
  readonly reasons: Map<string, number>;
}

export class RecordDigest {
  private readonly byRun = new Map<string, Kept>();

  /** `keep`: records kept per connection and kind, as many as the capped formats list. */
  constructor(private readonly keep: number = DEFAULT_MAX_RECORDS) {}

  /** A chunk of the plan of one kind of one connection. */
  add(run: { readonly connection: string; readonly kind: string }, chunk: readonly RecordPlanShape[]): void {
    let kept = this.byRun.get(runLabel(run));
    if (!kept) {
      kept = { first: [], shown: 0, unchanged: 0, fields: new Map(), reasons: new Map() };
      this.byRun.set(runLabel(run), kept);
    }
    const shown = shownRecords(chunk);
    kept.shown += shown.length;
    kept.unchanged += chunk.length - shown.length;
    countInto(kept.fields, changedFields(shown));
    countInto(
      kept.reasons,
      shown.map((r) => r.reason),
    );
    for (const r of shown) {
      if (kept.first.length >= this.keep) break;
      kept.first.push(r);
    }
  }

  /** `run` with each connection's (and kind's) records replaced by the kept ones and their summary. */
  report(run: PlanReport): PlanReport {
    return {
      ...run,
      connections: run.connections.map((c): ConnectionPlanReport => {
        const kept = this.byRun.get(runLabel(c.result));
        return {
          result: c.result,
          records: kept?.first ?? [],
          summary: {
            shown: kept?.shown ?? 0,
            unchanged: kept?.unchanged ?? 0,
            fields: sortedTally(kept?.fields ?? new Map()),
            reasons: sortedTally(kept?.reasons ?? new Map()),
          },
        };
      }),
    };
  }
}
