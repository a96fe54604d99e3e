/** `propsync schedule <dir> --queue`: each cron tick queues one job per tenant+connection, never a second. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_QUEUE } from '../../src/worker/index.js';
import { runCli as cli } from '../cli/run-cli.js';
import { dropSchema } from '../state/pg-test-db.js';
import { type Farm, jobRows, startFarm, TEST_DATABASE_URL, testSchemaName } from './support.js';

describe('schedule --queue', () => {
  const queueSchema = testSchemaName('boss');
  let farm: Farm;

  beforeAll(async () => {
    // Every second; tenant t000 is a bridge (HubSpot and Salesforce).
    farm = await startFarm({
      tenants: 2,
      contacts: 1,
      bridgeEvery: 2,
      schedule: '* * * * * *',
      label: 'sched',
    });
  });
  afterAll(async () => {
    await farm?.close();
    await dropSchema(queueSchema);
  });

  it('queues one job per tenant+connection and refuses more while it waits', async () => {
    const args = [
      'schedule',
      farm.dir,
      '--queue',
      '--database',
      TEST_DATABASE_URL,
      '--queue-schema',
      queueSchema,
    ];
    const res = await cli([...args, '--stop-after', '2.2']);
    expect(res.code, res.stderr).toBe(0);
    const jobs = await jobRows(queueSchema, SYNC_QUEUE);
    expect(jobs.map((j) => `${j.singletonKey} ${j.state}`).sort()).toEqual([
      't000/hubspot created',
      't000/salesforce created',
      't001/hubspot created',
    ]);
    // Later ticks found the jobs still queued (no worker runs here).
    expect(res.stderr).toContain('still queued or running');
    // Nothing ran in the scheduler itself.
    expect(farm.tenants.every((t) => t.sb.propstreet.apiRequests().length === 0)).toBe(true);
  });

  it('needs a database', async () => {
    const res = await cli(['schedule', farm.dir, '--queue', '--stop-after', '1']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('give --database <url> or set PROPSYNC_DATABASE_URL');
  });
});
