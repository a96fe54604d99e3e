/** A run's progress as the CLI's progress line shows it: records read, planned and written. */
export interface RunProgress {
  readonly phase: 'pull' | 'plan' | 'write' | 'done';
  readonly pulled: number;
  readonly planned: number;
  readonly written: number;
}

export class RunMeter {
  pulled = 0;
  planned = 0;
  written = 0;

  constructor(private readonly onProgress?: (p: RunProgress) => void) {}

  report(phase: RunProgress['phase']): void {
    this.onProgress?.({ phase, pulled: this.pulled, planned: this.planned, written: this.written });
  }
}
