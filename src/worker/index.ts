/** Scale-out: PostgreSQL job queue (pg-boss), workers, the queue scheduler and worker metrics. */

export { withLockLease } from '../run/lock-lease.js';
export { createEnqueuer, type Enqueuer } from './enqueue.js';
export { outcomeOfError, outcomeOfResults } from './job-outcome.js';
export { startMetricsServer } from './metrics-server.js';
export {
  createBoss,
  DEAD_LETTER_QUEUE,
  ensureQueues,
  SYNC_QUEUE,
  startBoss,
} from './queue.js';
export { type QueueScheduler, startQueueScheduler } from './queue-scheduler.js';
export { type RunningWorker, startWorker } from './worker.js';
