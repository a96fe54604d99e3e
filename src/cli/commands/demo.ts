import { type Command, InvalidArgumentError } from 'commander';
import type { Redactor } from '../../core/redact.js';

/** A bad count is a usage error (exit 2, with the help), not an unexpected crash. */
function contactCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 20) throw new InvalidArgumentError('expected a whole number ≥ 20');
  return n;
}

function editCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

export function registerDemo(program: Command, redactor: Redactor): void {
  program
    .command('demo')
    .description('run the whole product against local fakes: dry-run report, sync, edits, sync again')
    .option(
      '--contacts <n>',
      'Propstreet contacts to seed (with --live, 200 unless given)',
      contactCount,
      2000,
    )
    .option('--dir <dir>', 'where to write the tenant file, state and reports (default: a temp folder)')
    .option(
      '--live',
      'near-real-time: start propsync serve, let the fakes send their webhooks, edit on each side and time the arrivals',
    )
    .option('--edits <n>', 'with --live: edits per side', editCount, 5)
    .action(
      async (flags: { contacts: number; dir?: string; live?: boolean; edits: number }, command: Command) => {
        const { useColor } = await import('../output.js');
        if (flags.live) {
          const { runLiveDemo } = await import('../../demo/run-live-demo.js');
          process.exitCode = await runLiveDemo({
            // A live demo times edits, not the first sync: a smaller network unless one was asked for.
            contacts: command.getOptionValueSource('contacts') === 'default' ? 200 : flags.contacts,
            edits: flags.edits,
            dir: flags.dir,
            color: useColor(),
            out: process.stdout,
            redactor,
          });
          return;
        }
        const { runDemo } = await import('../../demo/run-demo.js');
        process.exitCode = await runDemo({
          contacts: flags.contacts,
          dir: flags.dir,
          color: useColor(),
          out: process.stdout,
          redactor,
        });
      },
    );
}
