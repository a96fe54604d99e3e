/**
 * `propsync schedule <dir>`: runs every tenant file in a folder on its own cron, in this
 * process. A tenant+connection never runs twice at once (an in-process guard here, and the
 * state store's lock across processes); one tenant failing never stops the others.
 */

import { type Command, InvalidArgumentError } from 'commander';
import type { Cron } from 'croner';
import { runOutcomes } from '../../app/run-outcomes.js';
import type { TenantConfig } from '../../config/index.js';
import { ValidationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import { EXIT, exitCodeForResults } from '../exit-codes.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds > 0');
  return n;
}

async function loadFolder(dir: string, redactor: Redactor) {
  const { loadTenantConfigs } = await import('../../config/index.js');
  try {
    return await loadTenantConfigs(dir, { redactor });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ValidationError(
      `${dir}: expected a folder of tenant config files, got ${reason}`,
      {},
      {
        code: 'CONFIG_INVALID',
        cause: error,
      },
    );
  }
}

interface QueueFlags {
  queue?: boolean;
  database?: string;
  queueSchema?: string;
}

/** `--queue`: the same crons, but each tick queues jobs for workers (src/worker/queue-scheduler.ts). */
async function scheduleOnQueue(
  configs: TenantConfig[],
  flags: QueueFlags & { stopAfter?: number },
  logger: Logger,
) {
  const { databaseUrlFrom } = await import('./worker.js');
  const { runQueueSchedule } = await import('../../worker/queue-scheduler.js');
  return runQueueSchedule(configs, {
    databaseUrl: databaseUrlFrom(flags.database),
    ...(flags.queueSchema === undefined ? {} : { queueSchema: flags.queueSchema }),
    ...(flags.stopAfter === undefined ? {} : { stopAfterSeconds: flags.stopAfter }),
    logger,
  });
}

export function registerSchedule(program: Command, redactor: Redactor): void {
  program
    .command('schedule')
    .description('run every tenant config in a folder on its cron schedule (foreground)')
    .argument('<dir>', 'folder of tenant config files')
    .option(
      '--stop-after <seconds>',
      'stop after this many seconds (for tests and one-off catch-ups)',
      seconds,
    )
    .option('--queue', 'queue the runs for `propsync worker`s (PostgreSQL) instead of running them here')
    .option(
      '--database <url>',
      'with --queue: PostgreSQL URL of the job queue (default: $PROPSYNC_DATABASE_URL)',
    )
    .option('--queue-schema <name>', 'with --queue: PostgreSQL schema of the queue tables', 'pgboss')
    .action(async (dir: string, flags: QueueFlags & { stopAfter?: number }) => {
      const { Cron } = await import('croner');
      const { syncTenant } = await import('../../app/sync-tenant.js');
      const { createLogger } = await import('../../core/logger.js');
      const { checkMappings } = await import('../../app/check-mappings.js');
      const { createProgressLog } = await import('../../app/progress-log.js');
      const { ProgressTracker } = await import('../../app/progress-view.js');
      const { runLabel } = await import('../../report/run-label.js');
      const logger = createLogger({ redactor });
      const loaded = await loadFolder(dir, redactor);
      for (const e of loaded.errors) logger.error({ file: e.file, err: e.message }, 'tenant config skipped');
      const configs: TenantConfig[] = [];
      for (const config of loaded.configs) {
        try {
          checkMappings(config, config.file);
          configs.push(config);
        } catch (error) {
          logger.error({ file: config.file, err: (error as Error).message }, 'tenant config skipped');
        }
      }
      if (flags.queue) {
        process.exitCode = await scheduleOnQueue(configs, flags, logger);
        return;
      }
      const running = new Set<string>();
      const jobs: Cron[] = [];
      for (const config of configs) {
        if (!config.schedule) {
          logger.info({ tenant: config.tenant }, 'no schedule: skipped');
          continue;
        }
        const job = new Cron(config.schedule, { protect: true, catch: true }, async () => {
          if (running.has(config.tenant)) return;
          running.add(config.tenant);
          const started = Date.now();
          // Tenants run side by side in a long-lived process: its progress is log lines, never a status line.
          const progress = createProgressLog(logger.child({ tenant: config.tenant }), new ProgressTracker());
          try {
            const run = await syncTenant(config, {
              dryRun: false,
              logger,
              redactor,
              onProgress: (connection, p, kind) => progress.update(runLabel({ connection, kind }), p),
            });
            const results = run.connections.map((c) => c.result);
            const exitCode = exitCodeForResults(runOutcomes(run));
            const summary = {
              tenant: config.tenant,
              exitCode,
              ms: Date.now() - started,
              results: results.map((r) => ({
                connection: r.connection,
                kind: r.kind,
                status: r.status,
                done: r.done,
                ...(r.abort ? { abort: r.abort } : {}),
              })),
            };
            // An aborted connection (auth, guard, network) is a failed run, not a finished one.
            if (exitCode === EXIT.ok) logger.info(summary, 'tenant run finished');
            else if (exitCode === EXIT.someRecordsFailed)
              logger.warn(summary, 'tenant run finished with failures');
            else logger.error(summary, 'tenant run failed');
          } catch (error) {
            logger.error({ tenant: config.tenant, err: (error as Error).message }, 'tenant run failed');
          } finally {
            progress.done();
            running.delete(config.tenant);
          }
        });
        jobs.push(job);
        logger.info(
          { tenant: config.tenant, schedule: config.schedule, next: job.nextRun()?.toISOString() },
          'scheduled',
        );
      }
      if (jobs.length === 0) {
        // Nothing would ever run (and nothing would keep the process alive).
        logger.error({ dir }, 'no tenant with a schedule to run');
        process.exitCode = EXIT.badConfigOrUsage;
        return;
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          for (const j of jobs) j.stop();
          const wait = setInterval(() => {
            if (running.size === 0) {
              clearInterval(wait);
              resolve();
            }
          }, 50);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        // Not unref'd: between cron ticks this timer may be all that keeps the process alive.
        if (flags.stopAfter !== undefined) setTimeout(stop, flags.stopAfter * 1000);
      });
    });
}
