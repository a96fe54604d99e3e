/** The fake itself: wire details the client tests lean on, the HTTP control API, and its speed. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PROPSTREET_FAKE_CLIENT,
  type PropstreetFake,
  startPropstreetFake,
} from '../../fakes/propstreet/index.js';
import { Redactor } from '../../src/core/redact.js';
import { createPropstreetClient } from '../../src/propstreet/client.js';
import { fetchClientCredentialsToken } from '../../src/propstreet/client-credentials.js';
import { clientFor, collect } from './helpers.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

let fake: PropstreetFake;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${fake.url}/api/v1/network/contacts${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${fake.token}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${fake.url}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
};

beforeAll(async () => {
  fake = await startPropstreetFake();
});

beforeEach(() => fake.reset());

afterAll(() => fake.close());

describe('wire details', () => {
  it('answers with RateLimit-* headers, Location and a weak ETag on create', async () => {
    const res = await api('', { method: 'POST', body: JSON.stringify({ firstName: 'W' }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; etag: string };
    expect(res.headers.get('location')).toBe(`/api/v1/network/contacts/${body.id}`);
    expect(res.headers.get('etag')).toBe(body.etag);
    expect(res.headers.get('ratelimit-limit')).toBe('600');
    expect(res.headers.get('ratelimit-remaining')).toBe('599');
    expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  });

  it('sends problem+json with type, title, status, detail, instance', async () => {
    const res = await api('?page_size=abc');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      type: expect.any(String),
      title: 'Validation Error',
      status: 400,
      detail: expect.any(String),
      instance: '/api/v1/network/contacts',
      errors: { page_size: [expect.any(String)] },
    });
    const missing = await fetch(`${fake.url}/api/v1/network/contacts`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { title: string }).title).toBe('Unauthorized');
  });

  it('answers 429 with Retry-After once a token has used its window', async () => {
    fake.setRateLimit(2, 60_000);
    await api('');
    await api('');
    const res = await api('');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
  });

  it("counts every token of one OAuth client in the client's window (the limit is the caller's)", async () => {
    fake.setRateLimit(3, 60_000);
    const token = async () => {
      const res = await fetch(`${fake.url}/openid/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: PROPSTREET_FAKE_CLIENT.clientId,
          client_secret: PROPSTREET_FAKE_CLIENT.clientSecret,
        }).toString(),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const call = (t: string) => api('', { headers: { authorization: `Bearer ${t}` } });
    const first = await token();
    expect((await call(first)).status).toBe(200);
    expect((await call(first)).status).toBe(200);
    // A fresh token of the same client starts no window of its own.
    const second = await token();
    const third = await call(second);
    expect(third.headers.get('ratelimit-remaining')).toBe('0');
    expect((await call(second)).status).toBe(429);
    // A configured token (a personal access token) is a caller of its own.
    expect((await api('')).status).toBe(200);
  });

  it('gives each writer its own opaque changeOrigin', async () => {
    fake.addToken('second-token-0123456789');
    const a = (await (await api('', { method: 'POST', body: '{"firstName":"A"}' })).json()) as {
      changeOrigin: string;
    };
    const b = (await (
      await api('', {
        method: 'POST',
        body: '{"firstName":"B"}',
        headers: { authorization: 'Bearer second-token-0123456789' },
      })
    ).json()) as { changeOrigin: string };
    expect(a.changeOrigin).toMatch(/^api:[0-9a-f]{12}$/);
    expect(b.changeOrigin).not.toBe(a.changeOrigin);
  });

  it('makes ties on purpose with a frozen clock, and pages through them', async () => {
    fake.setClock('2025-05-05T05:05:05Z');
    const client = clientFor(fake);
    try {
      for (let i = 0; i < 12; i++) await client.upsertByExternalRef('test', `t${i}`, { firstName: `T${i}` });
      const { contacts } = await collect(client.listContacts({ pageSize: 5 }));
      expect(new Set(contacts.map((c) => c.updatedUtc))).toEqual(new Set(['2025-05-05T05:05:05.0000000Z']));
      expect(contacts.map((c) => c.firstName)).toEqual(Array.from({ length: 12 }, (_, i) => `T${i}`));
    } finally {
      await client.close();
    }
  });

  it('issues bot tokens on POST /openid/token that the API then accepts', async () => {
    fake.seed([{ firstName: 'Bot' }]);
    const token = await fetchClientCredentialsToken(
      {
        tokenUrl: `${fake.url}/openid/token`,
        ...PROPSTREET_FAKE_CLIENT,
      },
      redactor,
    );
    const client = createPropstreetClient({ redactor, baseUrl: fake.url, token });
    try {
      expect((await collect(client.listContacts())).contacts.map((c) => c.firstName)).toEqual(['Bot']);
    } finally {
      await client.close();
    }
    await expect(
      fetchClientCredentialsToken(
        {
          tokenUrl: `${fake.url}/openid/token`,
          clientId: 'x',
          clientSecret: 'wrong-secret',
        },
        redactor,
      ),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('control over HTTP', () => {
  it('seeds, edits and deletes as a user, sets the clock, injects faults and shows the log', async () => {
    expect(
      (await control('POST', '/seed', { generate: { count: 3 }, contacts: [{ firstName: 'Z' }] })).body,
    ).toEqual({
      count: 4,
    });
    await control('POST', '/clock', { now: '2030-01-01T00:00:00Z' });
    const edited = (await control('POST', '/contacts/1001/edit', { lastName: 'Edited' })).body as Record<
      string,
      unknown
    >;
    expect(edited).toMatchObject({
      lastName: 'Edited',
      changeOrigin: 'ui:user',
      updatedUtc: '2030-01-01T00:00:00.0000000Z',
    });
    const deleted = (await control('POST', '/contacts/1002/delete')).body as Record<string, unknown>;
    expect(deleted).toMatchObject({ changeType: 'delete', deletedUtc: '2030-01-01T00:00:00.0000000Z' });
    expect(((await control('GET', '/contacts')).body as unknown[]).length).toBe(4);

    await control('POST', '/faults', {
      kind: 'status',
      status: 503,
      method: 'GET',
      pathRegex: '/contacts/\\d+$',
      times: 1,
    });
    expect((await api('/1001')).status).toBe(503);
    expect((await api('/1001')).status).toBe(200);
    const log = (await control('GET', '/requests')).body as { status: number; fault?: string }[];
    expect(log.map((r) => r.status)).toEqual([503, 200]);
    expect(fake.apiWriteCount()).toBe(0);
    expect((await control('POST', '/nope')).status).toBe(404);
  });
});

describe('scale', () => {
  it('seeds 100k contacts and pages through them at 500 a page', async () => {
    fake.generate(100_000, { tieGroup: 100, deletedEvery: 50 });
    fake.setRateLimit(1_000_000);
    const client = clientFor(fake);
    try {
      let n = 0;
      for await (const page of client.listContacts({ includeDeleted: true })) n += page.contacts.length;
      expect(n).toBe(100_000);
    } finally {
      await client.close();
    }
  });
});
