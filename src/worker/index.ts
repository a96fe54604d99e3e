/** Scale-out: PostgreSQL job queue (pg-boss), workers, the queue scheduler and worker metrics. */
export { createEnqueuer, type EnqueueResult, type Enqueuer } from './enqueue.js';
export type { JobEvent, JobOutput } from './job-handler.js';
export { type JobOutcome, outcomeOfError, outcomeOfResult } from './job-outcome.js';
export { withLockLease } from './lease-store.js';
export { type MetricsServer, startMetricsServer } from './metrics-server.js';
export {
  createBoss,
  DEAD_LETTER_QUEUE,
  type DeadLetterData,
  ensureQueues,
  type JobSettings,
  SYNC_QUEUE,
  type SyncJobData,
  startBoss,
} from './queue.js';
export { type QueueScheduler, startQueueScheduler } from './queue-scheduler.js';

export type { TenantStores } from './tenant-stores.js';
export { type RunningWorker, startWorker, type WorkerOptions } from './worker.js';
export type { WorkerMetrics } from './worker-metrics.js';
