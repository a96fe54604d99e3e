import { afterEach, describe, expect, it } from 'vitest';
import { errorBody, rateLimitBody } from '../../../fakes/hubspot/fake-errors.js';
import { type HubSpotFake, startHubSpotFake } from '../../../fakes/hubspot/hubspot-fake.js';
import type { Clock } from '../../../src/core/clock.js';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter, type HubSpotLimits } from '../../../src/crm/hubspot/hubspot-adapter.js';
import type { CrmAdapter } from '../../../src/crm/port.js';
import { FAST, KEY, MAPPED } from './hubspot-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const QUICK_RETRY = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20, maxServerWaitMs: 60_000 };
const input = (i: number) => ({ key: `ps-${i}`, properties: { email: `r${i}@limits.example.com` } });

describe('HubSpot rate limits, retries and failures', () => {
  let fake: HubSpotFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function start(options = FAST, limits: HubSpotLimits = {}, clock?: Clock): Promise<CrmAdapter> {
    fake = await startHubSpotFake({ ...options, customProperties: [{ name: KEY, hasUniqueValue: true }] });
    return createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-limits-token-0001',
      basePath: fake.url,
      properties: MAPPED,
      ...(clock ? { clock } : {}),
      limits: { requestsPerInterval: 10_000, searchPerSecond: 10_000, retry: QUICK_RETRY, ...limits },
    });
  }
  const log = () => fake?.control.apiRequests() ?? [];

  it('waits out a ten-secondly 429 for the interval HubSpot reports, then succeeds', async () => {
    // Virtual time: every wait is recorded and moves the clock on at once.
    let now = Date.now();
    const waits: number[] = [];
    const clock: Clock = {
      now: () => new Date(now),
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    };
    const adapter = await start(FAST, {}, clock);
    fake?.http.faults.add({
      kind: 'status',
      status: 429,
      path: '/batch/upsert',
      times: 1,
      body: rateLimitBody('TEN_SECONDLY_ROLLING'),
      headers: { 'X-HubSpot-RateLimit-Interval-Milliseconds': '300', 'X-HubSpot-RateLimit-Remaining': '0' },
    });
    const results = await adapter.upsertByKey([input(1)]);
    expect(results[0]?.ok).toBe(true);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(300);
    expect(log().map((r) => r.status)).toEqual([429, 200]);
    expect(adapter.usage().calls.write).toBe(2);
  });

  it('counts a call until it ends, so calls that arrive late draw no 429 (search at 5 per second)', async () => {
    const adapter = await start({ ...FAST, searchPerSecond: 5 }, { searchPerSecond: 5 });
    // Each answer comes 0–400 ms late: an early call may reach HubSpot after a later one.
    fake?.http.faults.setLatency(0, 400);
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => adapter.findByMatch('email', [`late${i}@x.example.com`])),
    );
    const searches = log().filter((r) => r.path.endsWith('/search'));
    expect(searches).toHaveLength(16);
    expect(searches.filter((r) => r.status === 429)).toEqual([]);
  });

  it('recovers from a real ten-secondly 429 when another client used up the interval', async () => {
    // 2 s, not less: the five calls and the upsert must land in one window of real time, on a busy machine too.
    const adapter = await start({ rateLimit: { max: 5, intervalMs: 2_000 }, searchPerSecond: 100 });
    for (let i = 0; i < 5; i++)
      await fetch(`${fake?.url}/crm/v3/objects/contacts?limit=1`, {
        headers: { authorization: 'Bearer other-client-9999' },
      });
    expect((await adapter.upsertByKey([input(1)]))[0]?.ok).toBe(true);
    // The fake counts its window in real time: the retry passed because the client waited it out.
    expect(
      log()
        .filter((r) => r.path.endsWith('/batch/upsert'))
        .map((r) => r.status),
    ).toEqual([429, 200]);
  });

  it('paces itself to the limit the headers announce, without hitting 429', async () => {
    const adapter = await start(
      { rateLimit: { max: 4, intervalMs: 300 }, searchPerSecond: 100 },
      { requestsPerInterval: 190 },
    );
    await adapter.readByIds(Array.from({ length: 1_000 }, (_, i) => String(1_000 + i)));
    expect(log()).toHaveLength(10);
    // 10 calls at 4 per 300 ms, counted by the fake in real time: no 429 means the client paced itself.
    expect(log().every((r) => r.status === 207 || r.status === 200)).toBe(true);
  });

  it('stops on the daily limit with a clear DAILY_LIMIT error, without retrying', async () => {
    const adapter = await start();
    fake?.control.exhaustDailyLimit();
    const error = await adapter.upsertByKey([input(1)]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DAILY_LIMIT', retryable: false });
    expect(String((error as Error).message)).toMatch(/daily API limit/);
    expect(log()).toHaveLength(1);
  });

  it('retries 5xx answers, including ones without a readable body', async () => {
    const adapter = await start();
    fake?.http.faults.add({
      kind: 'status',
      status: 503,
      path: '/batch/upsert',
      times: 1,
      body: errorBody('INTERNAL_ERROR', 'oops'),
    });
    expect((await adapter.upsertByKey([input(1)]))[0]?.ok).toBe(true);
    // A fault rule fires on every request it matches, so the second one is added afterwards.
    fake?.http.faults.add({ kind: 'status', status: 502, path: '/batch/upsert', times: 1 });
    expect((await adapter.upsertByKey([input(2)]))[0]?.ok).toBe(true);
    expect(log().map((r) => r.status)).toEqual([503, 200, 502, 200]);
    expect(adapter.usage().calls.write).toBe(4);
  });

  it('waits at least 2 s on 423 Locked', async () => {
    const waits: number[] = [];
    const clock: Clock = { now: () => new Date(), sleep: async (ms) => void waits.push(ms) };
    const adapter = await start(FAST, {}, clock);
    fake?.http.faults.add({
      kind: 'status',
      status: 423,
      path: '/batch/upsert',
      times: 1,
      body: errorBody('LOCKED', 'locked'),
    });
    expect((await adapter.upsertByKey([input(1)]))[0]?.ok).toBe(true);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(2_000);
  });

  it('keeps search under its own per-second limit, and recovers from a secondly 429', async () => {
    const adapter = await start({ ...FAST, searchPerSecond: 3 }, { searchPerSecond: 3 });
    for (let i = 0; i < 7; i++) await adapter.findByMatch('email', [`r${i}@limits.example.com`]);
    // The fake allows 3 searches a second (real time): no 429 in 7 means the client paced them.
    expect(log().every((r) => r.status === 200)).toBe(true);

    const eager = createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-limits-token-0002',
      basePath: fake?.url ?? '',
      properties: MAPPED,
      limits: { searchPerSecond: 50, retry: QUICK_RETRY },
    });
    fake?.control.resetRateLimits();
    // All at once: one after another, a stalled machine could spread them over more than a second.
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => eager.findByMatch('email', [`r${i}@limits.example.com`])),
    );
    const eagerLog = log().filter((r) => r.tokenHint === '0002');
    expect(eagerLog.some((r) => r.status === 429)).toBe(true);
    expect(eager.usage().calls.search).toBe(eagerLog.length);
  });

  it('gives up on a request that never answers and retries it', async () => {
    // Long enough that the answered retry never times out too on a busy machine.
    const adapter = await start(FAST, { requestTimeoutMs: 1_000 });
    fake?.http.faults.add({ kind: 'timeout', path: '/batch/read', times: 1 });
    const [id] = fake?.control.seed([{ properties: { email: 'slow@limits.example.com' } }]) ?? [];
    const found = await adapter.readByIds([id ?? '']);
    expect(found.map((r) => r.id)).toEqual([id]);
    expect(adapter.usage().calls.read).toBe(2);
  });

  it('reports a rejected token as UNAUTHORIZED, without retrying', async () => {
    const adapter = await start();
    fake?.control.acceptTokens(['another-token']);
    await expect(adapter.upsertByKey([input(1)])).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(log()).toHaveLength(1);
    const check = await adapter.check();
    expect(check.ok).toBe(false);
    expect(check.checks[0]).toMatchObject({ name: 'credentials', ok: false });
  });
});
