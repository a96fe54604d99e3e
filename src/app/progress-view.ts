/**
 * What a run's progress says at a moment: the phase, records so far, the rate over the phase
 * and, where the total is known, the time left. Pure over the engine's progress events and a
 * clock; the terminal line and the periodic log line both show it.
 *
 * Totals: checking links by id and the ref write-backs once the plan is done have exact
 * totals; planning has an upper bound (the records staged from both sides, of which a pair
 * read on both counts twice), so its ETA says `≤`; pulling has none (pages stream in). While
 * planning, the ref write-backs queued so far (`refs 120/300 ~18s`) show the time they need at
 * their own rate: at Propstreet's one call per record they are often what the run waits for.
 */
import type { RunProgress } from '../run/run-connection.js';

/** Where a run's progress events go: a terminal line or a periodic log line. */
export interface ProgressSink {
  /** `run` names the run in the line: its connection and object kind (`hubspot · companies`). */
  update(run: string, p: RunProgress): void;
  done(): void;
}

/** Plan and write alternate per chunk in a real run: one stage for the rate. */
type Stage = 'pull' | 'reconcile' | 'plan' | 'refs' | 'done';

const STAGE: Record<RunProgress['phase'], Stage> = {
  pull: 'pull',
  reconcile: 'reconcile',
  plan: 'plan',
  write: 'plan',
  refs: 'refs',
  done: 'done',
};

/** A rate needs this much of its stage behind it, or the first chunk's burst would be it. */
const MIN_RATE_MS = 1000;

export interface ProgressFields {
  /** Which run: its connection and object kind (`hubspot · companies`). */
  readonly run: string;
  readonly phase: RunProgress['phase'];
  readonly pulled: number;
  readonly planned: number;
  readonly written: number;
  readonly refs?: RunProgress['refs'];
  readonly reconcile?: RunProgress['reconcile'];
  /** Records (or links, or write-backs) per second over the current stage. */
  readonly perSecond?: number;
  readonly etaSeconds?: number;
  /** The ETA is an upper bound (planning against the records staged). */
  readonly etaAtMost?: boolean;
  /** While planning and writing: the ref write-backs queued so far need this long at their rate. */
  readonly refsEtaSeconds?: number;
}

export interface ProgressView {
  /** One line for a person: "hubspot · contacts: planning · 1,200 of ≤4,000 records · 300/s · ETA ≤10s". */
  readonly text: string;
  /** The same as fields, for a log line. */
  readonly fields: ProgressFields;
}

export class ProgressTracker {
  private last: { run: string; p: RunProgress } | undefined;
  private stage: { run: string; stage: Stage; at: number; count: number } | undefined;
  /** The ref write-backs run beside the plan at Propstreet's pace: their own rate. */
  private refs: { run: string; at: number; done: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  update(run: string, p: RunProgress): void {
    const stage = STAGE[p.phase];
    if (this.stage?.run !== run || this.stage.stage !== stage)
      this.stage = { run, stage, at: this.now(), count: countOf(stage, p) };
    if (p.refs && this.refs?.run !== run) this.refs = { run, at: this.now(), done: p.refs.done };
    this.last = { run, p };
  }

  view(): ProgressView | undefined {
    if (!this.last || !this.stage) return undefined;
    const { run, p } = this.last;
    const stage = this.stage.stage;
    const count = countOf(stage, p);
    const elapsed = this.now() - this.stage.at;
    const perSecond = elapsed >= MIN_RATE_MS ? ((count - this.stage.count) * 1000) / elapsed : undefined;
    const total = totalOf(stage, p);
    const etaSeconds =
      total !== undefined && perSecond !== undefined && perSecond > 0
        ? Math.ceil(Math.max(0, total - count) / perSecond)
        : undefined;
    const refsElapsed = this.refs?.run === run ? this.now() - this.refs.at : 0;
    const refsPerSecond =
      p.refs && this.refs && refsElapsed >= MIN_RATE_MS
        ? ((p.refs.done - this.refs.done) * 1000) / refsElapsed
        : undefined;
    const refsEtaSeconds =
      stage === 'plan' && p.refs && refsPerSecond !== undefined && refsPerSecond > 0
        ? Math.ceil((p.refs.queued - p.refs.done) / refsPerSecond)
        : undefined;
    const fields: ProgressFields = {
      run,
      phase: p.phase,
      pulled: p.pulled,
      planned: p.planned,
      written: p.written,
      ...(p.refs ? { refs: p.refs } : {}),
      ...(p.reconcile ? { reconcile: p.reconcile } : {}),
      ...(perSecond === undefined ? {} : { perSecond: Math.round(perSecond) }),
      ...(etaSeconds === undefined ? {} : { etaSeconds, ...(stage === 'plan' ? { etaAtMost: true } : {}) }),
      ...(refsEtaSeconds === undefined ? {} : { refsEtaSeconds }),
    };
    return { text: describe(stage, fields), fields };
  }
}

function countOf(stage: Stage, p: RunProgress): number {
  switch (stage) {
    case 'pull':
      return p.pulled;
    case 'reconcile':
      return p.reconcile?.checked ?? 0;
    case 'plan':
    case 'done':
      return p.planned;
    case 'refs':
      return p.refs?.done ?? 0;
  }
}

function totalOf(stage: Stage, p: RunProgress): number | undefined {
  switch (stage) {
    case 'reconcile':
      return p.reconcile?.total;
    case 'plan':
      return p.pulled;
    case 'refs':
      return p.refs?.queued;
    default:
      return undefined;
  }
}

const n = (v: number) => v.toLocaleString('en-US');

function describe(stage: Stage, f: ProgressFields): string {
  const parts: string[] = [];
  switch (stage) {
    case 'pull':
      parts.push('pulling', `${n(f.pulled)} records read`);
      break;
    case 'reconcile':
      parts.push('checking links by id', `${n(f.reconcile?.checked ?? 0)} of ${n(f.reconcile?.total ?? 0)}`);
      break;
    case 'plan':
      parts.push('planning', `${n(f.planned)} of ≤${n(f.pulled)} records`);
      if (f.written > 0 || f.phase === 'write') parts.push(`${n(f.written)} written`);
      if (f.refs)
        parts.push(
          `refs ${n(f.refs.done)}/${n(f.refs.queued)}${f.refsEtaSeconds === undefined ? '' : ` ~${duration(f.refsEtaSeconds)}`}`,
        );
      break;
    case 'refs':
      parts.push('ref write-backs', `${n(f.refs?.done ?? 0)} of ${n(f.refs?.queued ?? 0)}`);
      break;
    case 'done':
      parts.push('done', `${n(f.planned)} records planned`, `${n(f.written)} written`);
      break;
  }
  if (stage !== 'done' && f.perSecond !== undefined) parts.push(`${n(f.perSecond)}/s`);
  if (stage !== 'done' && f.etaSeconds !== undefined)
    parts.push(`ETA ${f.etaAtMost ? '≤' : ''}${duration(f.etaSeconds)}`);
  return `${f.run}: ${parts.join(' · ')}`;
}

/** 45s, 2m05s, 1h02m. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
