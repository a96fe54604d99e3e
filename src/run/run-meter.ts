/**
 * A run's progress as the CLI shows it: records read, planned and written, links checked by id
 * while reconciling, and ref write-backs queued and done. Each report repeats the last phase
 * unless told otherwise, so a write-back finishing mid-plan does not relabel the phase.
 */
export interface RunProgress {
  readonly phase: 'pull' | 'reconcile' | 'plan' | 'write' | 'refs' | 'done';
  /** Records read so far; once the pull ends, the records staged (what the plan covers at most). */
  readonly pulled: number;
  readonly planned: number;
  readonly written: number;
  /** Links checked by id against the CRM so far, of how many (while reconciling). */
  readonly reconcile?: { readonly checked: number; readonly total: number };
  /** Propstreet externalRef write-backs queued so far, and how many of them are done (written or failed). */
  readonly refs?: { readonly queued: number; readonly done: number };
}

export class RunMeter {
  pulled = 0;
  planned = 0;
  written = 0;
  reconcile: RunProgress['reconcile'];
  readonly refs = { queued: 0, done: 0 };
  private phase: RunProgress['phase'] = 'pull';

  constructor(private readonly onProgress?: (p: RunProgress) => void) {}

  report(phase: RunProgress['phase'] = this.phase): void {
    this.phase = phase;
    this.onProgress?.({
      phase,
      pulled: this.pulled,
      planned: this.planned,
      written: this.written,
      ...(this.reconcile ? { reconcile: this.reconcile } : {}),
      ...(this.refs.queued > 0 ? { refs: { ...this.refs } } : {}),
    });
  }
}
