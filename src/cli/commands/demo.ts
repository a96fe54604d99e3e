import { type Command, InvalidArgumentError } from 'commander';
import type { Redactor } from '../../core/redact.js';

/** A bad count is a usage error (exit 2, with the help), not an unexpected crash. */
function contactCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 20) throw new InvalidArgumentError('expected a whole number ≥ 20');
  return n;
}

export function registerDemo(program: Command, redactor: Redactor): void {
  program
    .command('demo')
    .description('run the whole product against local fakes: dry-run report, sync, edits, sync again')
    .option('--contacts <n>', 'Propstreet contacts to seed', contactCount, 2000)
    .option('--dir <dir>', 'where to write the tenant file, state and reports (default: a temp folder)')
    .action(async (flags: { contacts: number; dir?: string }) => {
      const { runDemo } = await import('../../demo/run-demo.js');
      const { useColor } = await import('../output.js');
      process.exitCode = await runDemo({
        contacts: flags.contacts,
        dir: flags.dir,
        color: useColor(),
        out: process.stdout,
        redactor,
      });
    });
}
