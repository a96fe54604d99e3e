import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SalesforceFake, startSalesforceFake } from '../../../fakes/salesforce/salesforce-fake.js';

describe('Salesforce fake', () => {
  let fake: SalesforceFake;
  let conn: Connection;
  let base: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${fake.accessToken}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  beforeAll(async () => {
    fake = await startSalesforceFake();
    conn = new jsforce.Connection({ instanceUrl: fake.url, accessToken: fake.accessToken, version: '62.0' });
    base = `${fake.url}/services/data/v62.0`;
  });
  afterAll(() => fake.close());

  it('rejects more than 200 records in a collection with EXCEEDED_ID_LIMIT', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ LastName: `L${i}` }));
    await expect(conn.sobject('Contact').create(records)).rejects.toMatchObject({
      errorCode: 'EXCEEDED_ID_LIMIT',
    });
  });

  it('rolls back an allOrNone collection when one record fails', async () => {
    const res = await conn
      .sobject('Contact')
      .create([{ LastName: 'Kept?' }, { FirstName: 'no last name' }], { allOrNone: true });
    expect(
      res.map((r) =>
        r.success ? 'ok' : (r.errors[0]?.errorCode ?? (r.errors[0] as { statusCode?: string }).statusCode),
      ),
    ).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'REQUIRED_FIELD_MISSING']);
    expect(fake.control.dump().some((c) => c.LastName === 'Kept?')).toBe(false);
  });

  it('upserts one record by external id: 201 created, then 200 with created false', async () => {
    const first = await conn
      .sobject('Contact')
      .upsert({ Propstreet_Id__c: 'single-1', LastName: 'One' }, 'Propstreet_Id__c');
    const second = await conn
      .sobject('Contact')
      .upsert({ Propstreet_Id__c: 'single-1', LastName: 'Uno' }, 'Propstreet_Id__c');
    expect(first).toMatchObject({ success: true, created: true });
    expect(second).toMatchObject({ success: true, created: false, id: first.id });
    const statuses = fake.http.requests
      .filter((r) => r.path.endsWith('/Propstreet_Id__c/single-1'))
      .map((r) => r.status);
    expect(statuses).toEqual([201, 200]);
  });

  it('pages queries by Sforce-Query-Options batchSize with /query/ locators, also for queryAll', async () => {
    fake.control.generate(450, { prefix: 'page-' });
    const res = await api(
      `/queryAll?q=${encodeURIComponent("SELECT Id FROM Contact WHERE Propstreet_Id__c LIKE 'page-%'")}`,
      {
        headers: { 'Sforce-Query-Options': 'batchSize=200' },
      },
    );
    const page = (await res.json()) as {
      totalSize: number;
      done: boolean;
      nextRecordsUrl: string;
      records: unknown[];
    };
    expect(res.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/);
    expect(page).toMatchObject({ totalSize: 450, done: false });
    expect(page.records).toHaveLength(200);
    expect(page.records[0]).toMatchObject({
      attributes: {
        type: 'Contact',
        url: expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Contact\/003/),
      },
    });
    expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[0-9A-Z]+-200$/);
    const next = await (
      await fetch(`${fake.url}${page.nextRecordsUrl.replace('/query/', '/queryAll/')}`, {
        headers: { authorization: `Bearer ${fake.accessToken}`, 'Sforce-Query-Options': 'batchSize=200' },
      })
    ).json();
    expect(next).toMatchObject({ done: false, nextRecordsUrl: expect.stringMatching(/-400$/) });
  });

  it('keeps deleted rows for queryAll only, and lists them in /deleted/', async () => {
    const at = Date.now();
    fake.control.setClock(at);
    const id = fake.control.create({ LastName: 'Binned', Propstreet_Id__c: 'bin-1' });
    fake.control.remove(id);
    // Salesforce covers replication windows up to the last whole minute.
    fake.control.advanceClock(120_000);
    const q = encodeURIComponent(`SELECT Id, IsDeleted FROM Contact WHERE Id = '${id}'`);
    expect(((await (await api(`/query?q=${q}`)).json()) as { totalSize: number }).totalSize).toBe(0);
    expect(await (await api(`/queryAll?q=${q}`)).json()).toMatchObject({
      totalSize: 1,
      records: [{ IsDeleted: true }],
    });
    const start = new Date(at - 60_000).toISOString();
    const end = new Date(at + 60_000).toISOString();
    const deleted = (await (await api(`/sobjects/Contact/deleted/?start=${start}&end=${end}`)).json()) as {
      deletedRecords: { id: string }[];
    };
    expect(deleted.deletedRecords.map((d) => d.id)).toContain(id);
    const updated = await conn.sobject('Contact').updated(start, end);
    expect(updated.ids.length).toBeGreaterThan(0);
    const patch = await api(`/sobjects/Contact/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ Title: 'x' }),
    });
    expect(patch.status).toBe(404);
    expect(await patch.json()).toEqual([
      { message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] },
    ]);
    fake.control.useRealClock();
  });

  it('answers a stale If-Unmodified-Since with 412 and leaves the record alone', async () => {
    const id = fake.control.create({ LastName: 'Guarded' });
    const stale = new Date(Date.now() - 3_600_000).toUTCString();
    const res = await api(`/sobjects/Contact/${id}`, {
      method: 'PATCH',
      headers: { 'If-Unmodified-Since': stale },
      body: JSON.stringify({ LastName: 'Overwritten' }),
    });
    expect(res.status).toBe(412);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(fake.control.get(id)?.LastName).toBe('Guarded');
    const fresh = new Date(Date.now() + 3_600_000).toUTCString();
    const ok = await api(`/sobjects/Contact/${id}`, {
      method: 'PATCH',
      headers: { 'If-Unmodified-Since': fresh },
      body: JSON.stringify({ LastName: 'Updated' }),
    });
    expect(ok.status).toBe(204);
  });

  it('stamps API writes with the API user and control edits with another user', async () => {
    const [res] = await conn.sobject('Contact').create([{ LastName: 'Api' }]);
    if (!res?.success) throw new Error('create failed');
    expect(fake.control.get(res.id)?.LastModifiedById).toBe(fake.control.apiUserId);
    fake.control.edit(res.id, { Title: 'by hand' });
    expect(fake.control.get(res.id)?.LastModifiedById).toBe(fake.control.uiUserId);
  });

  it('serves the control API over HTTP, outside the API count', async () => {
    const before = fake.control.apiUsage().used;
    const seeded = (await (
      await fetch(`${fake.url}/__control/seed`, {
        method: 'POST',
        body: JSON.stringify({ records: [{ LastName: 'Via HTTP', Propstreet_Id__c: 'http-1' }] }),
      })
    ).json()) as { ids: string[] };
    expect(seeded.ids).toHaveLength(1);
    const dump = (await (await fetch(`${fake.url}/__control/dump`)).json()) as { Propstreet_Id__c: string }[];
    expect(dump.some((c) => c.Propstreet_Id__c === 'http-1')).toBe(true);
    expect(fake.control.apiUsage().used).toBe(before);
  });

  it('seeds 100,000 contacts', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => ({ LastName: `Bulk ${i}` }));
    fake.control.seed(big);
    expect(fake.control.count()).toBeGreaterThan(100_000);
  });
});
