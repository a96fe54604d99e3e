/**
 * Entry of a benchmark child process: takes one job over IPC, runs it under `measure`, sends
 * the summary and the measurements back, exits. One fresh process per run keeps each run's
 * peak RSS and CPU its own. The heap is tuned as the `propsync` binary tunes it, so the
 * measured process runs as production does.
 */
import { tuneHeap } from '../src/cli/heap-tuning.js';
import { type Job, loadJob } from './jobs.js';
import { measure } from './measure.js';

tuneHeap();

process.once('message', (job: Job) => {
  loadJob(job)
    .then((run) => measure(run))
    .then(({ value, measured }) => process.send?.({ ok: true, summary: value, measured }))
    .catch((error: unknown) =>
      process.send?.({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    )
    .finally(() => process.disconnect?.());
});
