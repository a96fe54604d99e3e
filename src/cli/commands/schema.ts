import type { Command } from 'commander';
import { tenantJsonSchema } from '../../config/index.js';
import { printJson } from '../output.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of tenant config files (for editors)')
    .action(() => {
      printJson(tenantJsonSchema());
    });
}
