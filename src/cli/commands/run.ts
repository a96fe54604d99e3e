/** `propsync run`, `propsync plan` (dry run) and `propsync retry`. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { TenantRun } from '../../app/sync-tenant.js';
import type { TenantConfig } from '../../config/index.js';
import type { Redactor } from '../../core/redact.js';
import type { StateStore } from '../../state/port.js';

interface RunFlags {
  connection?: string[];
  kind?: string[];
  json?: boolean;
  force?: boolean;
  reconcile?: boolean;
  rebind?: boolean;
  report?: string;
}

async function execute(
  configPath: string,
  flags: RunFlags,
  mode: 'run' | 'plan' | 'retry',
  redactor: Redactor,
): Promise<number> {
  // Loaded here, not at the top: `--help` and usage errors should not pay for the whole stack.
  const { syncTenant } = await import('../../app/sync-tenant.js');
  const { createLogger } = await import('../../core/logger.js');
  const { openJsonReportStream, RecordDigest, reportFormatFor, writeReport } = await import(
    '../../report/index.js'
  );
  const { exitCodeForResults } = await import('../exit-codes.js');
  const { abortFailure } = await import('../failure.js');
  const { loadConfigForCli } = await import('../load-config.js');
  const { printJson, printRun, runJson } = await import('../output.js');
  const { createRunProgress } = await import('../run-progress.js');
  const { scopesOf } = await import('../../app/state-scopes.js');
  const { runOutcomes } = await import('../../app/run-outcomes.js');
  const { runLabel } = await import('../../report/run-label.js');
  const config = await loadConfigForCli(configPath, { redactor });
  // Otherwise a typo runs nothing and exits 0, which a cron job would take for success.
  scopesOf(config, { connections: flags.connection, kinds: flags.kind });
  // Checked before the run: a wrong extension should not cost a whole sync.
  const format = flags.report === undefined ? undefined : reportFormatFor(flags.report);
  const logger = createLogger({ level: config.log.level, redactor });
  const progress = createRunProgress({ logger });
  // Which records are held while the plan runs: all of them only for the formats that list
  // all (HTML, text); a JSON report is written as the plan runs; the terminal and Markdown
  // list the first 200 after summaries, which a digest keeps.
  const keepAll = format === 'html' || format === 'text';
  const digest = !keepAll && (mode === 'plan' || format !== undefined) ? new RecordDigest() : undefined;
  const jsonReport =
    format === 'json' && flags.report ? await openJsonReportStream(flags.report, { redactor }) : undefined;
  const planStore = mode === 'plan' ? await emptyStoreForFirstPlan(config) : undefined;
  let run: TenantRun;
  try {
    run = await syncTenant(config, {
      ...(planStore ? { store: planStore } : {}),
      dryRun: mode === 'plan',
      force: flags.force === true,
      reconcile: flags.reconcile === true,
      rebind: flags.rebind === true,
      retryAll: mode === 'retry',
      ...(flags.connection ? { only: flags.connection } : {}),
      ...(flags.kind ? { kinds: flags.kind } : {}),
      keepRecords: keepAll,
      logger,
      redactor,
      onProgress: (connection, p, kind) => progress.update(runLabel({ connection, kind }), p),
      onPlanChunk: async (connection, chunk, kind) => {
        digest?.add({ connection, kind }, chunk);
        await jsonReport?.records({ connection, kind }, chunk);
      },
      ...(jsonReport ? { onConnectionDone: (_, result) => jsonReport.connectionDone(result) } : {}),
    });
    await jsonReport?.finish(run);
  } catch (error) {
    await jsonReport?.discard();
    throw error;
  } finally {
    progress.done();
    await planStore?.close();
  }
  const report = digest ? digest.report(run) : run;
  if (flags.report) {
    if (!jsonReport) await writeReport(report, flags.report, { redactor });
    if (!flags.json) process.stderr.write(`report written to ${flags.report}\n`);
  }
  if (flags.json) printJson(runJson([run]), redactor);
  else printRun(report, redactor);
  const results = runOutcomes(run);
  const exitCode = exitCodeForResults(results);
  // The report shows every abort; the log gets the one that decided the exit code, and what
  // to do (a log line: stderr stays JSON lines when it is not a terminal).
  const failure = abortFailure(results, exitCode);
  if (failure) logger.error({ code: failure.code, exitCode }, failure.message);
  return exitCode;
}

/**
 * A plan for a tenant whose SQLite file does not exist yet runs on an empty in-memory store:
 * the same empty state the file would hold, and a dry run then creates no file either.
 */
async function emptyStoreForFirstPlan(config: TenantConfig): Promise<StateStore | undefined> {
  if (config.state.kind !== 'sqlite' || config.state.path === ':memory:' || existsSync(config.state.path))
    return undefined;
  const { openStateStore } = await import('../../state/index.js');
  const store = openStateStore({ sqlite: ':memory:' });
  await store.migrate();
  return store;
}

function withRunOptions(cmd: Command): Command {
  return cmd
    .argument('<config>', 'tenant config file (YAML)')
    .option('-c, --connection <name...>', 'only these connections')
    .option(
      '-k, --kind <kind...>',
      "only these object kinds, e.g. companies (default: each connection's objects)",
    )
    .option('--json', 'print one JSON object instead of the table')
    .option('--report <file>', 'also write a report: .html, .md, .json or .txt')
    .option(
      '--reconcile',
      'check every link against the CRM by id (finds deletions older than its delta shows)',
    )
    .option(
      '--rebind',
      'accept Propstreet/CRM accounts other than the ones the state belongs to: run and retry move the state to them, plan plans as if moved',
    );
}

export function registerRun(program: Command, redactor: Redactor): void {
  withRunOptions(program.command('run'))
    .description('sync now: pull both sides, merge, write changes, advance checkpoints')
    .option('--force', 'go past the mass-delete guard')
    .action(async (config: string, flags: RunFlags) => {
      process.exitCode = await execute(config, flags, 'run', redactor);
    });
  withRunOptions(program.command('plan'))
    .description('dry run: compute exactly what `run` would do and report it; writes nothing')
    .action(async (config: string, flags: RunFlags) => {
      process.exitCode = await execute(config, flags, 'plan', redactor);
    });
  withRunOptions(program.command('retry'))
    .description('sync now and retry every failed record, quarantined ones included')
    .option('--force', 'go past the mass-delete guard')
    .action(async (config: string, flags: RunFlags) => {
      process.exitCode = await execute(config, flags, 'retry', redactor);
    });
}
