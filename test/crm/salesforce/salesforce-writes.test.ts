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

  it("saves past the org's duplicate rule by default (allowSave), as real orgs need", async () => {
    const human = h.fake.control.create({ FirstName: 'Anna', LastName: 'Berg', Email: 'anna@example.com' });
    const [fuzzy, byEmail] = await h.adapter.upsertByKey([
      { key: 'allow-1', properties: { FirstName: 'Ana', LastName: 'Berg' } },
      { key: 'allow-2', properties: { LastName: 'Other', Email: 'ANNA@example.com' } },
    ]);
    expect(fuzzy).toMatchObject({ ok: true, created: true });
    expect(byEmail).toMatchObject({ ok: true, created: true });
    const [edit] = await h.adapter.update([{ id: human, properties: { FirstName: 'Annie' } }]);
    expect(edit).toMatchObject({ ok: true, id: human });
  });

  it('with duplicateRules: respect, fails a record the rule matches, never pointing at the match', async () => {
    const respect = h.makeAdapter({ duplicateRules: 'respect' });
    const human = h.fake.control.create({ FirstName: 'Bo', LastName: 'Lind', Email: 'bo@example.com' });
    const [matched, fine] = await respect.upsertByKey([
      { key: 'respect-1', properties: { FirstName: 'Bo', LastName: 'Lind' } },
      { key: 'respect-2', properties: { FirstName: 'Cecilia', LastName: 'Norrman' } },
    ]);
    const error = failed(matched);
    expect(error).toMatchObject({
      code: 'duplicate',
      crmCode: 'DUPLICATES_DETECTED',
      retryable: false,
      untilChanged: true,
    });
    // A fuzzy match is not the same person for sure: no existingId, so the engine never links it.
    expect(error.existingId).toBeUndefined();
    expect(error.message).toBe(
      `DUPLICATES_DETECTED: Use one of these records? (duplicate rule Standard_Contact_Duplicate_Rule matched ${human}; not linked to it: merge the records in Salesforce, or set duplicateRules: allow to save past the rule's alert)`,
    );
    expect(fine).toMatchObject({ ok: true, created: true });
    expect(h.fake.control.getByKey('respect-1')).toBeUndefined();

    // A unique-index clash does name the record holding the key: that one may be linked.
    const [a, b] = await h.adapter.upsertByKey(contacts(2, 'uniq'));
    if (!a?.ok || !b?.ok) throw new Error('setup failed');
    const [clash] = await h.adapter.update([{ id: b.id, properties: { Propstreet_Id__c: 'uniq-0' } }]);
    expect(failed(clash)).toMatchObject({ code: 'duplicate', crmCode: 'DUPLICATE_VALUE', existingId: a.id });
  });

  it('updates by id and reports deleted records as not-found', async () => {
    const [a, b] = await h.adapter.upsertByKey(contacts(2, 'upd'));
    if (!a?.ok || !b?.ok) throw new Error('setup failed');
    h.fake.control.remove(b.id);

    const results = await h.adapter.update([
      { id: a.id, properties: { Title: 'CTO' } },
      { id: b.id, properties: { Title: 'gone' } },
      { id: a.id, properties: { LastName: null } },
      { id: 'not-an-id', properties: { Title: 'x' } },
    ]);
    expect(results[0]).toEqual({ ok: true, id: a.id, created: false });
    expect(failed(results[1])).toMatchObject({ code: 'not-found', crmCode: 'ENTITY_IS_DELETED' });
    expect(failed(results[2])).toMatchObject({ code: 'required-missing' });
    expect(failed(results[3])).toMatchObject({ code: 'not-found' });
    expect(h.fake.control.get(a.id)?.Title).toBe('CTO');
  });

  it('fails the delete of a contact that cases depend on alone, held until it changes', async () => {
    const [a, b, c] = await h.adapter.upsertByKey(contacts(3, 'case'));
    if (!a?.ok || !b?.ok || !c?.ok) throw new Error('setup failed');
    const caseNumber = h.fake.control.attachCase(b.id);
    const results = await h.adapter.delete([a.id, b.id, c.id]);
    expect(results[0]).toEqual({ ok: true, id: a.id, created: false });
    expect(results[2]).toEqual({ ok: true, id: c.id, created: false });
    expect(failed(results[1])).toEqual({
      code: 'invalid',
      crmCode: 'DELETE_FAILED',
      retryable: false,
      untilChanged: true,
      message: `DELETE_FAILED: Your attempt to delete First Last 1 could not be completed because it is associated with the following cases.: ${caseNumber} (Salesforce keeps a contact that cases or a portal user depend on: detach them, or delete the contact in Salesforce)`,
    });
    expect(h.fake.control.get(b.id)?.IsDeleted).toBe(false);
    h.fake.control.detachCases(b.id);
    expect(await h.adapter.delete([b.id])).toEqual([{ ok: true, id: b.id, created: false }]);
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
