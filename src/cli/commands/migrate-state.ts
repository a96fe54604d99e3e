/**
 * `propsync migrate-state --from <url> --to <url>`: copies sync state between stores, e.g.
 * SQLite → PostgreSQL when an install moves to workers. Prints the counts; exit 0 when every
 * scope was copied and verified, 2 otherwise (nothing half-done is hidden: rerunning is safe).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { describeDatabase } from '../../core/describe-database.js';
import { ValidationError } from '../../core/errors.js';
import type { Redactor } from '../../core/redact.js';
import { EXIT } from '../exit-codes.js';
import { describeFailure, outputFlags, printFailure } from '../failure.js';
import { printJson } from '../output.js';

interface MigrateFlags {
  from: string;
  to: string;
  tenant?: string;
  json?: boolean;
}

export function registerMigrateState(program: Command, redactor: Redactor): void {
  program
    .command('migrate-state')
    .description('copy sync state between stores (sqlite:<path> or postgres://…[?schema=name])')
    .requiredOption('--from <url>', 'source state: sqlite:<path> or postgres://…[?schema=name]')
    .requiredOption('--to <url>', 'target state, same forms')
    .option('--tenant <tenant>', 'only this tenant (all of its connections and object kinds)')
    .option('--json', 'print the counts as one JSON object')
    .action(async (flags: MigrateFlags) => {
      try {
        await migrate(flags, redactor);
        process.exitCode = EXIT.ok;
      } catch (error) {
        // Documented: exit 2 for any failure here (rerunning is safe), with what failed.
        const failure = describeFailure(error, EXIT.badConfigOrUsage);
        const where = `--from ${describeStateUrl(flags.from)} → --to ${describeStateUrl(flags.to)}`;
        printFailure(
          { ...failure, message: `migrate-state failed (${where}): ${failure.message}` },
          { json: flags.json === true, verbose: outputFlags(process.argv).verbose },
          redactor,
        );
        process.exitCode = failure.exitCode;
      }
    });
}

async function migrate(flags: MigrateFlags, redactor: Redactor): Promise<void> {
  const { migrateState, openStateStore, parseStateUrl } = await import('../../state/index.js');
  // A driver's error may quote the connection string: its password is a secret from here on.
  for (const url of [flags.from, flags.to]) registerPassword(url, redactor);
  const fromSpec = parseStateUrl(flags.from);
  const toSpec = parseStateUrl(flags.to);
  // Opening a missing SQLite file would create an empty one and "migrate" nothing.
  if (fromSpec.sqlite !== undefined && fromSpec.sqlite !== ':memory:' && !existsSync(fromSpec.sqlite))
    throw new ValidationError(`--from: no state file at ${fromSpec.sqlite}`, { from: ['file not found'] });
  const from = openStateStore(fromSpec);
  const to = openStateStore(toSpec);
  try {
    await from.migrate();
    let scopes = await from.listScopes();
    if (flags.tenant !== undefined) {
      scopes = scopes.filter((s) => s.tenant === flags.tenant);
      if (scopes.length === 0)
        throw new ValidationError(`--from holds no state for tenant "${flags.tenant}"`, {
          tenant: ['no state'],
        });
    }
    const counts = await migrateState(from, to, scopes);
    if (flags.json)
      printJson(
        {
          ok: true,
          ...counts,
          scopeNames: scopes.map((s) => `${s.tenant}/${s.connection}/${s.kind}`),
        },
        redactor,
      );
    else
      process.stdout.write(
        `migrated ${counts.scopes} scope(s): ${counts.links} links, ${counts.ownEtags} own etags, ` +
          `${counts.failures} failures, ${counts.checkpoints} checkpoints, ${counts.runs} runs\n` +
          scopes.map((s) => `  ${s.tenant}/${s.connection}/${s.kind}\n`).join(''),
      );
  } finally {
    await from.close();
    await to.close();
  }
}

function registerPassword(url: string, redactor: Redactor): void {
  if (url.startsWith('sqlite:')) return;
  try {
    const password = new URL(url).password;
    redactor.register(password);
    redactor.register(decodeURIComponent(password));
  } catch {
    // Not a URL: parseStateUrl says so.
  }
}

/** A state URL as it may be printed: the SQLite path, or PostgreSQL host:port/db without credentials. */
function describeStateUrl(url: string): string {
  return url.startsWith('sqlite:') ? url : `postgres://${describeDatabase(url)}`;
}
