/** Bad requests and bad payloads: each yields a specific, typed error naming where and what. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import {
  PayloadError,
  type PropsyncError,
  UnauthorizedError,
  ValidationError,
} from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { createPropstreetClient, type PropstreetClient } from '../../src/propstreet/client.js';
import { caught, clientFor, collect } from './helpers.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const LIST = '/api/v1/network/contacts';
let fake: PropstreetFake;
let client: PropstreetClient;

const contact = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  firstName: `C${id}`,
  createdUtc: '2025-01-01T00:00:00.0000000Z',
  updatedUtc: '2025-01-01T00:00:00.0000000Z',
  etag: 'W/"AAAAAAAAAAE="',
  ...extra,
});
const page = (data: unknown[], nextCursor: string | null, hasMore: boolean) => ({
  kind: 'status' as const,
  status: 200,
  method: 'GET',
  path: LIST,
  body: { data, page: { nextCursor, hasMore, pageSize: data.length } },
});

beforeAll(async () => {
  fake = await startPropstreetFake();
  client = clientFor(fake);
});

beforeEach(() => {
  fake.reset();
  fake.generate(5);
});

afterAll(async () => {
  await client.close();
  await fake.close();
});

describe('bad list parameters come back as ValidationError naming the field', () => {
  it.each([0, 501, -1, 1.5])('page_size %s', async (pageSize) => {
    const e = await caught(() => collect(client.listContacts({ pageSize })));
    expect(e).toBeInstanceOf(ValidationError);
    expect(Object.keys((e as ValidationError).fieldErrors)).toEqual(['page_size']);
    expect((e as ValidationError).request?.status).toBe(400);
  });

  it('an unknown cursor', async () => {
    const e = await caught(() => collect(client.listContacts({ cursor: 'bm90LWEtY3Vyc29y' })));
    expect((e as ValidationError).fieldErrors.cursor?.[0]).toMatch(/cursor/i);
  });

  it('an updated_since that is not a date', async () => {
    const e = await caught(() => collect(client.listContacts({ updatedSince: 'yesterday' })));
    expect(Object.keys((e as ValidationError).fieldErrors)).toEqual(['updated_since']);
  });
});

describe('bad payloads', () => {
  it('malformed JSON is a PayloadError at $', async () => {
    fake.http.faults.add({ kind: 'malformed', method: 'GET', path: LIST, times: 1 });
    const e = await caught(() => collect(client.listContacts()));
    expect(e).toBeInstanceOf(PayloadError);
    expect((e as PayloadError).jsonPath).toBe('$');
  });

  it('a broken envelope is a PayloadError naming the path', async () => {
    fake.http.faults.add({ ...page([], null, false), body: { data: 'nope', page: { hasMore: false } } });
    const e = await caught(() => collect(client.listContacts()));
    expect(e).toBeInstanceOf(PayloadError);
    expect((e as PayloadError).jsonPath).toBe('data');
  });

  it('an invalid item is isolated in page.invalid with its id and JSON path; the rest flows', async () => {
    fake.http.faults.add(
      page(
        [contact('1'), contact('2', { updatedUtc: 5 }), { firstName: 'no id' }, contact('4')],
        null,
        false,
      ),
    );
    const { pages } = await collect(client.listContacts());
    expect(pages).toHaveLength(1);
    expect(pages[0]?.contacts.map((c) => c.id)).toEqual(['1', '4']);
    expect(pages[0]?.invalid).toEqual([
      { id: '2', jsonPath: 'data[1].updatedUtc', message: expect.any(String) },
      { id: undefined, jsonPath: 'data[2].id', message: expect.any(String) },
    ]);
  });

  it('a cursor returned twice stops the walk with CURSOR_LOOP', async () => {
    fake.http.faults.add({ ...page([contact('1')], 'c1', true), times: 2 });
    const seen: number[] = [];
    const e = await caught(async () => {
      for await (const p of client.listContacts()) seen.push(p.contacts.length);
    });
    expect((e as PropsyncError).code).toBe('CURSOR_LOOP');
    expect(seen).toEqual([1]);
  });

  it('the cursor a walk resumed from counts as seen', async () => {
    fake.http.faults.add({ ...page([contact('1')], 'start', true), times: 1 });
    const e = await caught(() => collect(client.listContacts({ cursor: 'start' })));
    expect((e as PropsyncError).code).toBe('CURSOR_LOOP');
  });

  it('hasMore without a cursor is PAYLOAD_INVALID at page.nextCursor', async () => {
    fake.http.faults.add({ ...page([contact('1')], null, true), times: 1 });
    const e = await caught(() => collect(client.listContacts()));
    expect((e as PayloadError).code).toBe('PAYLOAD_INVALID');
    expect((e as PayloadError).jsonPath).toBe('page.nextCursor');
  });

  it('an invalid single contact is a PayloadError with the record id', async () => {
    fake.http.faults.add({
      kind: 'status',
      status: 200,
      method: 'GET',
      path: `${LIST}/7`,
      body: { id: '7' },
    });
    const e = await caught(() => client.getContact('7'));
    expect(e).toBeInstanceOf(PayloadError);
    expect((e as PayloadError).recordId).toBe('7');
    expect((e as PayloadError).jsonPath).toBe('createdUtc');
  });

  it('keeps the ETag header as etag when the body has none', async () => {
    const body = { ...contact('8'), etag: undefined };
    fake.http.faults.add({
      kind: 'status',
      status: 200,
      method: 'GET',
      path: `${LIST}/8`,
      body,
      headers: { ETag: 'W/"xyz="' },
    });
    expect((await client.getContact('8'))?.etag).toBe('W/"xyz="');
  });
});

describe('bad writes', () => {
  it.each([
    [{ email: 'not-an-email' }, 'email'],
    [{ firstName: 'T', tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }, 'tags'],
    [{ tags: ['no identifier'] }, 'contact'],
  ])('create %j names %s', async (body, field) => {
    const e = await caught(() => client.upsertByExternalRef('crm', 'new', body));
    expect(e).toBeInstanceOf(ValidationError);
    expect(Object.keys((e as ValidationError).fieldErrors)).toContain(field);
  });

  // Refs go in a PATCH: an upsert takes none but its own (UpsertContactRequest).
  it.each([
    [{ externalRefs: [{ namespace: 'x'.repeat(51), id: '1' }] }, 'externalRefs[0].namespace'],
    [{ externalRefs: [{ namespace: 'crm', id: 'y'.repeat(256) }] }, 'externalRefs[0].id'],
    [
      { externalRefs: Array.from({ length: 51 }, (_, i) => ({ namespace: 'crm', id: `${i}` })) },
      'externalRefs',
    ],
  ])('PATCH %j names %s', async (body, field) => {
    const id = fake.allContacts()[0]?.id ?? '';
    const e = await caught(() => client.patchContact(id, body, {}));
    expect(e).toBeInstanceOf(ValidationError);
    expect(Object.keys((e as ValidationError).fieldErrors)).toContain(field);
  });

  it('an unknown token is UnauthorizedError', async () => {
    const stranger = createPropstreetClient({
      redactor,
      baseUrl: fake.url,
      token: 'not-a-valid-token-at-all',
    });
    try {
      const e = await caught(() => stranger.getContact('1001'));
      expect(e).toBeInstanceOf(UnauthorizedError);
      expect((e as UnauthorizedError).request).toMatchObject({ method: 'GET', status: 401 });
    } finally {
      await stranger.close();
    }
  });
});
