/** The Prometheus text format, and a worker's /metrics and /healthz after a real run. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import {
  createBoss,
  createEnqueuer,
  type Enqueuer,
  ensureQueues,
  type RunningWorker,
  SYNC_QUEUE,
  startBoss,
  startMetricsServer,
  startWorker,
} from '../../src/worker/index.js';
import { Counter, Gauge, Histogram, Registry } from '../../src/worker/prometheus.js';
import { createWorkerMetrics } from '../../src/worker/worker-metrics.js';
import { dropSchema } from '../state/pg-test-db.js';
import {
  type Farm,
  jobRows,
  quiet,
  startFarm,
  TEST_DATABASE_URL,
  testSchemaName,
  waitFor,
} from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('worker metrics of a job', () => {
  it('report the ref write-backs a run left queued, per kind, as the last run said', async () => {
    const metrics = createWorkerMetrics();
    const result = (refWriteBacks?: { pending: number; failing: number }) =>
      ({
        ...runResult('contacts'),
        ...(refWriteBacks ? { refWriteBacks } : {}),
      }) as ConnectionResult;
    const job = { tenant: 'acme', connection: 'hubspot' };
    metrics.recordJob(job, { kind: 'done', results: [result({ pending: 40, failing: 3 })] }, 1);
    const scope = 'tenant="acme",connection="hubspot",object="contacts"';
    let text = await metrics.registry.render();
    expect(text).toContain(`propsync_ref_writebacks_pending{${scope}} 40`);
    expect(text).toContain(`propsync_ref_writebacks_failing{${scope}} 3`);
    metrics.recordJob(job, { kind: 'done', results: [result({ pending: 0, failing: 0 })] }, 1);
    // A dry run's result says nothing of the outbox: the last real figure stays.
    metrics.recordJob(job, { kind: 'done', results: [result()] }, 1);
    text = await metrics.registry.render();
    expect(text).toContain(`propsync_ref_writebacks_pending{${scope}} 0`);
  });

  it("count a job waiting for a bridge's other connection as skipped, a failed one as an error", async () => {
    const metrics = createWorkerMetrics();
    const job = { tenant: 'acme', connection: 'salesforce' };
    const busy = 'another run of tenant acme is in progress';
    metrics.recordJob(job, { kind: 'retry', code: 'RUN_IN_PROGRESS', message: busy }, 120);
    metrics.recordJob(job, { kind: 'retry', code: 'NETWORK', message: 'socket hang up' }, 1);
    const text = await metrics.registry.render();
    const runs = (status: string) =>
      `propsync_runs_total{tenant="acme",connection="salesforce",object="",status="${status}"} 1`;
    expect(text).toContain(runs('skipped'));
    expect(text).toContain(runs('error'));
    expect(text).toContain('propsync_jobs_total{outcome="retry"} 2');
  });
});

/** A finished run of `kind` with nothing done (the counters this file does not look at). */
function runResult(kind: string): ConnectionResult {
  const none = {
    create: { crm: 0, propstreet: 0 },
    update: { crm: 0, propstreet: 0 },
    delete: { crm: 0, propstreet: 0 },
    link: 0,
    unlink: 0,
  };
  return {
    tenant: 'acme',
    connection: 'hubspot',
    kind,
    crm: 'hubspot',
    dryRun: false,
    status: 'ok',
    pulled: { propstreet: 0, crm: 0 },
    planned: none,
    done: none,
    conflicts: [],
    failures: [],
    notices: [],
    invalid: [],
    calls: { propstreet: {}, crm: {} },
    startedAt: '2026-12-03T10:00:00.000Z',
    finishedAt: '2026-12-03T10:00:01.000Z',
  } as unknown as ConnectionResult;
}

