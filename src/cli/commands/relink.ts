/** `propsync relink`: let a record that a CRM deletion or merge unlinked be paired again. */
import type { Command } from 'commander';
import type { Redactor } from '../../core/redact.js';
import { withTenantState } from '../tenant-state.js';

export function registerRelink(program: Command, redactor: Redactor): void {
  program
    .command('relink')
    .description('let the next run pair (or create) again a record whose link a CRM deletion or merge ended')
    .argument('<config>', 'tenant config file (YAML)')
    .argument('<propstreetId>', 'the Propstreet id of the contact or company (see `propsync status`)')
    .option('-c, --connection <name...>', 'only these connections (default: every one with a tombstone)')
    .option('-k, --kind <kind...>', 'only these object kinds, e.g. companies (default: every one)')
    .option('--json', 'print one JSON object')
    .action(
      async (
        configPath: string,
        propstreetId: string,
        flags: { connection?: string[]; kind?: string[]; json?: boolean },
      ) => {
        const { relinkRecord } = await import('../../app/relink.js');
        const { systemClock } = await import('../../core/clock.js');
        const { runLabel } = await import('../../report/run-label.js');
        const { printJson } = await import('../output.js');
        await withTenantState(configPath, redactor, async (config, store) => {
          const relinked = await relinkRecord(config, store, propstreetId, {
            connections: flags.connection,
            kinds: flags.kind,
            clock: systemClock,
          });
          if (flags.json) return printJson({ tenant: config.tenant, propstreetId, relinked }, redactor);
          for (const r of relinked)
            process.stdout.write(
              `${runLabel(r)}: ${propstreetId} (was CRM record ${r.crmId}: ${r.reason}) is paired or created again on the next run\n`,
            );
        });
      },
    );
}
