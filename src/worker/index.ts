/** Scale-out: PostgreSQL job queue (pg-boss), workers, the queue scheduler and worker metrics. */
export { createEnqueuer, type EnqueueResult, type Enqueuer } from './enqueue.js';
export { createJobHandler, type JobEvent, type JobOutput } from './job-handler.js';
export { type JobOutcome, outcomeOfError, outcomeOfResult, TRANSIENT_CODES } from './job-outcome.js';
export { withLockLease } from './lease-store.js';
export { type MetricsServer, startMetricsServer } from './metrics-server.js';
export {
  createBoss,
  DEAD_LETTER_QUEUE,
  DEFAULT_JOB_SETTINGS,
  DEFAULT_QUEUE_SCHEMA,
  type DeadLetterData,
  ensureQueues,
  type JobSettings,
  jobKey,
  SYNC_QUEUE,
  type SyncJobData,
  startBoss,
} from './queue.js';
export { type QueueScheduler, startQueueScheduler } from './queue-scheduler.js';
export { runSyncJob } from './sync-job.js';
export { createTenantStores, type TenantStores } from './tenant-stores.js';
export { type RunningWorker, startWorker, type WorkerOptions } from './worker.js';
export { createWorkerMetrics, type WorkerMetrics } from './worker-metrics.js';
