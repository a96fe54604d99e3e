/**
 * A job runs every object kind of its connection: its metrics carry each kind as `object`,
 * and a job that ran no kind (skipped, failed before a run) counts once with an empty one.
 */
import { describe, expect, it } from 'vitest';
import { createWorkerMetrics } from '../../src/worker/worker-metrics.js';
import { aResult, counts } from '../report/builders.js';

const job = { tenant: 'acme', connection: 'hubspot' };

describe('worker metrics per object kind', () => {
  it('counts runs, records and the last success per kind', async () => {
    const metrics = createWorkerMetrics();
    const companies = aResult({
      kind: 'companies',
      dryRun: false,
      done: counts({ create: { propstreet: 0, crm: 4 } }),
      finishedAt: '2025-06-01T12:00:05.000Z',
    });
    const contacts = aResult({
      kind: 'contacts',
      dryRun: false,
      status: 'partial',
      done: counts({ link: 2 }),
    });
    metrics.recordJob(job, { kind: 'done', results: [companies, contacts] }, 1.5);
    const text = await metrics.registry.render();
    const scope = (object: string) => `tenant="acme",connection="hubspot",object="${object}"`;
    expect(text).toContain(`propsync_runs_total{${scope('companies')},status="ok"} 1`);
    expect(text).toContain(`propsync_runs_total{${scope('contacts')},status="partial"} 1`);
    expect(text).toContain(
      `propsync_records_total{${scope('companies')},operation="create-crm",outcome="ok"} 4`,
    );
    expect(text).toContain(`propsync_records_total{${scope('contacts')},operation="link",outcome="ok"} 2`);
    expect(text).toContain(
      `propsync_last_success_timestamp_seconds{${scope('companies')}} ${Date.parse(companies.finishedAt) / 1000}`,
    );
    expect(text).toContain('propsync_jobs_total{outcome="completed"} 1');
  });

  it('a skipped job counts once, for no kind', async () => {
    const metrics = createWorkerMetrics();
    metrics.recordJob(job, { kind: 'skipped', reason: 'locked' }, 0.1);
    const text = await metrics.registry.render();
    expect(text).toContain(
      'propsync_runs_total{tenant="acme",connection="hubspot",object="",status="skipped"} 1',
    );
  });
});
