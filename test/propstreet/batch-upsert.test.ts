/**
 * The batch upsert of contacts by external ref: the fake serves it at the guessed path as the
 * models document it, and the client sends it (≤ 100 items a call, results in order, per-item
 * failures as typed errors, 404/405 → null from then on).
 */
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_UPSERT_PATH, type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import { ConflictError, ValidationError } from '../../src/core/errors.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { clientFor } from './helpers.js';

let fake: PropstreetFake;

interface ItemJson {
  status: number;
  id: string;
  etag: string | null;
  action: string | null;
  errors: { field: string | null; message: string }[] | null;
  clientRef: string | null;
}
/** A BatchUpsertResult, or a problem (`errors` by field). */
interface Answer {
  results: ItemJson[];
  summary: Record<string, number>;
  errors: Record<string, string[]>;
}

const post = async (body: unknown) => {
  const res = await fetch(`${fake.url}${BATCH_UPSERT_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Answer };
};
const item = (externalId: string, data: Record<string, unknown>, clientRef?: string) => ({
  externalId,
  data,
  ...(clientRef ? { clientRef } : {}),
});
const holders = (id: string) =>
  fake.allContacts().filter((c) => c.externalRefs.some((r) => r.namespace === 'hubspot' && r.id === id));

beforeAll(async () => {
  fake = await startPropstreetFake();
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

describe('the fake batch upsert (BatchUpsertContactsRequest → BatchUpsertResult)', () => {
  it('answers per item in request order, with clientRef, action, id, etag and a summary', async () => {
    const [old] = fake.seed([
      { firstName: 'Old', email: 'old@x.se', externalRefs: [{ namespace: 'hubspot', id: '2' }] },
    ]);
    const [gone] = fake.seed([{ firstName: 'Gone', externalRefs: [{ namespace: 'hubspot', id: '3' }] }]);
    fake.deleteAsUser(gone!.id);
    const res = await post({
      namespace: 'hubspot',
      items: [
        item('1', { firstName: 'New', phones: [{ number: '+46701234567', type: 'mobile' }] }, 'a'),
        item('2', { lastName: 'Updated' }, 'b'),
        item('3', { lastName: 'Revived' }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: ItemJson) => [r.status, r.action, r.clientRef, r.errors])).toEqual([
      [201, 'created', 'a', null],
      [200, 'updated', 'b', null],
      [200, 'revived', null, null],
    ]);
    expect(res.body.results[1]?.id).toBe(old!.id);
    expect(res.body.results[2]?.id).toBe(gone!.id);
    for (const r of res.body.results) expect(r.etag).toBe(fake.contact(r.id)?.etag);
    expect(res.body.summary).toEqual({ total: 3, created: 1, updated: 1, revived: 1, failed: 0 });
    // The list fills the primary, as the single upsert does.
    expect(fake.contact(res.body.results[0]?.id ?? '')).toMatchObject({
      phone: '+46701234567',
      firstName: 'New',
    });
    expect(fake.contact(old!.id)).toMatchObject({ firstName: 'Old', lastName: 'Updated' });
  });

  it('applies an item exactly as the single PATCH upsert by external ref does', async () => {
    const data = {
      firstName: 'Same',
      email: 'same@x.se',
      phones: [{ number: '+46 70 123 45 67', type: 'work' }],
    };
    await post({ namespace: 'hubspot', items: [item('b1', data)] });
    const single = await fetch(`${fake.url}/api/v1/network/contacts/external/hubspot/s1`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...data, email: 'same2@x.se' }),
    });
    expect(single.status).toBe(201);
    const pick = (id: string) => {
      const c = holders(id)[0];
      return {
        ...c,
        id: undefined,
        uri: undefined,
        etag: undefined,
        email: undefined,
        emails: undefined,
        externalRefs: undefined,
        createdUtc: undefined,
        updatedUtc: undefined,
      };
    };
    expect(pick('b1')).toEqual(pick('s1'));
  });

  it('match=email adds the ref to the contact holding the email; revive=false creates anew', async () => {
    const [held] = fake.seed([{ firstName: 'Held', email: 'held@x.se' }]);
    const [gone] = fake.seed([{ firstName: 'Gone', externalRefs: [{ namespace: 'hubspot', id: 'g' }] }]);
    fake.deleteAsUser(gone!.id);
    const byEmail = await post({
      namespace: 'hubspot',
      match: 'email',
      items: [item('m', { email: 'held@x.se' })],
    });
    expect(byEmail.body.results[0]).toMatchObject({ status: 200, action: 'updated', id: held!.id });
    const fresh = await post({
      namespace: 'hubspot',
      revive: false,
      items: [item('g', { firstName: 'Anew' })],
    });
    expect(fresh.body.results[0]).toMatchObject({ status: 201, action: 'created' });
    expect(fresh.body.results[0]?.id).not.toBe(gone!.id);
  });

  it('isolates a failing item: the others apply, it carries status and errors', async () => {
    fake.seed([{ firstName: 'Taken', email: 'taken@x.se' }]);
    const res = await post({
      namespace: 'hubspot',
      items: [
        item('1', { firstName: 'Ok' }),
        item('2', { email: 'not-an-email' }),
        item('3', { email: 'taken@x.se' }),
      ],
    });
    expect(res.status).toBe(200);
    const [ok, invalid, taken] = res.body.results;
    expect(ok).toMatchObject({ status: 201, action: 'created' });
    expect(invalid).toMatchObject({ status: 400, id: null, etag: null, action: null });
    expect(invalid?.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
    expect(taken).toMatchObject({ status: 409, action: null });
    expect(res.body.summary).toMatchObject({ total: 3, created: 1, failed: 2 });
    expect(holders('1')).toHaveLength(1);
    expect(holders('2')).toHaveLength(0);
  });

  it('rejects the whole request as problem+json with errors: >100 items, no namespace, long ids', async () => {
    const many = Array.from({ length: 101 }, (_, i) => item(String(i), { firstName: 'N' }));
    const tooMany = await post({ namespace: 'hubspot', items: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.type).toBe('application/problem+json');
    expect(tooMany.body.errors.items).toEqual(['Maximum 100 items per batch.']);
    const bad = await post({ items: [item('x'.repeat(256), { firstName: 'N' })], match: 'phone' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['items[0].externalId', 'match', 'namespace']);
    expect(fake.allContacts()).toHaveLength(0);
  });

  it('knobs: the path answers 404 or 405; named items fail with a given status', async () => {
    fake.setBatchUpsertMissing(404);
    expect((await post({ namespace: 'hubspot', items: [] })).status).toBe(404);
    fake.setBatchUpsertMissing(405);
    expect((await post({ namespace: 'hubspot', items: [] })).status).toBe(405);
    fake.setBatchUpsertMissing(null);
    fake.failBatchItems(['2'], 503);
    const res = await post({
      namespace: 'hubspot',
      items: [item('1', { firstName: 'A' }), item('2', { firstName: 'B' })],
    });
    expect(res.body.results.map((r: ItemJson) => r.status)).toEqual([201, 503]);
    expect(holders('2')).toHaveLength(0);
  });
});

describe('the client batch upsert', () => {
  let client: PropstreetClient;
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  beforeEach(() => {
    lines.length = 0;
    client = clientFor(fake, { batchUpsertPath: BATCH_UPSERT_PATH, logger });
  });

  it('sends ≤ 100 items a call, one request of the budget each, and answers in order', async () => {
    const items = Array.from({ length: 250 }, (_, i) => ({
      externalId: `c${i}`,
      body: { firstName: `N${i}` },
    }));
    const out = await client.upsertContactsByExternalRef('hubspot', items);
    expect(out).toHaveLength(250);
    expect(client.usage().calls.write).toBe(3);
    expect(fake.apiRequests().map((r) => r.path)).toEqual([
      BATCH_UPSERT_PATH,
      BATCH_UPSERT_PATH,
      BATCH_UPSERT_PATH,
    ]);
    for (const [i, r] of (out ?? []).entries()) {
      if (!r.ok) throw r.error;
      expect(fake.contact(r.id)).toMatchObject({ firstName: `N${i}`, etag: r.etag });
      expect(r.action).toBe('created');
    }
    // Keyed by external ref: the same call again updates, it adds nobody.
    const again = await client.upsertContactsByExternalRef('hubspot', items.slice(0, 10));
    expect(again?.every((r) => r.ok && r.action === 'updated')).toBe(true);
    expect(fake.allContacts()).toHaveLength(250);
  });

  it('turns failed items into the typed errors a single request would give', async () => {
    fake.seed([{ firstName: 'Taken', email: 'taken@x.se' }]);
    const out = await client.upsertContactsByExternalRef('hubspot', [
      { externalId: '1', body: { email: 'taken@x.se' } },
      { externalId: '2', body: { email: 'bad' } },
      { externalId: '3', body: { firstName: 'Fine' } },
    ]);
    const [taken, bad, fine] = out ?? [];
    expect(taken?.ok === false && taken.error).toBeInstanceOf(ConflictError);
    expect(taken?.ok === false && (taken.error as ConflictError).kind).toBe('duplicate-email');
    expect(bad?.ok === false && bad.error).toBeInstanceOf(ValidationError);
    expect(bad?.ok === false && (bad.error as ValidationError).fieldErrors).toEqual({
      email: [expect.any(String)],
    });
    expect(fine).toMatchObject({ ok: true, action: 'created' });
  });

  it('retries a lost answer, a 5xx and a 429 (keyed by ref: a repeat cannot duplicate)', async () => {
    const once = (rule: Parameters<PropstreetFake['http']['faults']['add']>[0]) =>
      fake.http.faults.add({ ...rule, method: 'POST', path: BATCH_UPSERT_PATH, times: 1 });
    const upsert = (id: string) =>
      client.upsertContactsByExternalRef('hubspot', [{ externalId: id, body: { firstName: id } }]);
    once({ kind: 'drop-after' });
    // The dropped first attempt created it; the retry that answered updated it.
    expect((await upsert('lost'))?.[0]).toMatchObject({ ok: true, action: 'updated' });
    once({ kind: 'status', status: 503 });
    expect((await upsert('5xx'))?.[0]).toMatchObject({ ok: true, action: 'created' });
    once({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    expect((await upsert('429'))?.[0]).toMatchObject({ ok: true, action: 'created' });
    for (const id of ['lost', '5xx', '429']) expect(holders(id)).toHaveLength(1);
    expect(client.usage().calls.write).toBe(6);
  });

  it.each([404, 405] as const)(
    'answers null after a %i, warns once, and sends no more batches',
    async (status) => {
      fake.setBatchUpsertMissing(status);
      const items = [{ externalId: 'x', body: { firstName: 'X' } }];
      expect(await client.upsertContactsByExternalRef('hubspot', items)).toBeNull();
      expect(await client.upsertContactsByExternalRef('hubspot', items)).toBeNull();
      expect(fake.apiRequests()).toHaveLength(1);
      expect(client.batchUpsertFallback()).toMatch(new RegExp(`answered ${status}.*one by one`));
      expect(lines.filter((l) => l.includes('one by one'))).toHaveLength(1);
      expect(fake.allContacts()).toHaveLength(0);
    },
  );

  it('answers null without a call when no path is configured', async () => {
    const plain = clientFor(fake);
    expect(
      await plain.upsertContactsByExternalRef('hubspot', [{ externalId: 'x', body: { firstName: 'X' } }]),
    ).toBeNull();
    expect(plain.batchUpsertFallback()).toBeNull();
    expect(fake.apiRequests()).toHaveLength(0);
  });
});
