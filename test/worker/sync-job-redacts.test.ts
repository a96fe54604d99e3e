/**
 * A queued job's outcome is stored by pg-boss (job output, dead-letter queue): its error text
 * is scrubbed with the worker's redactor, like everything else the worker lets out.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PropsyncError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { runSyncJob } from '../../src/worker/sync-job.js';
import { createTenantStores } from '../../src/worker/tenant-stores.js';

const stores = createTenantStores({ poolSize: 1 });
afterAll(() => stores.close());

describe('runSyncJob', () => {
  it("scrubs a failure's message with the redactor it is given", async () => {
    const redactor = new Redactor();
    const secret = 'sf-session-token-that-must-not-be-stored-77';
    redactor.register(secret);
    const outcome = await runSyncJob(
      { tenantFile: '/nowhere/acme.yaml', tenant: 'acme', connection: 'salesforce' },
      {
        stores,
        logger: silentLogger,
        redactor,
        lockTtlMs: 60_000,
        loadConfig: async () => {
          throw new PropsyncError('CONFIG_INVALID', `the server said: Bearer ${secret}`);
        },
      },
    );
    expect(outcome).toEqual({
      kind: 'dead-letter',
      code: 'CONFIG_INVALID',
      message: 'the server said: Bearer [REDACTED]',
    });
  });
});
