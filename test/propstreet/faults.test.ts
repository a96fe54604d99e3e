/** Faults on the wire: what is retried, what is not, and how waits follow the server. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import { PropsyncError, RateLimitedError } from '../../src/core/errors.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { caught, clientFor, collect, TestClock } from './helpers.js';

const CONTACTS = '/api/v1/network/contacts';
let fake: PropstreetFake;
let clock: TestClock;
let client: PropstreetClient;
let id: string;

beforeAll(async () => {
  fake = await startPropstreetFake({ rateLimit: { limit: 1_000_000 } });
});

afterAll(() => fake.close());

async function fresh(overrides: Parameters<typeof clientFor>[1] = {}): Promise<void> {
  fake.reset();
  clock = new TestClock();
  client = clientFor(fake, { clock, timeoutMs: 300, ...overrides });
  id = fake.seed([
    { firstName: 'Ada', email: 'ada@example.com', externalRefs: [{ namespace: 'hubspot', id: 'h1' }] },
  ])[0]?.id as string;
}

afterEach(async () => {
  await client.close();
});

const codeOf = (e: unknown) => (e instanceof PropsyncError ? e.code : String(e));

describe('idempotent calls recover from transient faults', () => {
  it.each([
    ['503 twice', { kind: 'status', status: 503, times: 2 }, 3],
    ['a timeout', { kind: 'timeout', times: 1 }, 2],
    ['a dropped connection', { kind: 'drop', times: 1 }, 2],
  ] as const)('GET survives %s', async (_name, rule, requests) => {
    await fresh();
    fake.http.faults.add({ ...rule, method: 'GET', path: `${CONTACTS}/` });
    const c = await client.getContact(id);
    expect(c?.firstName).toBe('Ada');
    expect(client.usage().calls.read).toBe(requests);
    expect(fake.apiRequests().length).toBe(requests);
  });

  it('a list walk survives a 502 in the middle', async () => {
    await fresh();
    fake.generate(30);
    fake.http.faults.add({ kind: 'status', status: 502, method: 'GET', path: CONTACTS, times: 1 });
    const { contacts } = await collect(client.listContacts({ pageSize: 10 }));
    expect(contacts.length).toBe(31);
  });

  it('an upsert whose answer was lost (write applied, socket dropped) is repeated safely', async () => {
    await fresh();
    fake.http.faults.add({ kind: 'drop-after', method: 'PATCH', path: '/external/', times: 1 });
    const r = await client.upsertByExternalRef('salesforce', '003A', { firstName: 'Bo' });
    expect(r.action).toBe('updated'); // the first, lost attempt created it
    expect(fake.allContacts().filter((c) => c.externalRefs.some((x) => x.id === '003A')).length).toBe(1);
    expect(client.usage().calls.write).toBe(2);
  });

  it('PATCH with If-Match is retried on 500, PATCH without it is not', async () => {
    await fresh();
    const etag = (await client.getContact(id))?.etag ?? undefined;
    fake.http.faults.add({ kind: 'status', status: 500, method: 'PATCH', times: 1 });
    await expect(client.patchContact(id, { lastName: 'L' }, { ifMatch: etag })).resolves.toMatchObject({
      lastName: 'L',
    });
    fake.http.faults.add({ kind: 'status', status: 500, method: 'PATCH', times: 1 });
    expect(codeOf(await caught(() => client.patchContact(id, { lastName: 'M' }, {})))).toBe('SERVER_ERROR');
    expect(fake.contact(id)?.lastName).toBe('L');
  });

  it('gives up after maxAttempts with SERVER_ERROR carrying method, path and status', async () => {
    await fresh();
    fake.http.faults.add({ kind: 'status', status: 503, method: 'GET' });
    const e = await caught(() => client.getContact(id));
    expect(e).toBeInstanceOf(PropsyncError);
    expect((e as PropsyncError).request).toEqual({ method: 'GET', path: `${CONTACTS}/${id}`, status: 503 });
    expect((e as PropsyncError).retryable).toBe(true);
    expect(client.usage().calls.read).toBe(4);
  });
});

describe('the caller can abort', () => {
  it('a walk aborted while a request hangs ends with the abort reason, not retried', async () => {
    // The request hangs until the walk is aborted: the client's own timeout must not come first.
    await fresh({ timeoutMs: 120_000 });
    fake.http.faults.add({ kind: 'timeout', method: 'GET', path: CONTACTS, times: 1 });
    const controller = new AbortController();
    const walk = caught(() => collect(client.listContacts({ signal: controller.signal })));
    await vi.waitFor(() => expect(fake.http.requests.some((r) => r.fault === 'timeout')).toBe(true), {
      timeout: 60_000,
      interval: 10,
    });
    controller.abort(new Error('stop'));
    const e = await walk;
    expect((e as Error).message).toBe('stop');
    expect(client.usage().calls.read).toBe(1);
  });
});

describe('a PATCH without If-Match is never repeated after it may have been applied', () => {
  it.each([
    ['500', { kind: 'status', status: 500 }, 'SERVER_ERROR', false],
    ['a timeout', { kind: 'timeout' }, 'TIMEOUT', false],
    ['a drop before the write', { kind: 'drop' }, 'NETWORK', false],
    ['a drop after the write', { kind: 'drop-after' }, 'NETWORK', true],
  ] as const)('%s gives a typed error after one request', async (_name, rule, code, applied) => {
    await fresh();
    fake.http.faults.add({ ...rule, method: 'PATCH', times: 1 });
    const e = await caught(() => client.patchContact(id, { lastName: 'New' }, {}));
    expect(codeOf(e)).toBe(code);
    expect(client.usage().calls.write).toBe(1);
    expect(fake.contact(id)?.lastName === 'New').toBe(applied);
  });

  it('a 429 on it is retried (the server did not apply it) after Retry-After', async () => {
    await fresh();
    fake.http.faults.add({
      kind: 'status',
      status: 429,
      method: 'PATCH',
      times: 1,
      headers: { 'Retry-After': '1' },
    });
    const c = await client.patchContact(id, { lastName: 'Late' }, {});
    expect(c.lastName).toBe('Late');
    expect(clock.sleeps).toContain(1000);
    expect(client.usage().calls.write).toBe(2);
  });
});

describe('rate limits', () => {
  it('honours Retry-After on 429 exactly', async () => {
    await fresh();
    fake.http.faults.add({
      kind: 'status',
      status: 429,
      method: 'GET',
      times: 1,
      headers: { 'Retry-After': '2' },
    });
    await client.getContact(id);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('raises RateLimitedError when the server asks for a wait longer than the policy allows', async () => {
    await fresh({ retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxServerWaitMs: 5_000 } });
    fake.http.faults.add({
      kind: 'status',
      status: 429,
      method: 'GET',
      times: 1,
      headers: { 'Retry-After': '3600' },
    });
    const e = await caught(() => client.getContact(id));
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBe(3_600_000);
  });

  it('waits for RateLimit-Reset when RateLimit-Remaining reaches 0, and never gets a 429', async () => {
    clock = new TestClock();
    const limited = await startPropstreetFake({
      rateLimit: { limit: 2, windowMs: 60_000 },
      rateNow: () => clock.ms,
    });
    const c = clientFor(limited, { clock });
    try {
      const [seeded] = limited.seed([{ firstName: 'R' }]);
      for (let i = 0; i < 5; i++) await c.getContact(seeded?.id ?? '');
      expect(limited.apiRequests().map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(clock.sleeps.filter((ms) => ms === 60_000).length).toBe(2);
    } finally {
      await c.close();
      await limited.close();
    }
  });

  it('counts requests in flight against RateLimit-Remaining: four at a time draw no 429', async () => {
    await fresh();
    clock = new TestClock();
    const limited = await startPropstreetFake({
      rateLimit: { limit: 5, windowMs: 60_000 },
      rateNow: () => clock.ms,
    });
    const c = clientFor(limited, { clock });
    try {
      const [seeded] = limited.seed([{ firstName: 'R' }]);
      const worker = async () => {
        for (let i = 0; i < 6; i++) await c.getContact(seeded?.id ?? '');
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      const statuses = limited.apiRequests().map((r) => r.status);
      expect(statuses.filter((s) => s === 429)).toEqual([]);
      expect(statuses).toHaveLength(24);
    } finally {
      await c.close();
      await limited.close();
    }
  });

  it('paces requests with the requests-per-minute ceiling', async () => {
    await fresh({ requestsPerMinute: 60, burst: 1 });
    for (let i = 0; i < 3; i++) await client.getContact(id);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it('lets one second of burst through at the default 600/min before pacing', async () => {
    await fresh({ requestsPerMinute: 600 });
    for (let i = 0; i < 12; i++) await client.getContact(id);
    expect(clock.sleeps.length).toBe(2);
    expect(clock.sleeps.every((ms) => ms === 100)).toBe(true);
  });
});
