/**
 * `propsync demo`: the whole product on loopback fakes. Seeds three systems (people and the
 * companies they work at), writes a tenant file that syncs both, shows the dry-run report,
 * syncs, simulates a day of edits on every side, syncs again, and ends with a quiet run that
 * writes nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox } from '../../fakes/sandbox/sandbox.js';
import { syncTenant, type TenantRun } from '../app/sync-tenant.js';
import { createRunProgress } from '../cli/run-progress.js';
import { loadTenantConfig } from '../config/index.js';
import type { Redactor } from '../core/redact.js';
import { renderTerminal, writeReport } from '../report/index.js';
import { runLabel } from '../report/run-label.js';
import { crmFakes, demoSizes, seedDemo, simulateUserEdits } from './demo-data.js';
import { type DemoLog, openDemoLog } from './demo-log.js';

const DEMO_PROPSTREET_PER_MINUTE = 6000;

export interface DemoOptions {
  readonly contacts: number;
  readonly dir?: string | undefined;
  readonly color: boolean;
  readonly out: NodeJS.WritableStream;
  /** The entry point's: the fakes' tokens are registered with it, the log and reports scrubbed by it. */
  readonly redactor: Redactor;
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const { redactor } = options;
  const out = (s = '') => options.out.write(`${s}\n`);
  const heading = (s: string) => out(`\n${options.color ? `\x1b[1m== ${s} ==\x1b[0m` : `== ${s} ==`}`);
  const dir = options.dir ? resolve(options.dir) : mkdtempSync(join(tmpdir(), 'propsync-demo-'));
  mkdirSync(dir, { recursive: true });
  // Every demo starts new fakes (new accounts): a state left in --dir by an earlier demo
  // belongs to the old ones, and the run would rightly refuse it.
  for (const f of ['demo.db', 'demo.db-wal', 'demo.db-shm']) rmSync(join(dir, f), { force: true });
  // The real API allows 600 requests/min for bot tokens; the demo's fake allows 10× that so
  // the one-call-per-record Propstreet write-backs of a first sync take seconds, not minutes.
  const sb = await startSandbox({ propstreetPerMinute: DEMO_PROPSTREET_PER_MINUTE });
  let log: DemoLog | undefined;
  try {
    const sizes = demoSizes(options.contacts);
    heading('1. Three systems on loopback fakes');
    const ids = seedDemo(sb, sizes);
    out(
      `Propstreet  ${sb.propstreet.url}  ${sizes.propstreet} contacts at ${sizes.companies} companies (${ids.atTwo} at two, ${ids.atNone} at none)`,
    );
    const { hubspot, salesforce } = crmFakes(sb);
    out(
      `HubSpot     ${hubspot.url}  ${sizes.hubspot} contacts (${sizes.overlap} also in Propstreet, 3 with another phone), ${sizes.companyOverlap} companies (also in Propstreet, same domain)`,
    );
    out(
      `Salesforce  ${salesforce.url}  ${sizes.salesforce} contacts (${sizes.overlap} also in HubSpot), ${sizes.companyOverlap} Accounts (also in Propstreet, same website)`,
    );
    out(
      `(the fake Propstreet allows ${DEMO_PROPSTREET_PER_MINUTE} requests/min; the real one 600/min for bot tokens)`,
    );
    const file = sb.writeTenant(dir, {
      tenant: 'demo',
      connection: {
        // Companies run first, each kind with its own links and checkpoints; then who works where.
        objects: ['companies', 'contacts', 'links'],
        match: ['externalRef', 'key', 'email'],
        conflictPolicy: 'newest-wins',
        deletes: { fromPropstreet: 'archive', fromCrm: 'unlink', maxShare: 0.1 },
        // Existing CRM companies pair by domain; a company is never deleted to follow its partner.
        companies: { match: ['externalRef', 'key', 'domain'], deletes: { fromPropstreet: 'unlink' } },
      },
    });
    // The fakes' tokens, beside the tenant file, so `propsync status <file>` works afterwards.
    writeFileSync(
      join(dir, '.env'),
      `${Object.entries(sb.env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    );
    out(`tenant config: ${file}`);
    const config = await loadTenantConfig(file, { env: { ...process.env, ...sb.env }, redactor });
    // Log lines go to a file: on the terminal they would interleave with the steps.
    log = openDemoLog(join(dir, 'demo.log'), redactor);
    const logger = log.logger;
    const warnings = () => {
      const said = log?.takeWarnings();
      if (said) out(`  ${said}`);
    };
    // A status line on a terminal (the first sync's write-backs take a while), else a log line every 10 s.
    const sync = async (dryRun: boolean) => {
      const progress = createRunProgress({ logger });
      try {
        return await syncTenant(config, {
          dryRun,
          keepRecords: true,
          logger,
          redactor,
          onProgress: (connection, p, kind) => progress.update(runLabel({ connection, kind }), p),
        });
      } finally {
        progress.done();
      }
    };
    const show = (run: TenantRun) => {
      out(renderTerminal(run, { color: options.color, maxRecords: 8, redactor }));
      warnings();
    };

    heading('2. Dry run: what the first sync would do (nothing is written)');
    const plan = await sync(true);
    show(plan);
    for (const ext of ['html', 'md', 'json']) await writeReport(plan, join(dir, `plan.${ext}`), { redactor });
    out(`\nreports: ${join(dir, 'plan.html')} (open in a browser), plan.md, plan.json`);

    heading('3. First sync: both CRMs, both directions');
    const first = await sync(false);
    show(first);

    heading('4. A day of user edits on every side');
    for (const line of simulateUserEdits(sb, ids)) out(`  ${line}`);

    heading('5. Second sync: every edit moves where it belongs');
    const second = await sync(false);
    show(second);
    // A HubSpot edit reaches Salesforce through Propstreet on the next run of the bridge.
    heading('6. Third sync: HubSpot changes reach Salesforce through Propstreet');
    const third = await sync(false);
    show(third);

    heading('7. Quiet sync: nothing changed, so nothing is written');
    const quiet = await sync(false);
    const writes = quiet.connections.reduce(
      (n, c) => n + (c.result.calls.crm.write ?? 0) + (c.result.calls.propstreet.write ?? 0),
      0,
    );
    for (const c of quiet.connections)
      out(`  ${runLabel(c.result)}: status ${c.result.status}, API calls ${JSON.stringify(c.result.calls)}`);
    out(`  write calls in the quiet run: ${writes}`);
    warnings();
    out(`\nState, config, reports and the log (demo.log) are in ${dir}`);
    out(`Try: npx propsync status ${file}`);
    const failed = [first, second, third, quiet].some((r) =>
      r.connections.some((c) => c.result.status !== 'ok'),
    );
    return failed || writes > 0 ? 1 : 0;
  } finally {
    await sb.close();
    log?.close();
  }
}
