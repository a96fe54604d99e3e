/** `propsync run`, `propsync plan` (dry run) and `propsync retry`. */
import type { Command } from 'commander';
import type { TenantRun } from '../../app/sync-tenant.js';

interface RunFlags {
  connection?: string[];
  json?: boolean;
  force?: boolean;
  report?: string;
}

async function execute(configPath: string, flags: RunFlags, mode: 'run' | 'plan' | 'retry'): Promise<number> {
  // Loaded here, not at the top: `--help` and usage errors should not pay for the whole stack.
  const { syncTenant } = await import('../../app/sync-tenant.js');
  const { createLogger } = await import('../../core/logger.js');
  const { writeReport } = await import('../../report/index.js');
  const { exitCodeForResults } = await import('../exit-codes.js');
  const { loadConfigForCli } = await import('../load-config.js');
  const { printJson, printRun, runJson } = await import('../output.js');
  const { createProgressLine } = await import('../progress-line.js');
  const config = await loadConfigForCli(configPath);
  const logger = createLogger({ level: config.log.level });
  const progress = createProgressLine();
  let run: TenantRun;
  try {
    run = await syncTenant(config, {
      dryRun: mode === 'plan',
      force: flags.force === true,
      retryAll: mode === 'retry',
      ...(flags.connection ? { only: flags.connection } : {}),
      keepRecords: mode === 'plan' || flags.report !== undefined,
      logger,
      onProgress: (connection, p) => progress.update(connection, p),
    });
  } finally {
    progress.done();
  }
  if (flags.report) {
    await writeReport(run, flags.report);
    if (!flags.json) process.stderr.write(`report written to ${flags.report}\n`);
  }
  if (flags.json) printJson(runJson([run]));
  else printRun(run);
  return exitCodeForResults(run.connections.map((c) => c.result));
}

function withRunOptions(cmd: Command): Command {
  return cmd
    .argument('<config>', 'tenant config file (YAML)')
    .option('-c, --connection <name...>', 'only these connections')
    .option('--json', 'print one JSON object instead of the table')
    .option('--report <file>', 'also write a report: .html, .md or .json');
}

export function registerRun(program: Command): void {
  withRunOptions(program.command('run'))
    .description('sync now: pull both sides, merge, write changes, advance checkpoints')
    .option('--force', 'go past the mass-delete guard')
    .action(async (config: string, flags: RunFlags) => {
      process.exitCode = await execute(config, flags, 'run');
    });
  withRunOptions(program.command('plan'))
    .description('dry run: compute exactly what `run` would do and report it; writes nothing')
    .action(async (config: string, flags: RunFlags) => {
      process.exitCode = await execute(config, flags, 'plan');
    });
  withRunOptions(program.command('retry'))
    .description('sync now and retry every failed record, quarantined ones included')
    .option('--force', 'go past the mass-delete guard')
    .action(async (config: string, flags: RunFlags) => {
      process.exitCode = await execute(config, flags, 'retry');
    });
}
