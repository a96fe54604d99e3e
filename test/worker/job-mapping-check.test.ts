/**
 * A worker reads the tenant file again for every job: a mapping override broken since the
 * worker started is refused before any kind writes, at its line, as `propsync run` refuses it.
 * Before 12-04 the companies kind wrote first and the job died at the contacts kind with no line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { runSyncJob } from '../../src/worker/sync-job.js';
import { createTenantStores } from '../../src/worker/tenant-stores.js';
import { type E2E, seedPropstreet, startE2E, writes } from '../e2e/support.js';

describe('a worker job whose contacts mappingOverrides has a typo', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('is refused before anything is written, naming file:line:col', async () => {
    const started = await startE2E(
      { salesforce: false },
      {
        tenant: 'acme',
        connection: {
          objects: ['companies', 'contacts'],
          mappingOverrides: { fields: { emial: { direction: 'to-crm' } } },
        },
      },
    );
    e = started;
    started.sb.propstreet.seedCompanies([{ name: 'Acme AB', domain: 'acme.se' }]);
    seedPropstreet(started.sb, 0, 2);
    const stores = createTenantStores({ poolSize: 1 });
    try {
      const outcome = await runSyncJob(
        { tenant: 'acme', connection: 'hubspot', tenantFile: started.config.file },
        {
          stores,
          logger: silentLogger,
          redactor: new Redactor(),
          lockTtlMs: 60_000,
          loadConfig: async () => started.config,
        },
      );
      expect(outcome).toMatchObject({ kind: 'dead-letter', code: 'MAPPING_INVALID' });
      expect(JSON.stringify(outcome)).toMatch(/acme\.yaml:\d+:\d+ .*emial/);
    } finally {
      await stores.close();
    }
    expect(writes(started.sb).hubspot).toBe(0);
    expect(writes(started.sb).propstreet).toBe(0);
  });

  it("runs, whatever another connection of the tenant has in its overrides (that is the other job's)", async () => {
    const started = await startE2E(
      {},
      {
        tenant: 'acme',
        connections: ['hubspot', 'salesforce'],
        salesforceConnection: { mappingOverrides: { fields: { emial: { direction: 'to-crm' } } } },
      },
    );
    e = started;
    seedPropstreet(started.sb, 0, 2);
    const stores = createTenantStores({ poolSize: 1 });
    const job = (connection: string) =>
      runSyncJob(
        { tenant: 'acme', connection, tenantFile: started.config.file },
        {
          stores,
          logger: silentLogger,
          redactor: new Redactor(),
          lockTtlMs: 60_000,
          loadConfig: async () => started.config,
        },
      );
    try {
      expect(await job('hubspot')).toMatchObject({ kind: 'done' });
      expect(writes(started.sb).hubspot).toBeGreaterThan(0);
      expect(await job('salesforce')).toMatchObject({ kind: 'dead-letter', code: 'MAPPING_INVALID' });
      expect(writes(started.sb).salesforce).toBe(0);
    } finally {
      await stores.close();
    }
  });
});
