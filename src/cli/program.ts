/**
 * The `propsync` command line. Commands live in ./commands; this file wires them up and maps
 * every error to an exit code (the only place that does). One `Redactor` per invocation, made
 * here and handed to every command: whatever a command loads or is issued is scrubbed from
 * whatever it prints, the error line included.
 */
import { Command, CommanderError } from 'commander';
import { Redactor } from '../core/redact.js';
import { registerConflicts } from './commands/conflicts.js';
import { registerDemo } from './commands/demo.js';
import { registerMigrateState } from './commands/migrate-state.js';
import { registerRelink } from './commands/relink.js';
import { registerRun } from './commands/run.js';
import { registerSchedule } from './commands/schedule.js';
import { registerSchema } from './commands/schema.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerValidate } from './commands/validate.js';
import { registerWorker } from './commands/worker.js';
import { EXIT } from './exit-codes.js';
import { describeFailure, outputFlags, printFailure } from './failure.js';
import { printJson } from './print-json.js';

export function buildProgram(redactor: Redactor): Command {
  const program = new Command('propsync')
    .description('Two-way contact sync between Propstreet and your CRM (HubSpot, Salesforce).')
    .version('0.1.0')
    .option('--verbose', 'print the stack trace of an unexpected error')
    .showHelpAfterError()
    .exitOverride();
  registerRun(program, redactor);
  registerStatus(program, redactor);
  registerRelink(program, redactor);
  registerConflicts(program, redactor);
  registerValidate(program, redactor);
  registerSchedule(program, redactor);
  registerDemo(program, redactor);
  registerSchema(program, redactor);
  registerWorker(program, redactor);
  registerMigrateState(program, redactor);
  registerServe(program, redactor);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const redactor = new Redactor();
  const program = buildProgram(redactor);
  const flags = outputFlags(argv.slice(2));
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; commander has printed the usage error.
      if (error.exitCode === 0) return EXIT.ok;
      if (flags.json)
        printJson(
          {
            error: { code: 'USAGE', message: error.message.replace(/^error: /, '') },
            exitCode: EXIT.badConfigOrUsage,
          },
          redactor,
        );
      return EXIT.badConfigOrUsage;
    }
    const failure = describeFailure(error);
    printFailure(failure, flags, redactor);
    return failure.exitCode;
  }
}
