import type { Command } from 'commander';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of tenant config files (for editors)')
    .action(async () => {
      const { tenantJsonSchema } = await import('../../config/index.js');
      const { printJson } = await import('../output.js');
      printJson(tenantJsonSchema());
    });
}
