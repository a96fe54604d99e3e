/**
 * A bridge's connections take turns wherever they run (src/run/tenant-lock.ts). `propsync run`
 * runs a tenant's connections one after the other, so a company a user added in both CRMs
 * (same domain, `match: [..., domain]`) is created in Propstreet by the first connection and
 * paired by domain by the second. `serve` (a Propstreet webhook asks for every connection of
 * the tenant at once) and the workers (the scheduler queues them together) run one connection
 * per run: side by side, each read Propstreet before the other's create landed, and each
 * created its own Propstreet company. Both tests of them failed so before the tenant lock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { person } from '../../fakes/sandbox/people.js';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { openTenantStore } from '../../src/app/open-store.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { isPropsyncError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { lockOwner } from '../../src/run/run-lock.js';
import { takeTenantLock, tenantLockScope } from '../../src/run/tenant-lock.js';
import { type RunningServe, startServe } from '../../src/serve/start-serve.js';
import { runSyncJob } from '../../src/worker/sync-job.js';
import { createTenantStores } from '../../src/worker/tenant-stores.js';
import { newWhsec, propstreetHeaders, settledDispatches } from './support.js';

const redactor = new Redactor();

interface World {
  sb: Sandbox;
  dir: string;
  config: TenantConfig;
  env: Record<string, string>;
  serve?: RunningServe;
}

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    await w.serve?.stop({ timeoutMs: 60_000 });
    await w.sb.close();
    rmSync(w.dir, { recursive: true, force: true });
  }
});

const secret = newWhsec();

/** A bridge tenant, synced once, then a user adds the same company in HubSpot and in Salesforce. */
async function world(): Promise<World> {
  const sb = await startSandbox({});
  sb.propstreet.setRateLimit(600_000);
  sb.propstreet.seed(
    [0, 1].map((i) => {
      const p = person(i);
      return { firstName: p.firstName, lastName: p.lastName, email: p.email };
    }),
  );
  const dir = mkdtempSync(join(tmpdir(), 'propsync-bridge-turns-'));
  const file = sb.writeTenant(dir, {
    tenant: 'acme',
    connections: ['hubspot', 'salesforce'],
    connection: {
      objects: ['companies', 'contacts'],
      match: ['externalRef', 'key', 'email'],
      companies: { match: ['externalRef', 'key', 'domain'] },
    },
  });
  const env = { ...sb.env, PROPSYNC_ACME_PROPSTREET_WEBHOOK_SECRET: secret };
  const config = await loadTenantConfig(file, { redactor, env, cwd: dir });
  const w: World = { sb, dir, config, env };
  worlds.push(w);
  await syncTenant(config, { redactor, dryRun: false, logger: silentLogger });
  sb.hubspot?.control.companies.createAsUser({ name: 'Dupco', domain: 'dupco.example' });
  sb.salesforce?.control.accounts.create(
    { Name: 'Dupco', Website: 'https://dupco.example' },
    { as: sb.salesforce.control.uiUserId },
  );
  return w;
}

const dupcos = (sb: Sandbox) => sb.propstreet.allCompanies().filter((c) => c.name === 'Dupco');

