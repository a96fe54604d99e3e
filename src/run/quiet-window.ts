/**
 * The overlap window, deferred: quiet runs stay quiet right after a big sync, and a change that
 * becomes visible late is still read.
 *
 * Each delta used to be read from `checkpoint − overlap`, on every run: a change stamped a
 * little before the checkpoint may become visible only after the read that set it (HubSpot's
 * search index lags, a transaction is stamped before it commits, a clock is skewed), and the
 * overlap (`overlapSeconds`, which bounds all of that) catches it. Right after a sync that window
 * is full of our own writes, and every run read them again, page after page.
 *
 * Now a run reads the whole window only when the last such read is at least one overlap ago
 * (engine clock); it then starts where that read could not yet see everything: `its start − overlap`
 * (everything stamped earlier was visible to it, and read by it or before it). Runs in between
 * read from their checkpoint alone (inclusive: its own stamp again). A late change is therefore
 * read by the first run at least one overlap after the last full read, at the latest: later than
 * before by up to one overlap period, never lost. Changes visible in time are read at once, as
 * ever. Before any full read is known the window is `checkpoint − overlap`, as before; an engine
 * clock that went back makes the run read the deferred window. A run that must read `checkpoint −
 * overlap` (a failure is due) and is also due for the deferred window reads from the earlier of
 * the two: it becomes the last full read, so it covers what the deferred window would have (bug 70).
 * The time of the last full read lives in the
 * state store's scope meta and moves only when a run commits its checkpoints.
 */
import type { Scope, StateStore } from '../state/port.js';

/** Per-scope fact: when (engine clock) the last run that re-read the whole overlap window read. */
export const FULL_READ_AT = 'window.fullReadAt';

/** How a run reads its deltas after their checkpoints. */
export type WindowPlan =
  /** From `checkpoint − overlap` (no earlier full read is known). */
  | { readonly kind: 'overlap'; readonly overlapMs: number }
  /** From `from`, or the checkpoint when earlier: the deferred window. */
  | { readonly kind: 'from'; readonly from: string }
  /** From the earlier of `checkpoint − overlap` and `from`. */
  | { readonly kind: 'overlapFrom'; readonly overlapMs: number; readonly from: string }
  /** From the checkpoint alone: a full read was made less than one overlap ago. */
  | { readonly kind: 'checkpoint' };

/** The plan for a run reading at `now`, given the last full read (null: none known). */
export function planWindow(now: Date, overlapMs: number, lastFullRead: string | null): WindowPlan {
  const last = lastFullRead === null ? Number.NaN : Date.parse(lastFullRead);
  const age = now.getTime() - last;
  if (overlapMs <= 0) return { kind: 'checkpoint' };
  // No full read known: the window as it always was.
  if (Number.isNaN(age)) return { kind: 'overlap', overlapMs };
  // A clock that went back cannot say an overlap has not passed: read the deferred window.
  if (age >= 0 && age < overlapMs) return { kind: 'checkpoint' };
  return { kind: 'from', from: new Date(last - overlapMs).toISOString() };
}

/** Whether the plan re-reads the whole window (the run's read time then becomes the mark). */
const readsWindow = (p: WindowPlan): boolean => p.kind !== 'checkpoint';

/** Orders ISO stamps (Propstreet's carry 100-ns digits; equal milliseconds fall back to the text). */
/** Whether a kept fact is an ISO stamp (an unreadable one is no fact). */
export function isStamp(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}

export function compareStamps(a: string, b: string): number {
  const d = Date.parse(a) - Date.parse(b);
  if (d !== 0 && !Number.isNaN(d)) return d;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `updated_since` for a Propstreet delta after `checkpoint` under the plan (inclusive). */
export function propstreetSince(checkpoint: string, plan: WindowPlan): string {
  if (plan.kind === 'checkpoint') return checkpoint;
  if (plan.kind === 'overlap') return new Date(Date.parse(checkpoint) - plan.overlapMs).toISOString();
  if (plan.kind === 'overlapFrom') {
    const back = new Date(Date.parse(checkpoint) - plan.overlapMs).toISOString();
    return compareStamps(plan.from, back) < 0 ? plan.from : back;
  }
  return compareStamps(plan.from, checkpoint) < 0 ? plan.from : checkpoint;
}

/** The CRM adapter's read options under the plan (it keeps the window before its own checkpoint). */
export function crmWindow(plan: WindowPlan): { overlapMs: number; from?: string } {
  if (plan.kind === 'checkpoint') return { overlapMs: 0 };
  if (plan.kind === 'overlap') return { overlapMs: plan.overlapMs };
  if (plan.kind === 'overlapFrom') return { overlapMs: plan.overlapMs, from: plan.from };
  return { overlapMs: 0, from: plan.from };
}

export class QuietWindow {
  private plan: WindowPlan = { kind: 'overlap', overlapMs: 0 };
  private readAt: Date | undefined;

  /**
   * Decides how this run reads (before it reads anything); `now` is when its reads start.
   * `wholeWindow`: read `checkpoint − overlap` whatever the last full read (a run retrying
   * failures: a record re-read by id that Propstreet no longer returns, a deleted contact, is
   * seen only in the delta, with its deletedUtc).
   */
  async load(
    store: StateStore,
    scope: Scope,
    now: Date,
    overlapMs: number,
    wholeWindow = false,
  ): Promise<WindowPlan> {
    const deferred = planWindow(now, overlapMs, await store.getMeta(scope, FULL_READ_AT));
    // A run that must read `checkpoint − overlap` and is also due for the deferred window reads
    // both (it becomes the mark, so it must cover what the deferred window would have read).
    this.plan =
      wholeWindow && overlapMs > 0
        ? deferred.kind === 'from'
          ? { kind: 'overlapFrom', overlapMs, from: deferred.from }
          : { kind: 'overlap', overlapMs }
        : deferred;
    this.readAt = now;
    return this.plan;
  }

  /** After the run committed its checkpoints: a run that read the whole window becomes the mark. */
  async save(store: StateStore, scope: Scope): Promise<void> {
    if (this.readAt && readsWindow(this.plan))
      await store.setMeta(scope, FULL_READ_AT, this.readAt.toISOString());
  }
}
