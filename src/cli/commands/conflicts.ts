/** `propsync conflicts` (list the open ones) and `propsync resolve` (choose a value for one). */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import type { Redactor } from '../../core/redact.js';
import { countFlag } from '../count-flag.js';
import { withTenantState } from '../tenant-state.js';

const shown = (v: string | null) => (v === null ? '(empty)' : JSON.stringify(v));

export function registerConflicts(program: Command, redactor: Redactor): void {
  program
    .command('conflicts')
    .description('list the open conflicts (conflictPolicy: manual) with both values and the last synced one')
    .argument('<config>', 'tenant config file (YAML)')
    .option('-c, --connection <name...>', 'only these connections')
    .option('-k, --kind <kind...>', 'only these object kinds, e.g. companies')
    .option('--limit <n>', 'how many to list', '100')
    .option('--json', 'print one JSON object')
    .action(
      async (
        configPath: string,
        flags: { connection?: string[]; kind?: string[]; limit: string; json?: boolean },
      ) => {
        const { listOpenConflicts } = await import('../../app/conflicts.js');
        const { runLabel } = await import('../../report/run-label.js');
        const { printJson } = await import('../output.js');
        const limit = countFlag('--limit', flags.limit);
        await withTenantState(configPath, redactor, async (config, store) => {
          const listed = await listOpenConflicts(config, store, {
            connections: flags.connection,
            kinds: flags.kind,
            limit,
          });
          if (flags.json) return printJson({ tenant: config.tenant, ...listed }, redactor);
          const lines = [`tenant ${config.tenant}: ${listed.total} open conflicts`];
          for (const c of listed.conflicts) {
            lines.push(
              `  ${c.id} (${runLabel(c)}, CRM record ${c.crmId}, since ${c.since})`,
              `    Propstreet ${shown(c.propstreet)} · CRM ${shown(c.crm)} · last synced ${shown(c.shadow)}`,
              c.resolution
                ? `    resolved: ${c.resolution.take === 'value' ? `value ${shown(c.resolution.value)}` : `take ${c.resolution.take}`} (applied on the next run)`
                : `    propsync resolve ${configPath} ${c.id} --take propstreet|crm  (or --value V)`,
            );
          }
          if (listed.total > listed.conflicts.length)
            lines.push(`  … ${listed.total - listed.conflicts.length} more (--limit)`);
          process.stdout.write(`${lines.join('\n')}\n`);
        });
      },
    );

  program
    .command('resolve')
    .description('resolve a conflict: the next run (and a plan first) writes the chosen value to both sides')
    .argument('<config>', 'tenant config file (YAML)')
    .argument('<conflict>', 'conflict id <propstreetId>:<field> (see `propsync conflicts`)')
    .option('--take <side>', "keep one side's value: propstreet or crm")
    .option('--value <value>', 'write this value to both sides ("" empties the field)')
    .option('--clear', 'withdraw a resolution not yet applied')
    .option('-c, --connection <name>', 'the connection, when the conflict is open in several')
    .option('-k, --kind <kind>', 'the object kind, when the conflict is open in several (e.g. companies)')
    .option('--json', 'print one JSON object')
    .action(
      async (
        configPath: string,
        id: string,
        flags: {
          take?: string;
          value?: string;
          clear?: boolean;
          connection?: string;
          kind?: string;
          json?: boolean;
        },
      ) => {
        const given = [flags.take !== undefined, flags.value !== undefined, flags.clear === true].filter(
          Boolean,
        );
        if (given.length !== 1)
          throw new ValidationError('give exactly one of --take propstreet|crm, --value V, --clear');
        if (flags.take !== undefined && flags.take !== 'propstreet' && flags.take !== 'crm')
          throw new ValidationError(`--take ${flags.take}: expected propstreet or crm`, {
            take: [flags.take],
          });
        const { resolveOpenConflict } = await import('../../app/conflicts.js');
        const { systemClock } = await import('../../core/clock.js');
        const { runLabel } = await import('../../report/run-label.js');
        const { printJson } = await import('../output.js');
        await withTenantState(configPath, redactor, async (config, store) => {
          const choice =
            flags.clear === true
              ? null
              : flags.value !== undefined
                ? { take: 'value' as const, value: flags.value === '' ? null : flags.value }
                : { take: flags.take as 'propstreet' | 'crm' };
          const resolved = await resolveOpenConflict(config, store, id, choice, {
            connections: flags.connection === undefined ? undefined : [flags.connection],
            kinds: flags.kind === undefined ? undefined : [flags.kind],
            clock: systemClock,
          });
          if (flags.json) return printJson({ tenant: config.tenant, conflict: resolved }, redactor);
          process.stdout.write(
            choice === null
              ? `${id}: resolution withdrawn\n`
              : `${id} (${runLabel(resolved)}): resolved; \`propsync plan ${configPath}\` shows it, the next run writes it\n`,
          );
        });
      },
    );
}
