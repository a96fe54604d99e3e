/** Whatever stops a run is recorded as its abort and logged; an error nobody expected says so. */
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { RunAbort } from '../engine/run-abort.js';

export function stopRun(abort: RunAbort, error: unknown, log: Logger): void {
  if (error instanceof PropsyncError) {
    abort.stop(error);
    log.error({ code: error.code, err: error.message }, 'run stopped');
    return;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  abort.stop(
    new PropsyncError('INTERNAL', `unexpected error (an API answer the connector cannot read?): ${message}`, {
      cause: error,
    }),
  );
  log.error({ err: error instanceof Error ? error.stack : message }, 'run stopped by an unexpected error');
}
