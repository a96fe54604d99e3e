/**
 * `propsync worker` as a real child process: killed with SIGKILL mid-run, its job is retried
 * by another worker once it expires and nothing is duplicated or lost; stopped with SIGTERM,
 * it finishes the run in flight, takes nothing new and exits 0.
 */
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../fakes/shared/http-fake.js';
import { Redactor } from '../../src/core/redact.js';
import {
  createBoss,
  createEnqueuer,
  type Enqueuer,
  ensureQueues,
  type RunningWorker,
  SYNC_QUEUE,
  startBoss,
  startWorker,
} from '../../src/worker/index.js';
import { dropSchema } from '../state/pg-test-db.js';
import {
  type Child,
  crmKeys,
  type Farm,
  type FarmTenant,
  jobRows,
  quiet,
  startCliProcess,
  startFarm,
  TEST_DATABASE_URL,
  testSchemaName,
  waitFor,
} from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const CONTACTS = 30;

describe('worker processes', () => {
  let farm: Farm;
  const children: Child[] = [];
  const workers: RunningWorker[] = [];
  const lanes: Lane[] = [];

  /** A queue of its own (pg-boss schema) with a child worker on it, so the tests cannot take each other's jobs. */
  interface Lane {
    readonly schema: string;
    readonly boss: PgBoss;
    readonly enqueuer: Enqueuer;
    readonly child: Child;
  }
  async function lane(label: string, ...workerArgs: string[]): Promise<Lane> {
    const schema = testSchemaName(label);
    const boss = createBoss({ databaseUrl: TEST_DATABASE_URL, schema, supervise: false });
    await startBoss(boss, TEST_DATABASE_URL);
    await ensureQueues(boss);
    const child = startCliProcess([
      'worker',
      '--database',
      TEST_DATABASE_URL,
      '--queue-schema',
      schema,
      '--concurrency',
      '1',
      '--poll-interval',
      '0.5',
      ...workerArgs,
    ]);
    children.push(child);
    const l = {
      schema,
      boss,
      enqueuer: createEnqueuer(boss, { databaseUrl: TEST_DATABASE_URL, schema }),
      child,
    };
    lanes.push(l);
    return l;
  }
  let killed: Lane;
  let drained: Lane;

  beforeAll(async () => {
    // Slow enough (6 chunks, ~30 ms a call) that a run is still going when we signal it; Propstreet
    // unpaced, so that a whole run fits well inside a job's expiry even on a busy machine.
    farm = await startFarm({
      tenants: 3,
      contacts: CONTACTS,
      latencyMs: [20, 40],
      propstreetPerMinute: 60_000,
      connection: { chunkSize: 5 },
      label: 'proc',
    });
    // Both children start (tsx, pg-boss) while the other test runs.
    [killed, drained] = await Promise.all([
      lane('boss_kill', '--lock-ttl', '1', '--maintenance-interval', '1'),
      lane('boss_drain', '--shutdown-timeout', '15'),
    ]);
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await Promise.all(workers.map((w) => w.stop({ timeoutMs: 5000 })));
    for (const l of lanes) {
      await l.enqueuer.close();
      await l.boss.stop({ graceful: false });
      await dropSchema(l.schema);
    }
    await farm?.close();
  });

  const send = (l: Lane, t: FarmTenant, settings: Parameters<Enqueuer['enqueue']>[1] = {}) =>
    l.enqueuer.enqueue({ tenantFile: t.file, tenant: t.tenant, connection: 'hubspot' }, settings);
  const crmWrites = (t: FarmTenant) => t.sb.hubspot!.control.apiRequests().filter((r) => r.write).length;

  /**
   * Once the tenant's HubSpot fake has answered `n` writes, it never answers the next upsert:
   * the run stays mid-run, however fast or slow the machine, until the test kills it. Returns
   * whether that upsert has arrived, and a function that puts the log back.
   */
  function hangUpsertAfterWrites(t: FarmTenant, n: number) {
    const http = t.sb.hubspot!.http;
    const log = http.requests;
    let answered = 0;
    // The fake logs an answer just before sending it: the next upsert cannot have been picked yet.
    log.push = (...entries: RequestLogEntry[]) => {
      for (const e of entries)
        if (e.write && !e.fault && ++answered === n)
          http.faults.add({ kind: 'timeout', path: '/batch/upsert', times: 1 });
      return Array.prototype.push.apply(log, entries);
    };
    return {
      hanging: () => log.some((e) => e.fault === 'timeout'),
      restore: () => Reflect.deleteProperty(log, 'push'),
    };
  }
  const jobsOf = async (l: Lane, t: FarmTenant) =>
    (await jobRows(l.schema, SYNC_QUEUE)).filter((j) => j.singletonKey === `${t.tenant}/hubspot`);

  /** Every Propstreet contact is in the CRM once, linked once, and any ref points at its record. */
  async function expectSyncedOnce(t: FarmTenant) {
    expect(crmKeys(t, 'hubspot').sort()).toEqual([...t.propstreetIds].sort());
    const byPsId = new Map(t.sb.hubspot!.control.dump().map((c) => [c.properties.propstreet_id, c.id]));
    const scope = { tenant: t.tenant, connection: 'hubspot', kind: 'contacts' };
    const links = await (await farm.state()).linksByPropstreetIds(scope, t.propstreetIds);
    expect(links).toHaveLength(CONTACTS);
    for (const link of links) expect(link.crmId).toBe(byPsId.get(link.propstreetId));
    for (const id of t.propstreetIds) {
      const refs = t.sb.propstreet.contact(id)?.externalRefs.filter((r) => r.namespace === 'hubspot') ?? [];
      // A ref write-back cut off by the crash is written by the retried run.
      expect(refs).toHaveLength(1);
      for (const r of refs) expect(r.id).toBe(byPsId.get(id));
    }
  }

  it('retries the job of a worker killed mid-run on another worker, without duplicates', async () => {
    const t = farm.tenants[0]!;
    const child = killed.child;
    // The killed run's job is retried once it expires; the retried run must finish inside the
    // same expiry, or pg-boss retries it a second time.
    const sent = await send(killed, t, {
      expireInSeconds: 10,
      retryDelaySeconds: 1,
      retryBackoff: false,
      retryLimit: 3,
    });
    expect(sent.queued).toBe(true);
    const hang = hangUpsertAfterWrites(t, 2);
    await waitFor('the child to be mid-run (an upsert left unanswered)', hang.hanging, 120_000);
    child.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    hang.restore();
    // The retried run needs no slowness, only to finish inside the expiry.
    for (const f of [t.sb.propstreet.http, t.sb.hubspot!.http]) f.faults.setLatency(0);
    expect(crmWrites(t)).toBeGreaterThanOrEqual(2);
    expect(crmKeys(t, 'hubspot').length).toBeLessThan(CONTACTS);

    const other = await startWorker({
      redactor,
      databaseUrl: TEST_DATABASE_URL,
      queueSchema: killed.schema,
      concurrency: 1,
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
      logger: quiet,
    });
    workers.push(other);
    try {
      const [job] = await waitFor('the retried job to complete', async () => {
        const jobs = await jobsOf(killed, t);
        return jobs.length === 1 && jobs[0]!.state === 'completed' ? jobs : undefined;
      });
      expect(job!.retryCount).toBe(1);
      expect(job!.output).toMatchObject({ outcome: 'ok' });
      await expectSyncedOnce(t);
      const runs = await (await farm.state()).listRuns(
        { tenant: t.tenant, connection: 'hubspot', kind: 'contacts' },
        10,
      );
      expect(runs.map((r) => r.status).sort()).toEqual(['ok', 'running']);
    } finally {
      // The next test needs the child alone on the queue.
      expect(await other.stop()).toEqual({ drained: true });
      workers.splice(workers.indexOf(other), 1);
    }
  }, 180_000);

  it('drains on SIGTERM: the run in flight finishes, nothing new is taken, exit 0', async () => {
    const [, t, next] = farm.tenants;
    const child = drained.child;
    expect((await send(drained, t!)).queued).toBe(true);
    await waitFor('the child to be mid-run', () => crmWrites(t!) >= 1, 120_000);
    child.kill('SIGTERM');
    expect((await send(drained, next!)).queued).toBe(true);
    const exit = await child.exited;
    expect(exit, child.output()).toEqual({ code: 0, signal: null });
    expect(child.output()).toContain('worker stopped');

    const [job] = await jobsOf(drained, t!);
    expect(job).toMatchObject({ state: 'completed', retryCount: 0, output: { outcome: 'ok' } });
    await expectSyncedOnce(t!);
    // Queued after the signal: left for another worker.
    expect((await jobsOf(drained, next!)).map((j) => j.state)).toEqual(['created']);
    expect(crmWrites(next!)).toBe(0);
  }, 180_000);
});