describe('Prometheus text exposition', () => {
  it('renders counters, gauges and histograms with escaped labels', async () => {
    const registry = new Registry();
    const c = registry.register(new Counter('x_total', 'Things.\nCounted.', ['a']));
    const g = registry.register(new Gauge('depth', 'Depth.', [], async () => 7));
    const h = registry.register(new Histogram('took_seconds', 'Time.', [1, 5]));
    c.inc({ a: 'q"u\\o\nte' }, 2);
    c.inc({ a: 'q"u\\o\nte' });
    h.observe({}, 0.5);
    h.observe({}, 3);
    h.observe({}, 9);
    expect(g.name).toBe('depth');
    expect(await registry.render()).toBe(
      [
        '# HELP x_total Things.\\nCounted.',
        '# TYPE x_total counter',
        'x_total{a="q\\"u\\\\o\\nte"} 3',
        '# HELP depth Depth.',
        '# TYPE depth gauge',
        'depth 7',
        '# HELP took_seconds Time.',
        '# TYPE took_seconds histogram',
        'took_seconds_bucket{le="1"} 1',
        'took_seconds_bucket{le="5"} 2',
        'took_seconds_bucket{le="+Inf"} 3',
        'took_seconds_sum 12.5',
        'took_seconds_count 3',
        '',
      ].join('\n'),
    );
  });

  it('answers 503 on /healthz when the worker is not healthy, 404 elsewhere', async () => {
    const server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry: new Registry(),
      healthy: async () => {
        throw new Error('database down');
      },
    });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('worker /metrics and /healthz', () => {
  const queueSchema = testSchemaName('boss');
  let farm: Farm;
  let boss: ReturnType<typeof createBoss>;
  let enqueuer: Enqueuer;
  let worker: RunningWorker;

  beforeAll(async () => {
    farm = await startFarm({ tenants: 1, contacts: 3, label: 'metrics' });
    boss = createBoss({ databaseUrl: TEST_DATABASE_URL, schema: queueSchema, supervise: false });
    await startBoss(boss, TEST_DATABASE_URL);
    await ensureQueues(boss);
    enqueuer = createEnqueuer(boss, { databaseUrl: TEST_DATABASE_URL, schema: queueSchema });
    worker = await startWorker({
      redactor,
      databaseUrl: TEST_DATABASE_URL,
      queueSchema,
      concurrency: 1,
      pollingIntervalSeconds: 0.5,
      metricsPort: 0,
      metricsHost: '127.0.0.1',
      logger: quiet,
    });
  });

  afterAll(async () => {
    await worker?.stop({ timeoutMs: 5000 });
    await enqueuer?.close();
    await boss?.stop({ graceful: false });
    await farm?.close();
    await dropSchema(queueSchema);
  });

  it('exposes the run, record, call, duration, queue and lag series after a run', async () => {
    const t = farm.tenants[0]!;
    const before = Date.now() / 1000;
    await enqueuer.enqueue({ tenantFile: t.file, tenant: t.tenant, connection: 'hubspot' });
    await waitFor('the job to complete', async () =>
      (await jobRows(queueSchema, SYNC_QUEUE)).some((j) => j.state === 'completed'),
    );
    const res = await fetch(`${worker.metricsUrl}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    const scope = 'tenant="t000",connection="hubspot",object="contacts"';
    expect(text).toContain(`propsync_runs_total{${scope},status="ok"} 1`);
    expect(text).toContain(`propsync_records_total{${scope},operation="create-crm",outcome="ok"} 3`);
    expect(text).toMatch(/propsync_api_calls_total\{api="hubspot",kind="write"\} [1-9]/);
    expect(text).toMatch(/propsync_api_calls_total\{api="propstreet",kind="read"\} [1-9]/);
    expect(text).toContain('propsync_run_duration_seconds_count 1');
    expect(text).toContain('propsync_jobs_total{outcome="completed"} 1');
    expect(text).toContain('propsync_queue_depth 0');
    // The run wrote its three refs before it ended: nothing left queued.
    expect(text).toContain(`propsync_ref_writebacks_pending{${scope}} 0`);
    expect(text).toContain(`propsync_ref_writebacks_failing{${scope}} 0`);
    const lastSuccess = Number(/propsync_last_success_timestamp_seconds\{[^}]*\} (\S+)/.exec(text)?.[1]);
    expect(lastSuccess).toBeGreaterThanOrEqual(Math.floor(before));
    expect(lastSuccess).toBeLessThanOrEqual(Date.now() / 1000);

    const health = await fetch(`${worker.metricsUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});
