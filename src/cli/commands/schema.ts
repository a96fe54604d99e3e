import type { Command } from 'commander';
import type { Redactor } from '../../core/redact.js';

export function registerSchema(program: Command, redactor: Redactor): void {
  program
    .command('schema')
    .description('print the JSON Schema of tenant config files (for editors)')
    .action(async () => {
      const { tenantJsonSchema } = await import('../../config/index.js');
      const { printJson } = await import('../output.js');
      printJson(tenantJsonSchema(), redactor);
    });
}
