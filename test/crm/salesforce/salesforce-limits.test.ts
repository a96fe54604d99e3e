import { afterEach, describe, expect, it } from 'vitest';
import type { UpsertInput } from '../../../src/crm/port.js';
import { type Harness, startHarness } from './harness.js';

function contacts(n: number, prefix: string): UpsertInput[] {
  return Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, properties: { LastName: `L${i}` } }));
}

describe('Salesforce session and API limits', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('refreshes an expired session through the OAuth token endpoint and repeats the call', async () => {
    h = await startHarness();
    const refreshed: string[] = [];
    const adapter = h.makeAdapter({ onTokenRefreshed: (t) => refreshed.push(t.accessToken) });
    h.fake.control.generate(3);
    h.fake.control.expireToken();

    const found = await adapter.readByKeys(['ps-000001']);
    expect(found).toHaveLength(1);
    expect(refreshed).toHaveLength(1);
    expect(h.fake.accessToken).toBe(refreshed[0]);
    const log = h.fake.http.requests.map(
      (r) => `${r.status} ${r.path.replace(/\/services\/data\/v62\.0/, '')}`,
    );
    expect(log).toEqual(['401 /query', '200 /services/oauth2/token', '200 /query']);
  });

  it('without a refresh token an expired session is UNAUTHORIZED', async () => {
    h = await startHarness();
    const adapter = h.makeAdapter({ refreshToken: undefined, clientId: undefined, clientSecret: undefined });
    h.fake.control.expireToken();
    await expect(adapter.readByIds(['003000000000001AAA'])).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('stops on 403 REQUEST_LIMIT_EXCEEDED and makes no further requests', async () => {
    h = await startHarness({ dailyLimit: 1000 });
    h.fake.control.setApiUsage({ used: 1000 });
    await expect(h.adapter.upsertByKey(contacts(3, 'limit'))).rejects.toMatchObject({
      code: 'DAILY_LIMIT',
      retryable: false,
    });
    const requests = h.fake.http.requests.length;
    await expect(h.adapter.readByKeys(['limit-0'])).rejects.toMatchObject({ code: 'DAILY_LIMIT' });
    expect(h.fake.http.requests.length).toBe(requests);
  });

  it('stops at dailyBudgetShare of the org limit, keeping the results of calls already made', async () => {
    h = await startHarness({ dailyLimit: 100 });
    h.fake.control.setApiUsage({ used: 77 });
    // 1,000 records = 5 calls; after the 3rd the org reports 80/100 = the 0.8 share.
    const results = await h.adapter.upsertByKey(contacts(1000, 'budget'));
    expect(results.slice(0, 600).every((r) => r.ok)).toBe(true);
    expect(results.slice(600).every((r) => !r.ok && r.error.code === 'rate-limited')).toBe(true);
    expect(results[999]).toMatchObject({
      ok: false,
      error: { crmCode: 'BUDGET_EXHAUSTED', retryable: true },
    });
    expect(h.fake.control.count()).toBe(600);

    const requests = h.fake.http.requests.length;
    const stop = h.adapter.readByKeys(['budget-1']);
    await expect(stop).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    await expect(stop).rejects.toThrow(/80 of its 100 daily API requests/);
    expect(h.fake.http.requests.length).toBe(requests);
    expect(h.adapter.usage()).toEqual({ calls: { write: 3 }, apiUsage: { used: 80, limit: 100 } });
  });

  it('reports the budget in check() before a run starts', async () => {
    h = await startHarness({ dailyLimit: 100 });
    h.fake.control.setApiUsage({ used: 90 });
    const check = await h.adapter.check();
    expect(check.ok).toBe(false);
    expect(check.checks.find((c) => c.name === 'api-budget')?.message).toMatch(/91% .* stops at 80%/);
  });
});
