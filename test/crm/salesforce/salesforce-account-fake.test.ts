/**
 * The Salesforce fake's Account table, through jsforce and raw HTTP: describe, SOQL, collections
 * and their per-record errors, the standard-like Account duplicate rule, the recycle bin, and how
 * Accounts and Contacts hang together (Contact.AccountId, an Account's delete and merge).
 */
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SalesforceFake, startSalesforceFake } from '../../../fakes/salesforce/salesforce-fake.js';
import { Redactor } from '../../../src/core/redact.js';
import { createSalesforceAdapter } from '../../../src/crm/salesforce/index.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

interface SaveResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message: string; fields: string[]; duplicateResult?: unknown }[];
}

describe('Salesforce fake: Account', () => {
  let fake: SalesforceFake;
  let conn: Connection;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${fake.url}/services/data/v62.0${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${fake.accessToken}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  const collection = async (method: string, path: string, records: object[], allOrNone = false) => {
    const res = await api(path, {
      method,
      body: JSON.stringify({
        allOrNone,
        records: records.map((r) => ({ attributes: { type: 'Account' }, ...r })),
      }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as SaveResult[];
  };
  const query = async (soql: string, all = false) => {
    const res = await api(`/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`);
    return { status: res.status, body: (await res.json()) as { records: Record<string, unknown>[] } };
  };

  beforeAll(async () => {
    fake = await startSalesforceFake();
    conn = new jsforce.Connection({ instanceUrl: fake.url, accessToken: fake.accessToken, version: '62.0' });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.control.accounts.setDuplicateRule(true);
    fake.control.useRealClock();
  });

  it('describes Account: Name required, Website a URL, the key a unique External ID; Contact.AccountId looks it up', async () => {
    const d = await conn.sobject('Account').describe();
    expect(d).toMatchObject({ name: 'Account', keyPrefix: '001' });
    const field = (name: string) => d.fields.find((f) => f.name === name);
    expect(field('Name')).toMatchObject({ type: 'string', length: 255, nillable: false, createable: true });
    expect(field('Website')).toMatchObject({ type: 'url', length: 255 });
    expect(field('Industry')).toMatchObject({ type: 'picklist' });
    for (const name of ['Phone', 'BillingCity', 'BillingCountry', 'Description', 'SystemModstamp'])
      expect(field(name)).toBeDefined();
    expect(field('LastModifiedDate')).toMatchObject({ type: 'datetime' });
    expect(field('CreatedDate')).toMatchObject({ type: 'datetime' });
    expect(field('IsDeleted')).toMatchObject({ type: 'boolean' });
    expect(field('MasterRecordId')).toMatchObject({ type: 'reference', updateable: false });
    expect(field('Propstreet_Id__c')).toMatchObject({ externalId: true, unique: true, custom: true });
    expect(field('Email')).toBeUndefined();
    const contact = await conn.sobject('Contact').describe();
    expect(contact.fields.find((f) => f.name === 'AccountId')).toMatchObject({ referenceTo: ['Account'] });
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(expect.arrayContaining(['Account', 'Contact']));
  });

  it('has no key field on Account in an org where it was never created', async () => {
    const bare = await startSalesforceFake({ accountExternalIdField: null });
    try {
      const c = new jsforce.Connection({
        instanceUrl: bare.url,
        accessToken: bare.accessToken,
        version: '62.0',
      });
      const d = await c.sobject('Account').describe();
      expect(d.fields.some((f) => f.name === 'Propstreet_Id__c')).toBe(false);
      expect((await c.sobject('Contact').describe()).fields.some((f) => f.name === 'Propstreet_Id__c')).toBe(
        true,
      );
    } finally {
      await bare.close();
    }
  });

  it('creates, upserts by external id, updates and deletes Accounts through collections, per record', async () => {
    const created = await collection('POST', '/composite/sobjects', [
      { Name: 'Coll One', Propstreet_Id__c: 'coll-1' },
      { Website: 'nameless.example' },
      { Name: 'x'.repeat(256) },
      { Name: 'Coll Dup', Propstreet_Id__c: 'COLL-1' },
    ]);
    expect(created[0]).toMatchObject({ success: true, id: expect.stringMatching(/^001[0-9A-Z]{15}$/) });
    expect(created[1]?.errors[0]).toMatchObject({
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      fields: ['Name'],
    });
    expect(created[2]?.errors[0]).toMatchObject({ statusCode: 'STRING_TOO_LONG', fields: ['Name'] });
    expect(created[3]?.errors[0]?.statusCode).toBe('DUPLICATE_VALUE');
    expect(created[3]?.errors[0]?.message).toMatch(new RegExp(`on record with id: ${created[0]?.id}`));

    const upserted = await collection('PATCH', '/composite/sobjects/Account/Propstreet_Id__c', [
      { Name: 'Coll One Renamed', Propstreet_Id__c: 'coll-1' },
      { Name: 'Coll Two', Propstreet_Id__c: 'coll-2' },
      { Name: 'Twice A', Propstreet_Id__c: 'twice' },
      { Name: 'Twice B', Propstreet_Id__c: 'TWICE' },
    ]);
    expect(upserted.map((r) => [r.success, r.created])).toEqual([
      [true, false],
      [true, true],
      [false, undefined],
      [false, undefined],
    ]);
    expect(upserted[2]?.errors[0]?.statusCode).toBe('DUPLICATE_EXTERNAL_ID');
    expect(upserted[0]?.id).toBe(created[0]?.id);

    const id = created[0]?.id ?? '';
    const updated = await collection('PATCH', '/composite/sobjects', [
      { id, Industry: 'Banking' },
      { id, Name: '' },
    ]);
    expect(updated.map((r) => r.success)).toEqual([true, false]);
    expect(updated[1]?.errors[0]?.statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(fake.control.accounts.get(id)).toMatchObject({ Name: 'Coll One Renamed', Industry: 'Banking' });

    const res = await api(`/composite/sobjects?ids=${id},${id}`, { method: 'DELETE' });
    const deleted = (await res.json()) as SaveResult[];
    expect(deleted.map((r) => r.success)).toEqual([true, false]);
    expect(deleted[1]?.errors[0]?.statusCode).toBe('ENTITY_IS_DELETED');
    expect(fake.control.accounts.get(id)).toMatchObject({ IsDeleted: true });
  });

  it('rolls an allOrNone Account collection back when one record fails', async () => {
    const before = fake.control.accounts.count();
    const res = await collection('POST', '/composite/sobjects', [{ Name: 'Kept?' }, { Phone: '1' }], true);
    expect(res.map((r) => r.errors[0]?.statusCode)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'REQUIRED_FIELD_MISSING',
    ]);
    expect(fake.control.accounts.count()).toBe(before);
  });

  it('answers SOQL on Account: IN, LIKE, ORDER BY, LIMIT, and queryAll for the recycle bin', async () => {
    const [a, b, c] = fake.control.accounts.seed([
      { Name: 'Soql Alpha', Website: 'https://www.alpha-soql.com', BillingCountry: 'Norway' },
      { Name: 'Soql Beta', Website: 'beta-soql.com', BillingCountry: 'Sweden' },
      { Name: 'Soql Gamma', Website: 'gamma-soql.com', BillingCountry: 'norway' },
    ]);
    fake.control.accounts.remove(c ?? '');
    const like = await query(
      "SELECT Id, Name FROM Account WHERE (Website LIKE '%ALPHA-soql.com%' OR Website LIKE '%beta-soql%') ORDER BY Name DESC",
    );
    expect(like.body.records.map((r) => r.Id)).toEqual([b, a]);
    const inList = await query(
      "SELECT Id, BillingCountry FROM Account WHERE BillingCountry IN ('NORWAY') ORDER BY Id ASC LIMIT 5",
    );
    expect(inList.body.records.map((r) => r.Id)).toEqual([a]);
    const all = await query(
      "SELECT Id, IsDeleted FROM Account WHERE BillingCountry IN ('NORWAY') ORDER BY Id ASC LIMIT 5",
      true,
    );
    expect(all.body.records).toEqual([
      expect.objectContaining({ Id: a, IsDeleted: false }),
      expect.objectContaining({
        Id: c,
        IsDeleted: true,
        attributes: expect.objectContaining({ type: 'Account' }),
      }),
    ]);
    const bad = await query('SELECT Id, Email FROM Account');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual([
      {
        errorCode: 'INVALID_FIELD',
        message: expect.stringMatching(/No such column 'Email' on entity 'Account'/),
      },
    ]);
    const other = await query('SELECT Id FROM Opportunity');
    expect(JSON.stringify(other.body)).toMatch(/INVALID_TYPE/);
  });

  it('lists deleted Accounts in /sobjects/Account/deleted', async () => {
    const at = Date.now();
    fake.control.setClock(at);
    const [id] = fake.control.accounts.seed([{ Name: 'Replicated' }]);
    fake.control.accounts.remove(id ?? '');
    fake.control.advanceClock(120_000);
    const start = new Date(at - 60_000).toISOString();
    const end = new Date(at + 60_000).toISOString();
    const res = await api(`/sobjects/Account/deleted/?start=${start}&end=${end}`);
    const body = (await res.json()) as { deletedRecords: { id: string }[] };
    expect(body.deletedRecords.map((d) => d.id)).toContain(id);
  });

  it('fails an Account create the standard-like rule matches, unless the request saves past it; edits only report', async () => {
    const [existing] = fake.control.accounts.seed([
      { Name: 'Nordlys AS', Phone: '+47 22 33 44 55', BillingCity: 'Bergen' },
    ]);
    const twins = [
      { Name: 'NORDLYS', Phone: '+47-22-33-44-55' }, // same name without the legal form, same phone digits
      { Name: 'Nordlys', BillingCity: 'Bergen' }, // a city alone is not enough
      { Name: 'Nordlys Energi', Phone: '+47 22 33 44 55' }, // another name
    ];
    const res = await collection('POST', '/composite/sobjects', twins);
    expect(res.map((r) => r.success)).toEqual([false, true, true]);
    expect(res[0]?.errors[0]).toMatchObject({
      statusCode: 'DUPLICATES_DETECTED',
      message: 'Use one of these records?',
      duplicateResult: {
        allowSave: true,
        duplicateRule: 'Standard_Account_Duplicate_Rule',
        duplicateRuleEntityType: 'Account',
        matchResults: [{ entityType: 'Account', matchRecords: [{ record: { Id: existing } }] }],
      },
    });
    const allowed = await api('/composite/sobjects', {
      method: 'POST',
      headers: { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' },
      body: JSON.stringify({ records: [{ attributes: { type: 'Account' }, ...twins[0] }] }),
    });
    expect(((await allowed.json()) as SaveResult[])[0]?.success).toBe(true);
    const edited = await collection('PATCH', '/composite/sobjects', [{ id: res[2]?.id, Name: 'Nordlys' }]);
    expect(edited[0]?.success).toBe(true);
    fake.control.accounts.setDuplicateRule(false);
    expect((await collection('POST', '/composite/sobjects', [twins[0] ?? {}]))[0]?.success).toBe(true);
  });

  describe('Accounts and their Contacts', () => {
    const contacts = async (records: object[]) => {
      const res = await api('/composite/sobjects', {
        method: 'POST',
        body: JSON.stringify({ records: records.map((r) => ({ attributes: { type: 'Contact' }, ...r })) }),
      });
      return (await res.json()) as SaveResult[];
    };

    it('checks Contact.AccountId: a live Account, not a deleted one, another object or a malformed id', async () => {
      const [live, gone] = fake.control.accounts.seed([{ Name: 'Parent Live' }, { Name: 'Parent Gone' }]);
      fake.control.accounts.remove(gone ?? '');
      const [someContact] = fake.control.seed([{ LastName: 'Sibling' }]);
      const res = await contacts([
        { LastName: 'Child', AccountId: live },
        { LastName: 'Orphan', AccountId: gone },
        { LastName: 'Wrong type', AccountId: someContact },
        { LastName: 'Malformed', AccountId: 'not-an-id' },
        { LastName: 'Unknown', AccountId: '001000000000ZZZAAA' },
      ]);
      expect(res.map((r) => (r.success ? 'ok' : r.errors[0]?.statusCode))).toEqual([
        'ok',
        'INVALID_CROSS_REFERENCE_KEY',
        'FIELD_INTEGRITY_EXCEPTION',
        'MALFORMED_ID',
        'INVALID_CROSS_REFERENCE_KEY',
      ]);
      for (const r of res.slice(1)) expect(r.errors[0]?.fields).toEqual(['AccountId']);
      expect(fake.control.get(res[0]?.id ?? '')).toMatchObject({ AccountId: live });
    });

    it('reports a Contact update with a dangling AccountId as invalid, not as a missing contact', async () => {
      const [gone] = fake.control.accounts.seed([{ Name: 'Dangling' }]);
      fake.control.accounts.remove(gone ?? '');
      const [contact] = fake.control.seed([{ LastName: 'Still here' }]);
      const adapter = createSalesforceAdapter({
        redactor,
        instanceUrl: fake.url,
        accessToken: fake.accessToken,
        fields: ['LastName', 'AccountId'],
      });
      const [r] = await adapter.update([{ id: contact ?? '', properties: { AccountId: gone ?? null } }]);
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'invalid', crmCode: 'INVALID_CROSS_REFERENCE_KEY', fields: ['AccountId'] },
      });
    });

    it('deleting an Account takes its Contacts to the recycle bin, and allOrNone rolls both back', async () => {
      const [account, other] = fake.control.accounts.seed([{ Name: 'Cascade' }, { Name: 'Bystander' }]);
      const [c1, c2, c3] = fake.control.seed([
        { LastName: 'Cascaded 1', AccountId: account ?? '' },
        { LastName: 'Cascaded 2', AccountId: account ?? '' },
        { LastName: 'Elsewhere', AccountId: other ?? '' },
      ]);
      const rolledBack = await api(`/composite/sobjects?ids=${account},001000000000ZZYAAA&allOrNone=true`, {
        method: 'DELETE',
      });
      expect(((await rolledBack.json()) as SaveResult[]).map((r) => r.success)).toEqual([false, false]);
      expect(fake.control.get(c1 ?? '')).toMatchObject({ IsDeleted: false });
      expect(fake.control.accounts.get(account ?? '')).toMatchObject({ IsDeleted: false });

      const before = fake.control.get(c1 ?? '')?.SystemModstamp;
      fake.control.advanceClock(2000);
      const res = await api(`/composite/sobjects?ids=${account}`, { method: 'DELETE' });
      expect(((await res.json()) as SaveResult[])[0]?.success).toBe(true);
      for (const id of [c1, c2]) expect(fake.control.get(id ?? '')).toMatchObject({ IsDeleted: true });
      expect(fake.control.get(c3 ?? '')).toMatchObject({ IsDeleted: false });
      expect(fake.control.get(c1 ?? '')?.SystemModstamp).not.toBe(before);
      const bin = await query(`SELECT Id FROM Contact WHERE AccountId = '${account}'`, true);
      expect(bin.body.records.map((r) => r.Id).sort()).toEqual([c1, c2].sort());
    });

    it('merging Accounts moves the losers’ Contacts to the master', async () => {
      const [master, loser] = fake.control.accounts.seed([{ Name: 'Merge Master' }, { Name: 'Merge Loser' }]);
      const [moved] = fake.control.seed([{ LastName: 'Moved', AccountId: loser ?? '' }]);
      fake.control.advanceClock(2000);
      const stamp = fake.control.get(moved ?? '')?.SystemModstamp;
      fake.control.accounts.merge(master ?? '', loser ?? '');
      expect(fake.control.accounts.get(loser ?? '')).toMatchObject({
        IsDeleted: true,
        MasterRecordId: master,
      });
      expect(fake.control.get(moved ?? '')).toMatchObject({ IsDeleted: false, AccountId: master });
      expect(fake.control.get(moved ?? '')?.SystemModstamp).not.toBe(stamp);
    });
  });

  it('serves Account control routes over HTTP with sObject: Account', async () => {
    const post = (path: string, body: object) =>
      fetch(`${fake.url}/__control/${path}`, { method: 'POST', body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<Record<string, unknown>>,
      );
    const seeded = (await post('seed', {
      sObject: 'Account',
      records: [{ Name: 'Via HTTP', Propstreet_Id__c: 'acct-http' }],
    })) as { ids: string[] };
    expect(seeded.ids[0]).toMatch(/^001/);
    const generated = (await post('seed', { sObject: 'Account', generate: 2, prefix: 'gen-' })) as {
      ids: string[];
    };
    expect(fake.control.accounts.getByKey('gen-000002')).toMatchObject({
      Name: 'Company 000002',
      Website: 'https://www.company000002.example.com',
    });
    await post('edit', { sObject: 'Account', id: seeded.ids[0], fields: { Industry: 'Retail' } });
    await post('merge', { sObject: 'Account', winnerId: seeded.ids[0], loserId: generated.ids[0] });
    await post('delete', { sObject: 'Account', id: generated.ids[1] });
    const dump = (await (await fetch(`${fake.url}/__control/dump?sObject=Account`)).json()) as Record<
      string,
      unknown
    >[];
    expect(dump.find((a) => a.Propstreet_Id__c === 'acct-http')).toMatchObject({ Industry: 'Retail' });
    expect(dump.some((a) => a.Id === generated.ids[1])).toBe(false);
    const state = (await (await fetch(`${fake.url}/__control/state`)).json()) as Record<string, number>;
    expect(state.accounts).toBe(fake.control.accounts.count());
    await post('duplicate-rule', { sObject: 'Account', enabled: false });
    const res = await fetch(`${fake.url}/__control/seed`, {
      method: 'POST',
      body: JSON.stringify({ sObject: 'Lead', records: [] }),
    });
    expect(res.status).toBe(400);
  });
});
