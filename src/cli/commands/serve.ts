/**
 * `propsync serve <tenant file or folder>`: answers the vendors' webhooks and turns them into
 * debounced runs of the connections they name, here (SQLite, one machine) or as jobs for
 * `propsync worker`s (`--queue`, PostgreSQL). Scheduled runs stay the safety net: a lost event
 * waits for the next one or the next cron tick. SIGTERM/SIGINT: stop answering, dispatch the
 * open windows, wait for the runs in flight (up to --shutdown-timeout; exit 5 if any remain).
 */
import { stat } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import type { TenantConfig } from '../../config/index.js';
import { ValidationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { processEnv } from '../../core/process-env.js';
import type { Redactor } from '../../core/redact.js';
import { EXIT } from '../exit-codes.js';

interface ServeFlags {
  port: number;
  host: string;
  publicUrl?: string;
  debounce: number;
  concurrency: number;
  maxBody: number;
  dedupHours: number;
  lockTtl: number;
  queue?: boolean;
  database?: string;
  queueSchema?: string;
  stopAfter?: number;
  shutdownTimeout: number;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
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

function publicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an absolute URL, e.g. https://sync.example.com');
  }
  if (url.search !== '' || url.hash !== '' || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new InvalidArgumentError('expected http(s)://host[:port][/path], without query or fragment');
  return value.replace(/\/+$/, '');
}

async function loadTenants(path: string, logger: Logger, redactor: Redactor): Promise<TenantConfig[]> {
  const { loadTenantConfigs } = await import('../../config/index.js');
  const { loadConfigForCli } = await import('../load-config.js');
  const { checkMappings } = await import('../../app/check-mappings.js');
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return [await loadConfigForCli(path, { redactor })];
  const loaded = await loadTenantConfigs(path, { redactor });
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
  if (configs.length === 0)
    throw new ValidationError(`${path}: no usable tenant config file`, {}, { code: 'CONFIG_INVALID' });
  return configs;
}

export function registerServe(program: Command, redactor: Redactor): void {
  program
    .command('serve')
    .description(
      'answer Propstreet and HubSpot webhooks with near-real-time runs (scheduled runs stay the safety net)',
    )
    .argument('<config>', 'a tenant config file, or a folder of them')
    .option('--port <port>', 'port to listen on', port, 8080)
    .option('--host <host>', 'interface to listen on', '0.0.0.0')
    .option(
      '--public-url <url>',
      'the base URL the vendors call (HubSpot signs it), e.g. https://sync.example.com (default: $PROPSYNC_PUBLIC_URL)',
      publicUrl,
    )
    .option(
      '--debounce <seconds>',
      'how long a run waits for more events of its tenant+connection',
      nonNegative,
      1.5,
    )
    .option('--concurrency <n>', 'runs at once in this process (without --queue)', count, 2)
    .option('--max-body <bytes>', 'largest webhook body accepted', count, 1024 * 1024)
    .option(
      '--dedup-hours <hours>',
      'how long event ids are remembered (longer than vendors retry)',
      positiveNumber,
      72,
    )
    .option(
      '--lock-ttl <seconds>',
      'lease on a running tenant+connection (without --queue)',
      positiveNumber,
      60,
    )
    .option('--queue', 'queue the runs for `propsync worker`s (PostgreSQL) instead of running them here')
    .option(
      '--database <url>',
      'with --queue: PostgreSQL URL of the job queue (default: $PROPSYNC_DATABASE_URL)',
    )
    .option('--queue-schema <name>', 'with --queue: PostgreSQL schema of the queue tables', 'pgboss')
    .option('--stop-after <seconds>', 'stop after this many seconds (tests, demos)', positiveNumber)
    .option(
      '--shutdown-timeout <seconds>',
      'on SIGTERM/SIGINT, how long to wait for runs in flight',
      positiveNumber,
      25,
    )
    .action(async (path: string, flags: ServeFlags) => {
      process.exitCode = await runServe(path, flags, redactor);
    });
}

async function runServe(path: string, flags: ServeFlags, redactor: Redactor): Promise<number> {
  const { createLogger } = await import('../../core/logger.js');
  const { startServe } = await import('../../serve/start-serve.js');
  const logger = createLogger({ redactor });
  const configs = await loadTenants(path, logger, redactor);
  let queue: { databaseUrl: string; queueSchema?: string } | undefined;
  if (flags.queue) {
    const { databaseUrlFrom } = await import('./worker.js');
    queue = {
      databaseUrl: databaseUrlFrom(flags.database),
      ...(flags.queueSchema === undefined ? {} : { queueSchema: flags.queueSchema }),
    };
  }
  const envUrl = processEnv().PROPSYNC_PUBLIC_URL;
  const base = flags.publicUrl ?? (envUrl ? publicUrl(envUrl) : undefined);

  let received: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    received = resolve;
  });
  process.once('SIGTERM', received);
  process.once('SIGINT', received);
  const timer = flags.stopAfter === undefined ? undefined : setTimeout(received, flags.stopAfter * 1000);
  try {
    const serve = await startServe({
      configs,
      port: flags.port,
      host: flags.host,
      publicUrl: base,
      bodyLimit: flags.maxBody,
      debounceMs: flags.debounce * 1000,
      concurrency: flags.concurrency,
      retentionMs: flags.dedupHours * 3600_000,
      lockTtlMs: flags.lockTtl * 1000,
      ...(queue ? { queue } : {}),
      logger,
      redactor,
    });
    if (!base)
      logger.warn(
        { url: serve.url },
        'no --public-url: HubSpot signatures are checked against http://<Host header>, wrong behind a TLS proxy',
      );
    await stopped;
    logger.info({ timeoutSeconds: flags.shutdownTimeout }, 'shutting down');
    const { drained } = await serve.stop({ timeoutMs: flags.shutdownTimeout * 1000 });
    return drained ? EXIT.ok : EXIT.runIncomplete;
  } finally {
    clearTimeout(timer);
    process.off('SIGTERM', received);
    process.off('SIGINT', received);
  }
}
