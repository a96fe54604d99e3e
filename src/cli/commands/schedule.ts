/**
 * `propsync schedule <dir>`: runs every tenant file in a folder on its own cron, in this
 * process. A tenant+connection never runs twice at once (an in-process guard here, and the
 * state store's lock across processes); one tenant failing never stops the others.
 */
import { Cron } from 'croner';
import type { Command } from 'commander';
import { syncTenant } from '../../app/sync-tenant.js';
import { loadTenantConfigs } from '../../config/index.js';
import { createLogger } from '../../core/logger.js';
import { exitCodeForResults } from '../exit-codes.js';

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('run every tenant config in a folder on its cron schedule (foreground)')
    .argument('<dir>', 'folder of tenant config files')
    .option('--stop-after <seconds>', 'stop after this many seconds (for tests and one-off catch-ups)')
    .action(async (dir: string, flags: { stopAfter?: string }) => {
      const logger = createLogger();
      const { configs, errors } = await loadTenantConfigs(dir);
      for (const e of errors) logger.error({ file: e.file, err: e.message }, 'tenant config skipped');
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
          try {
            const run = await syncTenant(config, { dryRun: false, logger });
            const results = run.connections.map((c) => c.result);
            logger.info(
              { tenant: config.tenant, exitCode: exitCodeForResults(results), ms: Date.now() - started, results: results.map((r) => ({ connection: r.connection, status: r.status, done: r.done })) },
              'tenant run finished',
            );
          } catch (error) {
            logger.error({ tenant: config.tenant, err: (error as Error).message }, 'tenant run failed');
          } finally {
            running.delete(config.tenant);
          }
        });
        jobs.push(job);
        logger.info({ tenant: config.tenant, schedule: config.schedule, next: job.nextRun()?.toISOString() }, 'scheduled');
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
        if (flags.stopAfter) setTimeout(stop, Number(flags.stopAfter) * 1000).unref();
      });
    });
}
