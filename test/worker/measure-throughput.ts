/**
 * Measurement, not a test: tenants per hour through `propsync worker` child processes, 1 vs 3
 * workers, against per-tenant fakes with 40–120 ms per call and their real rate limits
 * (Propstreet 600/min per token, HubSpot 190/10 s per account).
 *
 *   npx tsx test/worker/measure-throughput.ts [tenants=20] [contacts=50] [concurrency=2]
 *
 * Per worker count: a fresh farm; an initial sync of every tenant (all contacts created in
 * HubSpot, one Propstreet ref write-back each), then an incremental run after 5 Propstreet
 * edits per tenant. Each phase is timed from enqueue until the queue is drained.
 */
import { cpus } from 'node:os';
import { loadTenantConfig } from '../../src/config/index.js';
import { Redactor } from '../../src/core/redact.js';
import { createBoss, createEnqueuer, ensureQueues, SYNC_QUEUE, startBoss } from '../../src/worker/index.js';
import { dropSchema } from '../state/pg-test-db.js';
import {
  jobRows,
  startCliProcess,
  startFarm,
  TEST_DATABASE_URL,
  testSchemaName,
  waitFor,
} from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const [tenants = 20, contacts = 50, concurrency = 2] = process.argv.slice(2).map(Number);

async function measure(workers: number) {
  const farm = await startFarm({ tenants, contacts, latencyMs: [40, 120], label: 'measure' });
  const schema = testSchemaName('measure_boss');
  const boss = createBoss({ databaseUrl: TEST_DATABASE_URL, schema, supervise: false });
  await startBoss(boss, TEST_DATABASE_URL);
  await ensureQueues(boss);
  const enqueuer = createEnqueuer(boss, { databaseUrl: TEST_DATABASE_URL, schema });
  const children = Array.from({ length: workers }, () =>
    startCliProcess([
      'worker',
      '--database',
      TEST_DATABASE_URL,
      '--queue-schema',
      schema,
      '--concurrency',
      String(concurrency),
      '--poll-interval',
      '0.5',
    ]),
  );
  try {
    await waitFor(
      'workers to start',
      () => children.every((c) => c.output().includes('worker started')),
      30_000,
    );
    const configs = await Promise.all(farm.tenants.map((t) => loadTenantConfig(t.file, { redactor })));
    const phase = async (name: string) => {
      const started = Date.now();
      for (const c of configs)
        await enqueuer.enqueue({ tenantFile: c.file, tenant: c.tenant, connection: 'hubspot' });
      await waitFor(
        `${name} to drain`,
        async () =>
          (await jobRows(schema, SYNC_QUEUE)).every((j) => j.state === 'completed' || j.state === 'failed'),
        30 * 60_000,
        200,
      );
      const seconds = (Date.now() - started) / 1000;
      const jobs = await jobRows(schema, SYNC_QUEUE);
      const failed = jobs.filter((j) => j.state === 'failed').length;
      // Cumulative over both phases: shows the incremental runs really wrote their edits.
      const written = (kind: 'create' | 'update') =>
        jobs.reduce(
          (n, j) => n + ((j.output as { done?: Record<string, { crm: number }> })?.done?.[kind]?.crm ?? 0),
          0,
        );
      return {
        phase: name,
        seconds,
        tenantsPerHour: Math.round((tenants * 3600) / seconds),
        failed,
        crmCreates: written('create'),
        crmUpdates: written('update'),
      };
    };
    const initial = await phase('initial');
    for (const t of farm.tenants)
      for (const id of t.propstreetIds.slice(0, 5)) t.sb.propstreet.editAsUser(id, { lastName: 'Measured' });
    const incremental = await phase('incremental');
    return { workers, concurrency, tenants, contacts, initial, incremental };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await enqueuer.close();
    await boss.stop({ graceful: false });
    await farm.close();
    await dropSchema(schema);
  }
}

console.log(JSON.stringify({ cpus: cpus().length, node: process.version }));
for (const workers of [1, 3]) console.log(JSON.stringify(await measure(workers)));
