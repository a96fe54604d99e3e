import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo.js';
import { useColor } from '../output.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole product against local fakes: dry-run report, sync, edits, sync again')
    .option('--contacts <n>', 'Propstreet contacts to seed', '2000')
    .option('--dir <dir>', 'where to write the tenant file, state and reports (default: a temp folder)')
    .action(async (flags: { contacts: string; dir?: string }) => {
      const contacts = Number(flags.contacts);
      if (!Number.isInteger(contacts) || contacts < 20) throw new Error('--contacts must be a whole number ≥ 20');
      process.exitCode = await runDemo({ contacts, dir: flags.dir, color: useColor(), out: process.stdout });
    });
}
