/**
 * What a run's plan adds up to, whichever sink it goes to: counts per action and side, the
 * conflicts, the notices (once each) and the records that cannot be written.
 */
import type { Side } from '../state/port.js';
import { countPlan, emptyCounts } from './counts.js';
import type { FieldConflict, Notice, PlanCounts, RecordPlan } from './types.js';

export type TalliedConflict = FieldConflict & {
  readonly propstreetId: string | null;
  readonly crmId: string | null;
};

export interface InvalidRecord {
  readonly side: Side;
  readonly id: string | undefined;
  readonly message: string;
}

export class PlanTally {
  readonly counts: PlanCounts = emptyCounts();
  readonly conflicts: TalliedConflict[] = [];
  private readonly noticesByKey = new Map<string, Notice>();
  /** Records read that fail their schema, then records planned as invalid. */
  readonly invalid: InvalidRecord[] = [];
  /** Records planned so far. */
  planned = 0;

  notice(key: string, notice: Notice): void {
    this.noticesByKey.set(key, notice);
  }

  get notices(): Notice[] {
    return [...this.noticesByKey.values()];
  }

  add(records: readonly RecordPlan[]): void {
    for (const r of records) {
      countPlan(this.counts, r);
      for (const c of r.conflicts)
        this.conflicts.push({ ...c, propstreetId: r.propstreetId, crmId: r.crmId });
      // A merge's notice rides on each of its records: report it once.
      if (r.notice) this.notice(`${r.notice.kind}\n${r.notice.crmId}\n${r.notice.text}`, r.notice);
      if (r.action === 'invalid')
        this.invalid.push({
          side: r.propstreetId ? 'propstreet' : 'crm',
          id: r.propstreetId ?? r.crmId ?? undefined,
          message: r.problems.join('; '),
        });
    }
    this.planned += records.length;
  }
}
