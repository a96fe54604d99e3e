/**
 * Three workers (own pg-boss instance and pools each) and 50 tenants queued twice over:
 * every tenant's contacts land once, and no tenant+connection ever runs on two workers at
 * once — checked from the handlers' start/end, the state store's run log, and the fakes'
 * request logs (every CRM/Propstreet request of a tenant falls inside one of its runs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import type { Scope } from '../../src/state/port.js';
import {
  type QueueScheduler,
  type RunningWorker,
  SYNC_QUEUE,
  startQueueScheduler,
  startWorker,
} from '../../src/worker/index.js';
import { dropSchema } from '../state/pg-test-db.js';
import {
  crmKeys,
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

const TENANTS = 50;
const CONTACTS = 4;

describe('scale-out: 3 workers, 50 tenants', () => {
  const queueSchema = testSchemaName('boss');
  let farm: Farm;
  let scheduler: QueueScheduler;
  const workers: RunningWorker[] = [];
  const spans = new Map<string, { worker: string; start: number; end?: number }[]>();

  beforeAll(async () => {
    farm = await startFarm({ tenants: TENANTS, contacts: CONTACTS, bridgeEvery: 10, label: 'scale' });
    scheduler = await startQueueScheduler([], { databaseUrl: TEST_DATABASE_URL, queueSchema, logger: quiet });
    for (let i = 0; i < 3; i++)
      workers.push(
        await startWorker({
          redactor,
          databaseUrl: TEST_DATABASE_URL,
          queueSchema,
          concurrency: 1,
          pollingIntervalSeconds: 0.5,
          logger: quiet,
          onJob: (e) => {
            const key = `${e.data.tenant}/${e.data.connection}`;
            const list = spans.get(key) ?? [];
            if (e.type === 'start') list.push({ worker: e.workerId, start: performance.now() });
            else {
              const open = list.find((s) => s.worker === e.workerId && s.end === undefined);
              if (open) open.end = performance.now();
            }
            spans.set(key, list);
          },
        }),
      );
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop({ timeoutMs: 5000 })));
    await scheduler?.stop();
    await farm?.close();
    await dropSchema(queueSchema);
  });

  it('syncs every tenant, one run per tenant+connection at a time', async () => {
    const { loadTenantConfig } = await import('../../src/config/index.js');
    const configs = await Promise.all(farm.tenants.map((t) => loadTenantConfig(t.file, { redactor })));
    for (const c of configs) await scheduler.enqueueTenant(c);
    // A second round while the first runs: keys still queued are refused, finished ones run again.
    await waitFor('a first run to finish', () => [...spans.values()].flat().some((s) => s.end !== undefined));
    for (const c of configs) await scheduler.enqueueTenant(c);

    await waitFor(
      'the queue to drain',
      async () => {
        const rows = await jobRows(queueSchema, SYNC_QUEUE);
        return rows.every((j) => j.state === 'completed') && workers.every((w) => w.inFlight() === 0);
      },
      120_000,
      200,
    );

    const jobs = await jobRows(queueSchema, SYNC_QUEUE);
    const scopes = farm.tenants.flatMap((t) =>
      t.connections.map((connection) => ({ tenant: t.tenant, connection })),
    );
    expect(jobs.length).toBeGreaterThanOrEqual(scopes.length);
    expect(new Set(jobs.map((j) => j.singletonKey))).toEqual(
      new Set(scopes.map((s) => `${s.tenant}/${s.connection}`)),
    );
    // Work was spread over all three workers.
    const byWorker = new Set([...spans.values()].flat().map((s) => s.worker));
    expect(byWorker.size).toBe(3);

    // Handlers: per key, each run starts after the previous one ended.
    for (const [key, list] of spans) {
      const sorted = [...list].sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i]!.start, `${key} ran twice at once`).toBeGreaterThanOrEqual(
          sorted[i - 1]!.end ?? Infinity,
        );
    }

    const store = await farm.state();
    for (const t of farm.tenants) {
      for (const connection of t.connections) {
        const scope: Scope = { tenant: t.tenant, connection, kind: 'contacts' };
        // Every Propstreet contact is in the CRM exactly once, and linked.
        expect(crmKeys(t, connection).sort(), `${t.tenant}/${connection}`).toEqual(
          [...t.propstreetIds].sort(),
        );
        expect(await store.countLinks(scope)).toBe(CONTACTS);

        // The run log: real runs only, all fine, none overlapping.
        const runs = (await store.listRuns(scope, 100))
          .map((r) => ({
            status: r.status,
            start: Date.parse(r.startedAt),
            end: Date.parse(r.finishedAt ?? ''),
          }))
          .sort((a, b) => a.start - b.start);
        expect(runs.length).toBeGreaterThanOrEqual(1);
        for (const r of runs) expect(r.status).toBe('ok');
        for (let i = 1; i < runs.length; i++) expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.end);

        // The CRM fake's log belongs to this connection alone: each request inside one run.
        const crmLog =
          connection === 'hubspot'
            ? t.sb.hubspot!.control.apiRequests()
            : t.sb.salesforce!.http.requests.filter((r) => r.path.startsWith('/services/data'));
        expect(crmLog.length).toBeGreaterThan(0);
        for (const req of crmLog)
          expect(
            runs.filter((r) => req.at >= r.start && req.at <= r.end).length,
            `${t.tenant}/${connection} ${req.method} ${req.path} outside its runs`,
          ).toBe(1);
      }
      // Propstreet: only this tenant's token, and (single-connection tenants) only inside its runs.
      const psLog = t.sb.propstreet.apiRequests();
      expect(new Set(psLog.map((r) => r.tokenHint))).toEqual(new Set([t.tokenHint]));
      if (t.connections.length === 1) {
        const runs = (
          await store.listRuns({ tenant: t.tenant, connection: 'hubspot', kind: 'contacts' }, 100)
        ).map((r) => ({
          start: Date.parse(r.startedAt),
          end: Date.parse(r.finishedAt ?? ''),
        }));
        const listStarts = psLog.filter(
          (r) => r.method === 'GET' && r.path === '/api/v1/network/contacts' && !r.query.includes('cursor'),
        );
        expect(listStarts.length).toBe(runs.length);
        for (const req of psLog)
          expect(runs.filter((r) => req.at >= r.start && req.at <= r.end).length).toBe(1);
      } else {
        // A bridge's connections took turns (the tenant lock), though queued together.
        const runs = (
          await Promise.all(
            t.connections.map((connection) =>
              store.listRuns({ tenant: t.tenant, connection, kind: 'contacts' }, 100),
            ),
          )
        )
          .flat()
          .map((r) => ({ start: Date.parse(r.startedAt), end: Date.parse(r.finishedAt ?? '') }))
          .sort((a, b) => a.start - b.start);
        expect(runs.length).toBeGreaterThanOrEqual(t.connections.length);
        for (let i = 1; i < runs.length; i++)
          expect(runs[i]!.start, `${t.tenant}: its connections ran at once`).toBeGreaterThanOrEqual(
            runs[i - 1]!.end,
          );
      }
    }
  });
});
