/**
 * `propsync schedule <dir> --queue`: on each tenant's cron, queues one job per connection
 * instead of running it here. croner + `send` with a singleton key, not pg-boss `schedule()`:
 * pg-boss 10 keeps one cron per queue *name*, so per-tenant crons would need a queue (and a
 * poller in every worker) per tenant+connection. A key that is still queued or running is
 * skipped, as the in-process scheduler skips a tenant still running; several schedulers may
 * run at once (the enqueue check is serialised per key).
 */
import { Cron } from 'croner';
import type { TenantConfig } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import { createEnqueuer } from './enqueue.js';
import { createBoss, ensureQueues, type JobSettings, startBoss } from './queue.js';

export interface QueueSchedulerOptions {
  readonly databaseUrl: string;
  readonly queueSchema?: string;
  readonly logger: Logger;
  /** Per-job retry and expiry settings; default the queue's. */
  readonly jobSettings?: Partial<JobSettings>;
}

export interface QueueScheduler {
  /** Cron jobs started (tenants with a schedule). */
  readonly scheduled: number;
  /** Queues a run of every connection of `config` now (a cron tick does the same). */
  enqueueTenant(config: TenantConfig): Promise<void>;
  stop(): Promise<void>;
}

export async function startQueueScheduler(
  configs: readonly TenantConfig[],
  options: QueueSchedulerOptions,
): Promise<QueueScheduler> {
  const log = options.logger;
  const boss = createBoss({
    databaseUrl: options.databaseUrl,
    ...(options.queueSchema === undefined ? {} : { schema: options.queueSchema }),
    poolSize: 2,
    // Expiring crashed workers' jobs is the workers' business.
    supervise: false,
  });
  boss.on('error', (error) => log.error({ err: error.message }, 'queue error'));
  await startBoss(boss, options.databaseUrl);
  await ensureQueues(boss);
  const enqueuer = createEnqueuer(boss, {
    databaseUrl: options.databaseUrl,
    ...(options.queueSchema === undefined ? {} : { schema: options.queueSchema }),
  });
  const ticking = new Set<Promise<void>>();

  const enqueueTenant = async (config: TenantConfig) => {
    for (const connection of config.connections) {
      const data = { tenantFile: config.file, tenant: config.tenant, connection: connection.name };
      try {
        const sent = await enqueuer.enqueue(data, options.jobSettings ?? {});
        if (sent.queued) log.info({ ...data, job: sent.jobId }, 'run queued');
        else
          log.info(
            { tenant: data.tenant, connection: data.connection },
            'still queued or running: not queued again',
          );
      } catch (error) {
        log.error(
          { tenant: data.tenant, connection: data.connection, err: (error as Error).message },
          'queueing failed',
        );
      }
    }
  };

  const crons: Cron[] = [];
  for (const config of configs) {
    if (!config.schedule) {
      log.info({ tenant: config.tenant }, 'no schedule: skipped');
      continue;
    }
    const cron = new Cron(config.schedule, { protect: true, catch: true }, () => {
      const tick = enqueueTenant(config);
      ticking.add(tick);
      return tick.finally(() => ticking.delete(tick));
    });
    crons.push(cron);
    log.info(
      { tenant: config.tenant, schedule: config.schedule, next: cron.nextRun()?.toISOString() },
      'scheduled',
    );
  }

  return {
    scheduled: crons.length,
    enqueueTenant,
    async stop() {
      for (const c of crons) c.stop();
      await Promise.allSettled(ticking);
      await enqueuer.close();
      await boss.stop({ graceful: false });
    },
  };
}

/**
 * The `schedule --queue` command body: queues runs on every tenant's cron until SIGTERM,
 * SIGINT or `stopAfterSeconds`. Returns the exit code (2 when no tenant has a schedule).
 */
export async function runQueueSchedule(
  configs: readonly TenantConfig[],
  options: QueueSchedulerOptions & { readonly stopAfterSeconds?: number },
): Promise<number> {
  if (!configs.some((c) => c.schedule)) {
    options.logger.error('no tenant with a schedule to queue');
    return 2;
  }
  const scheduler = await startQueueScheduler(configs, options);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      clearTimeout(timer);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Not unref'd: between cron ticks this timer may be all that keeps the process alive.
    const timer =
      options.stopAfterSeconds === undefined ? undefined : setTimeout(stop, options.stopAfterSeconds * 1000);
  });
  await scheduler.stop();
  return 0;
}
