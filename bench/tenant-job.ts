/** One tenant sync through the real stack: config file, clients, adapters, engine, SQLite state. */
import { syncTenant } from '../src/app/sync-tenant.js';
import { loadTenantConfig } from '../src/config/index.js';
import { silentLogger } from '../src/core/logger.js';
import { Redactor } from '../src/core/redact.js';
import { type RunSummary, summarize, type TenantJob } from './jobs.js';

/** The bench is an entry point: its own redactor, handed to what it runs. */
const redactor = new Redactor();

export async function runTenantJob(job: TenantJob): Promise<RunSummary> {
  const config = await loadTenantConfig(job.configPath, { redactor, env: { ...job.env } });
  const started = performance.now();
  // "CRM complete": the run's CRM work is done and only ref write-backs are left (or none are).
  let crmCompleteS: number | undefined;
  const run = await syncTenant(config, {
    redactor,
    dryRun: job.dryRun,
    logger: silentLogger,
    onProgress: (_connection, p) => {
      if (crmCompleteS === undefined && (p.phase === 'refs' || p.phase === 'done'))
        crmCompleteS = (performance.now() - started) / 1000;
    },
  });
  const [connection] = run.connections;
  if (!connection) throw new Error(`tenant ${config.tenant} ran no connection`);
  return { ...summarize(connection.result), ...(crmCompleteS === undefined ? {} : { crmCompleteS }) };
}
