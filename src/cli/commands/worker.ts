/**
 * `propsync worker`: takes sync jobs from the PostgreSQL queue until SIGTERM/SIGINT, then
 * stops taking jobs, lets the runs in flight finish (up to --shutdown-timeout) and exits 0.
 * Runs still going at the deadline are handed back to the queue and the exit code is 5.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { processEnv } from '../../core/process-env.js';
import type { Redactor } from '../../core/redact.js';
import { EXIT } from '../exit-codes.js';

interface WorkerFlags {
  database?: string;
  queueSchema?: string;
  concurrency: number;
  metricsPort?: number;
  metricsHost?: string;
  lockTtl: number;
  pollInterval: number;
  maintenanceInterval: number;
  shutdownTimeout: number;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port 0–65535');
  return n;
}

export function databaseUrlFrom(flag: string | undefined): string {
  const url = flag ?? processEnv().PROPSYNC_DATABASE_URL;
  if (!url)
    throw new ValidationError('no job database: give --database <url> or set PROPSYNC_DATABASE_URL', {
      database: ['required'],
    });
  return url;
}

export function registerWorker(program: Command, redactor: Redactor): void {
  program
    .command('worker')
    .description('run queued sync jobs from PostgreSQL (pg-boss); start more workers to scale out')
    .option('--database <url>', 'PostgreSQL URL of the job queue (default: $PROPSYNC_DATABASE_URL)')
    .option('--queue-schema <name>', 'PostgreSQL schema of the queue tables', 'pgboss')
    .option('--concurrency <n>', 'jobs this process runs at once', count, 2)
    .option('--metrics-port <port>', 'serve /metrics (Prometheus) and /healthz on this port', port)
    .option('--metrics-host <host>', 'interface for the metrics server', '0.0.0.0')
    .option(
      '--lock-ttl <seconds>',
      'lease on a running tenant+connection: how long a crashed worker blocks it',
      positiveNumber,
      60,
    )
    .option('--poll-interval <seconds>', 'how often an idle worker looks for jobs', positiveNumber, 2)
    .option(
      '--maintenance-interval <seconds>',
      "how often to expire crashed workers' jobs",
      positiveNumber,
      60,
    )
    .option(
      '--shutdown-timeout <seconds>',
      'on SIGTERM/SIGINT, how long to wait for runs in flight',
      positiveNumber,
      25,
    )
    .action(async (flags: WorkerFlags) => {
      process.exitCode = await runWorker(flags, redactor);
    });
}

async function runWorker(flags: WorkerFlags, redactor: Redactor): Promise<number> {
  const databaseUrl = databaseUrlFrom(flags.database);
  const { createLogger } = await import('../../core/logger.js');
  const { startWorker } = await import('../../worker/index.js');
  const logger = createLogger({ redactor });
  // Listening before the start: a signal during it stops the worker right after.
  let received: (signal: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    received = resolve;
  });
  const onSignal = (s: NodeJS.Signals) => received(s);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  let worker: Awaited<ReturnType<typeof startWorker>>;
  try {
    worker = await startWorker({
      databaseUrl,
      ...(flags.queueSchema === undefined ? {} : { queueSchema: flags.queueSchema }),
      concurrency: flags.concurrency,
      ...(flags.metricsPort === undefined ? {} : { metricsPort: flags.metricsPort }),
      ...(flags.metricsHost === undefined ? {} : { metricsHost: flags.metricsHost }),
      lockTtlMs: flags.lockTtl * 1000,
      pollingIntervalSeconds: Math.max(0.5, flags.pollInterval),
      maintenanceIntervalSeconds: Math.max(1, Math.round(flags.maintenanceInterval)),
      logger,
      redactor,
    });
  } catch (error) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    throw error;
  }
  logger.info({ signal: await signal, timeoutSeconds: flags.shutdownTimeout }, 'shutting down');
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  const impatient = () => {
    logger.warn('second signal: exiting now; the runs in flight will be retried');
    process.exit(EXIT.runIncomplete);
  };
  process.once('SIGTERM', impatient);
  process.once('SIGINT', impatient);
  const { drained } = await worker.stop({ timeoutMs: flags.shutdownTimeout * 1000 });
  // A run still going holds sockets open; its job was handed back, so end it here.
  if (!drained) process.exit(EXIT.runIncomplete);
  process.off('SIGTERM', impatient);
  process.off('SIGINT', impatient);
  return EXIT.ok;
}
