/**
 * The `propsync` command line. Commands live in ./commands; this file wires them up and maps
 * every error to an exit code (the only place that does).
 */
import { Command, CommanderError } from 'commander';
import { isPropsyncError } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import { registerConflicts } from './commands/conflicts.js';
import { registerDemo } from './commands/demo.js';
import { registerMigrateState } from './commands/migrate-state.js';
import { registerRelink } from './commands/relink.js';
import { registerRun } from './commands/run.js';
import { registerSchedule } from './commands/schedule.js';
import { registerSchema } from './commands/schema.js';
import { registerStatus } from './commands/status.js';
import { registerValidate } from './commands/validate.js';
import { registerWorker } from './commands/worker.js';
import { EXIT, exitCodeForError } from './exit-codes.js';

export function buildProgram(): Command {
  const program = new Command('propsync')
    .description('Two-way contact sync between Propstreet and your CRM (HubSpot, Salesforce).')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerRun(program);
  registerStatus(program);
  registerRelink(program);
  registerConflicts(program);
  registerValidate(program);
  registerSchedule(program);
  registerDemo(program);
  registerSchema(program);
  registerWorker(program);
  registerMigrateState(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badConfigOrUsage;
    }
    if (isPropsyncError(error)) {
      process.stderr.write(`propsync: ${redactText(error.message)}\n`);
      return exitCodeForError(error.code);
    }
    process.stderr.write(
      `propsync: unexpected error: ${redactText(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    return EXIT.runIncomplete;
  }
}
