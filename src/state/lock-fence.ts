/** What both stores answer when a fenced write finds a lock no longer its owner's. */
import { PropsyncError } from '../core/errors.js';
import type { LockFence } from './port.js';

export function fenceLost(fence: LockFence): PropsyncError {
  const { tenant, connection, kind } = fence.scope;
  return new PropsyncError(
    'RUN_IN_PROGRESS',
    `the run lock of ${tenant}/${connection} (${kind}) is no longer this run's (another run took it over, or it was released): nothing was written`,
  );
}