describe("a bridge's connections take turns", () => {
  it('control: a scheduled run (connections one after the other) makes one Propstreet company', async () => {
    const w = await world();
    await syncTenant(w.config, { redactor, dryRun: false, logger: silentLogger });
    await syncTenant(w.config, { redactor, dryRun: false, logger: silentLogger });
    expect(dupcos(w.sb)).toHaveLength(1);
  }, 120_000);

  it('serve: one Propstreet webhook runs both connections; still one Propstreet company', async () => {
    const w = await world();
    const { observe, ended } = settledDispatches();
    w.serve = await startServe({
      redactor,
      configs: [w.config],
      port: 0,
      host: '127.0.0.1',
      env: w.env,
      debounceMs: 100,
      logger: silentLogger,
      loadConfig: (f) => loadTenantConfig(f, { redactor, env: w.env, cwd: w.dir }),
      observe,
    });
    // Any Propstreet change: its webhook names the tenant, so both connections are asked to run.
    const body = JSON.stringify({ type: 'contact.updated', timestamp: new Date().toISOString(), data: {} });
    const res = await fetch(`${w.serve.url}/webhooks/acme/propstreet`, {
      method: 'POST',
      headers: propstreetHeaders(secret, 'msg_turns_1', new Date(), body),
      body,
    });
    expect(res.status).toBe(200);
    await ended(2);
    await w.serve.trigger.idle();
    // Later runs (as the schedule would make them) do not undo a duplicate.
    await syncTenant(w.config, { redactor, dryRun: false, logger: silentLogger });
    expect(
      dupcos(w.sb).map((c) => ({ id: c.id, refs: c.externalRefs })),
      'the company added in both CRMs exists once in Propstreet',
    ).toHaveLength(1);
  }, 120_000);

  it('workers: one run per connection at once (as the scheduler queues them) still make one company', async () => {
    const w = await world();
    // What a worker's job runs: one connection, waiting a while for the tenant's other run.
    const job = (connection: string) =>
      syncTenant(w.config, {
        redactor,
        dryRun: false,
        logger: silentLogger,
        only: [connection],
        tenantLockWaitMs: 60_000,
      });
    const runs = await Promise.all([job('hubspot'), job('salesforce')]);
    expect(runs.flatMap((r) => r.connections.map((c) => c.result.status))).not.toContain('aborted');
    await syncTenant(w.config, { redactor, dryRun: false, logger: silentLogger });
    expect(dupcos(w.sb)).toHaveLength(1);
  }, 120_000);

  it('a live run holding the tenant refuses a writing run (retryable RUN_IN_PROGRESS); a dry run proceeds', async () => {
    const w = await world();
    const store = await openTenantStore(w.config);
    const owner = lockOwner('held-by-test');
    expect(await store.acquireLock(tenantLockScope('acme'), owner, 60_000)).toBe(true);
    try {
      const refused = await syncTenant(w.config, {
        redactor,
        dryRun: false,
        logger: silentLogger,
        only: ['salesforce'],
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isPropsyncError(refused) && { code: refused.code, retryable: refused.retryable }).toEqual({
        code: 'RUN_IN_PROGRESS',
        retryable: true,
      });
      expect(dupcos(w.sb), 'nothing written').toHaveLength(0);
      const dry = await syncTenant(w.config, { redactor, dryRun: true, logger: silentLogger });
      expect(dry.connections.length).toBeGreaterThan(0);
    } finally {
      await store.releaseLock(tenantLockScope('acme'), owner);
      await store.close();
    }
    await syncTenant(w.config, { redactor, dryRun: false, logger: silentLogger });
    expect(dupcos(w.sb)).toHaveLength(1);
  }, 120_000);

  it("the connection's own live run (a retried job whose first attempt still runs) is skipped at once", async () => {
    const w = await world();
    // What a worker's first attempt holds while its handler still runs past the job's expiry.
    const store = await openTenantStore(w.config);
    const first = await takeTenantLock(store, 'acme', { connections: ['salesforce'] });
    const stores = createTenantStores({ poolSize: 1 });
    try {
      const job = (connection: string, tenantLockWaitMs: number) =>
        runSyncJob(
          { tenant: 'acme', connection, tenantFile: w.config.file },
          {
            redactor,
            stores,
            logger: silentLogger,
            lockTtlMs: 60_000,
            loadConfig: (f) => loadTenantConfig(f, { redactor, env: w.env, cwd: w.dir }),
            tenantLockWaitMs,
          },
        );
      // Its retry: skipped (the live run covers it), not waited for and retried to the dead letters.
      expect(await job('salesforce', 60_000)).toMatchObject({ kind: 'skipped' });
      // The other connection waits its turn: retried.
      expect(await job('hubspot', 0)).toMatchObject({ kind: 'retry', code: 'RUN_IN_PROGRESS' });
    } finally {
      await first.release();
      await store.close();
      await stores.close();
    }
    expect(dupcos(w.sb), 'nothing written').toHaveLength(0);
  }, 120_000);
});
