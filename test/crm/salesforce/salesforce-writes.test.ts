import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UpsertInput, WriteResult } from '../../../src/crm/port.js';
import { type Harness, startHarness } from './harness.js';

const UPSERT_PATH = '/composite/sobjects/Contact/Propstreet_Id__c';

function contacts(n: number, prefix: string): UpsertInput[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `${prefix}-${i}`,
    properties: { LastName: `Last ${i}`, FirstName: 'First', Email: `${prefix}.${i}@example.com` },
  }));
}

function failed(r: WriteResult | undefined) {
  if (!r || r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r.error;
}

describe('Salesforce adapter writes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.fake.http.faults.clear();
    h.fake.control.clearRejections();
  });

  it('upserts 5,000 contacts in 25 calls, and a rerun creates nothing', async () => {
    const inputs = contacts(5000, 'bulk');
    const before = h.apiCalls(UPSERT_PATH);
    const first = await h.adapter.upsertByKey(inputs);
    expect(h.apiCalls(UPSERT_PATH) - before).toBe(25);
    expect(first.every((r) => r.ok && r.created)).toBe(true);
    expect(h.fake.control.count()).toBe(5000);

    const again = await h.adapter.upsertByKey(inputs);
    expect(h.apiCalls(UPSERT_PATH) - before).toBe(50);
    expect(again.every((r) => r.ok && !r.created)).toBe(true);
    expect(again.map((r) => (r.ok ? r.id : ''))).toEqual(first.map((r) => (r.ok ? r.id : '')));
    expect(h.fake.control.count()).toBe(5000);
  });

  it('fails one bad record alone and maps each Salesforce error', async () => {
    h.fake.control.reject({
      field: 'Propstreet_Id__c',
      value: 'part-5',
      statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Title must not be empty',
      fields: ['Title'],
    });
    const inputs = contacts(8, 'part');
    const bad: UpsertInput[] = [
      { key: 'part-1', properties: { LastName: 'Ok', Email: 'not-an-email' } },
      { key: 'part-3', properties: { LastName: 'x'.repeat(81) } },
      { key: 'part-6', properties: { FirstName: 'No last name' } },
    ];
    for (const b of bad) inputs[Number(b.key.split('-')[1])] = b;
    const sentBefore = h.fake.http.requests.length;
    const results = await h.adapter.upsertByKey(inputs);

    expect(failed(results[1])).toMatchObject({
      code: 'invalid',
      crmCode: 'INVALID_EMAIL_ADDRESS',
      fields: ['Email'],
    });
    expect(failed(results[3])).toMatchObject({
      code: 'invalid',
      crmCode: 'STRING_TOO_LONG',
      fields: ['LastName'],
    });
    expect(failed(results[5])).toMatchObject({
      code: 'invalid',
      crmCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    });
    expect(failed(results[6])).toMatchObject({ code: 'required-missing', fields: ['LastName'] });
    expect([0, 2, 4, 7].map((i) => results[i]?.ok)).toEqual([true, true, true, true]);
    // The record without LastName never left the adapter.
    const sent = h.fake.http.requests
      .slice(sentBefore)
      .filter((r) => r.path === `/services/data/v62.0${UPSERT_PATH}`);
    expect(sent.map((r) => r.records)).toEqual([7]);
    expect(h.fake.control.getByKey('part-1')).toBeUndefined();
    expect(h.fake.control.getByKey('part-2')).toMatchObject({ LastName: 'Last 2' });
  });

  it('reports duplicates with the record Salesforce matched', async () => {
    const existing = h.fake.control.create({ LastName: 'Human', Email: 'dupe@example.com' });
    h.fake.control.setDuplicateRuleOnEmail(true);
    try {
      const [byRule] = await h.adapter.upsertByKey([
        { key: 'dupe-1', properties: { LastName: 'Copy', Email: 'DUPE@example.com' } },
      ]);
      expect(failed(byRule)).toMatchObject({
        code: 'duplicate',
        crmCode: 'DUPLICATES_DETECTED',
        existingId: existing,
      });
    } finally {
      h.fake.control.setDuplicateRuleOnEmail(false);
    }
    const [a, b] = await h.adapter.upsertByKey(contacts(2, 'uniq'));
    if (!a?.ok || !b?.ok) throw new Error('setup failed');
    const [clash] = await h.adapter.update([{ id: b.id, properties: { Propstreet_Id__c: 'uniq-0' } }]);
    expect(failed(clash)).toMatchObject({ code: 'duplicate', crmCode: 'DUPLICATE_VALUE', existingId: a.id });
  });

  it('updates by id, honours ifUnmodifiedSince, and reports deleted records as not-found', async () => {
    const [a, b, c] = await h.adapter.upsertByKey(contacts(3, 'upd'));
    if (!a?.ok || !b?.ok || !c?.ok) throw new Error('setup failed');
    const seenAt = String(h.fake.control.get(c.id)?.LastModifiedDate);
    h.fake.control.remove(b.id);
    h.fake.control.advanceClock(5_000);
    h.fake.control.edit(c.id, { Title: 'Edited by a user' });

    const results = await h.adapter.update([
      { id: a.id, properties: { Title: 'CTO' } },
      { id: b.id, properties: { Title: 'gone' } },
      { id: c.id, properties: { Title: 'Stale' }, ifUnmodifiedSince: seenAt },
      { id: a.id, properties: { LastName: null } },
      { id: 'not-an-id', properties: { Title: 'x' } },
    ]);
    expect(results[0]).toEqual({ ok: true, id: a.id, created: false });
    expect(failed(results[1])).toMatchObject({ code: 'not-found', crmCode: 'ENTITY_IS_DELETED' });
    expect(failed(results[2])).toMatchObject({ code: 'conflict', crmCode: 'PRECONDITION_FAILED' });
    expect(failed(results[3])).toMatchObject({ code: 'required-missing' });
    expect(failed(results[4])).toMatchObject({ code: 'not-found' });
    expect(h.fake.control.get(c.id)?.Title).toBe('Edited by a user');

    const fresh = String(h.fake.control.get(c.id)?.LastModifiedDate);
    const [ok] = await h.adapter.update([
      { id: c.id, properties: { Title: 'Fresh' }, ifUnmodifiedSince: fresh },
    ]);
    expect(ok).toMatchObject({ ok: true, id: c.id });
    expect(h.fake.control.get(c.id)?.Title).toBe('Fresh');
    h.fake.control.useRealClock();
  });

  it('deletes to the recycle bin; a second delete is not-found', async () => {
    const [a, b] = await h.adapter.upsertByKey(contacts(2, 'del'));
    if (!a?.ok || !b?.ok) throw new Error('setup failed');
    expect(await h.adapter.delete([a.id, b.id])).toEqual([
      { ok: true, id: a.id, created: false },
      { ok: true, id: b.id, created: false },
    ]);
    expect(h.fake.control.get(a.id)?.IsDeleted).toBe(true);
    const [again] = await h.adapter.delete([a.id]);
    expect(failed(again)).toMatchObject({ code: 'not-found', crmCode: 'ENTITY_IS_DELETED' });
  });

  it('retries a 503 on the idempotent upsert itself, with no jsforce retries on top', async () => {
    h.fake.http.faults.add({ kind: 'status', status: 503, method: 'PATCH', path: UPSERT_PATH, times: 2 });
    const before = h.apiCalls(UPSERT_PATH);
    const [r] = await h.adapter.upsertByKey(contacts(1, 'retry'));
    expect(r).toMatchObject({ ok: true, created: true });
    expect(h.apiCalls(UPSERT_PATH) - before).toBe(3);
  });

  it('retries a dropped connection and a hung request on reads, as NETWORK and TIMEOUT', async () => {
    const adapter = h.makeAdapter({ requestTimeoutMs: 300 });
    for (const kind of ['drop', 'timeout'] as const) {
      h.fake.http.faults.add({ kind, method: 'GET', path: '/query', times: 1 });
      const before = h.apiCalls('/query');
      const found = await adapter.readByKeys(['bulk-2']);
      expect(found.map((r) => r.properties.Propstreet_Id__c)).toEqual(['bulk-2']);
      expect(h.fake.http.requests.slice(-2).map((r) => r.fault ?? r.status)).toEqual([kind, 200]);
      expect(h.apiCalls('/query') - before).toBe(2);
    }
  });

  it('retries a 503 on a query exactly as often as the policy says (jsforce retry is off)', async () => {
    h.fake.http.faults.add({ kind: 'status', status: 503, method: 'GET', path: '/query', times: 2 });
    const before = h.apiCalls('/query');
    const found = await h.adapter.readByKeys(['bulk-1']);
    expect(found.map((r) => r.properties.Propstreet_Id__c)).toEqual(['bulk-1']);
    // Exactly the policy's attempts: jsforce's own retries would have added more calls.
    expect(h.apiCalls('/query') - before).toBe(3);
  });
});
