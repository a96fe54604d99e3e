/** `propsync relink`: let a contact that a CRM deletion or merge unlinked be paired again. */
import type { Command } from 'commander';
import { withTenantState } from '../tenant-state.js';

export function registerRelink(program: Command): void {
  program
    .command('relink')
    .description('let the next run pair (or create) again a contact whose link a CRM deletion or merge ended')
    .argument('<config>', 'tenant config file (YAML)')
    .argument('<propstreetId>', 'the Propstreet contact id (see `propsync status`)')
    .option('-c, --connection <name...>', 'only these connections (default: every one with a tombstone)')
    .option('--json', 'print one JSON object')
    .action(
      async (configPath: string, propstreetId: string, flags: { connection?: string[]; json?: boolean }) => {
        const { relinkContact } = await import('../../app/relink.js');
        const { systemClock } = await import('../../core/clock.js');
        const { printJson } = await import('../output.js');
        await withTenantState(configPath, async (config, store) => {
          const relinked = await relinkContact(config, store, propstreetId, {
            ...(flags.connection ? { connections: flags.connection } : {}),
            clock: systemClock,
          });
          if (flags.json) return printJson({ tenant: config.tenant, propstreetId, relinked });
          for (const r of relinked)
            process.stdout.write(
              `${r.connection}: ${propstreetId} (was CRM record ${r.crmId}: ${r.reason}) is paired or created again on the next run\n`,
            );
        });
      },
    );
}
