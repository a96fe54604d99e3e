import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  CrmAdapter,
  CrmChangePage,
  CrmRecord,
  UpsertInput,
  WriteResult,
} from '../../../src/crm/port.js';
import { type Harness, startAccountHarness } from './harness.js';

const UPSERT_PATH = '/composite/sobjects/Account/Propstreet_Id__c';

function companies(n: number, prefix: string): UpsertInput[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `${prefix}-${i}`,
    properties: { Name: `${prefix} Company ${i}`, Website: `https://${prefix}${i}.example.com` },
  }));
}

function failed(r: WriteResult | undefined) {
  if (!r || r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r.error;
}

function idOf(r: WriteResult | undefined): string {
  if (!r?.ok) throw new Error(`expected a success, got ${JSON.stringify(r)}`);
  return r.id;
}

async function readAll(adapter: CrmAdapter, checkpoint: string | null): Promise<CrmRecord[]> {
  const pages: CrmChangePage[] = [];
  for await (const page of adapter.readChanges(checkpoint)) pages.push(page);
  return pages.flatMap((p) => [...p.records]);
}

describe('Salesforce adapter on Account', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startAccountHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.fake.http.faults.clear();
    h.fake.control.accounts.clearRejections();
    h.fake.control.useRealClock();
  });

  it('upserts 450 accounts in 3 calls by Propstreet_Id__c, and a rerun creates nothing', async () => {
    const inputs = companies(450, 'bulk');
    const before = h.apiCalls(UPSERT_PATH);
    const first = await h.adapter.upsertByKey(inputs);
    expect(h.apiCalls(UPSERT_PATH) - before).toBe(3);
    expect(first.every((r) => r.ok && r.created)).toBe(true);
    expect(first.every((r) => idOf(r).startsWith('001'))).toBe(true);
    const again = await h.adapter.upsertByKey(inputs);
    expect(again.every((r) => r.ok && !r.created)).toBe(true);
    expect(again.map(idOf)).toEqual(first.map(idOf));
    expect(h.fake.control.accounts.getByKey('bulk-7')).toMatchObject({ Name: 'bulk Company 7' });
    // Contacts are another table: nothing was written there.
    expect(h.fake.control.count()).toBe(0);
  });

  it('refuses an account without Name before any call, and a cleared or too long Name per record', async () => {
    const [created] = await h.adapter.upsertByKey([{ key: 'named-1', properties: { Name: 'Named AB' } }]);
    const id = idOf(created);
    const sentBefore = h.fake.http.requests.length;
    const [noName, blankName] = await h.adapter.upsertByKey([
      { key: 'nameless-1', properties: { Website: 'nameless.example' } },
      { key: 'nameless-2', properties: { Name: '  ' } },
    ]);
    expect(failed(noName)).toMatchObject({
      code: 'required-missing',
      crmCode: 'REQUIRED_FIELD_MISSING',
      fields: ['Name'],
    });
    expect(failed(blankName)).toMatchObject({ code: 'required-missing', fields: ['Name'] });
    const [cleared] = await h.adapter.update([{ id, properties: { Name: null } }]);
    expect(failed(cleared)).toMatchObject({ code: 'required-missing', fields: ['Name'] });
    expect(h.fake.http.requests.length).toBe(sentBefore);

    const [tooLong, fine] = await h.adapter.upsertByKey([
      { key: 'long-1', properties: { Name: 'x'.repeat(256) } },
      { key: 'long-2', properties: { Name: 'y'.repeat(255) } },
    ]);
    expect(failed(tooLong)).toMatchObject({ code: 'invalid', crmCode: 'STRING_TOO_LONG', fields: ['Name'] });
    expect(fine?.ok).toBe(true);
  });

  it('reads Account changes: created, updated, deleted and merged away, resumable from a checkpoint', async () => {
    const T0 = Date.parse('2025-06-01T08:00:00Z');
    h.fake.control.setClock(T0);
    const ids = h.fake.control.accounts.generate(6, { prefix: 'delta-' });
    const initial = await readAll(h.adapter, null);
    expect(initial.map((r) => r.id)).toEqual(expect.arrayContaining(ids));
    const checkpoint = '2025-06-01T08:00:00.000Z';

    h.fake.control.advanceClock(5_000);
    const [edited, deleted, master, loser1, loser2] = ids as [string, string, string, string, string];
    h.fake.control.accounts.edit(edited, { Industry: 'Banking' });
    h.fake.control.accounts.remove(deleted);
    h.fake.control.accounts.merge(master, [loser1, loser2]);
    const changes = await readAll(h.adapter, checkpoint);
    const byId = new Map(changes.map((r) => [r.id, r]));
    expect(byId.get(edited)).toMatchObject({ deleted: false, properties: { Industry: 'Banking' } });
    expect(byId.get(deleted)).toMatchObject({ deleted: true });
    expect(byId.get(deleted)?.mergedInto).toBeUndefined();
    for (const loser of [loser1, loser2])
      expect(byId.get(loser)).toMatchObject({ deleted: true, mergedInto: master });
    expect(byId.get(master)).toMatchObject({ deleted: false });
    expect(byId.get(edited)?.modifiedAt).toBe('2025-06-01T08:00:05.000Z');
    // A lookup by id does not see the deleted account; a merged-away one reads as merged (queryAll).
    expect(
      (await h.adapter.readByIds([deleted, loser1, master])).map((r) => [r.id, r.deleted, r.mergedInto]),
    ).toEqual([
      [master, false, undefined],
      [loser1, true, master],
    ]);
    expect(changes.map((r) => Date.parse(r.modifiedAt))).toEqual(
      changes.map((r) => Date.parse(r.modifiedAt)).sort((a, b) => a - b),
    );
  });

  it('deletes to the recycle bin: gone from live reads, still in the change feed, a repeat is not-found', async () => {
    const [r] = await h.adapter.upsertByKey([{ key: 'binned-1', properties: { Name: 'Binned Ltd' } }]);
    const id = idOf(r);
    expect((await h.adapter.delete([id]))[0]).toMatchObject({ ok: true, id });
    expect(await h.adapter.readByIds([id])).toEqual([]);
    expect(await h.adapter.readByKeys(['binned-1'])).toEqual([]);
    expect(h.fake.control.accounts.get(id)).toMatchObject({ IsDeleted: true });
    expect(failed((await h.adapter.delete([id]))[0])).toMatchObject({ code: 'not-found' });
    expect(failed((await h.adapter.update([{ id, properties: { Phone: '1' } }]))[0])).toMatchObject({
      code: 'not-found',
      crmCode: 'ENTITY_IS_DELETED',
    });
  });

  it('fails the delete of an account whose contact has a case, naming what to do, held until it changes', async () => {
    const [account] = h.fake.control.accounts.seed([{ Name: 'Casey Corp', Propstreet_Id__c: 'cased-1' }]);
    const [contact] = h.fake.control.seed([{ LastName: 'Casey', AccountId: account ?? '' }]);
    h.fake.control.attachCase(contact ?? '', '00001234');
    const error = failed((await h.adapter.delete([account ?? '']))[0]);
    expect(error).toMatchObject({ code: 'invalid', crmCode: 'DELETE_FAILED', untilChanged: true });
    expect(error.message).toMatch(/Casey Corp .*00001234/);
    expect(error.message).toMatch(/keeps an account with cases/);
    expect(h.fake.control.accounts.get(account ?? '')).toMatchObject({ IsDeleted: false });
  });

  it('respects the standard Account duplicate rule on create only when told to; edits never trip it', async () => {
    h.fake.control.accounts.seed([
      {
        Name: 'Dupe Industries Inc.',
        BillingCity: 'Oslo',
        BillingPostalCode: '0150',
        Propstreet_Id__c: 'dupe-0',
      },
    ]);
    const twin = { Name: 'DUPE Industries', BillingCity: 'oslo', BillingPostalCode: '0150' };
    const respecting = h.makeAdapter({ sObject: 'Account', duplicateRules: 'respect' });
    const [blocked] = await respecting.upsertByKey([{ key: 'dupe-1', properties: twin }]);
    expect(failed(blocked)).toMatchObject({
      code: 'duplicate',
      crmCode: 'DUPLICATES_DETECTED',
      untilChanged: true,
    });
    expect(failed(blocked).existingId).toBeUndefined();
    // The default saves past the alert, as the connector needs in real orgs.
    const [saved] = await h.adapter.upsertByKey([{ key: 'dupe-1', properties: twin }]);
    expect(saved).toMatchObject({ ok: true, created: true });
    // The rule's edit action only reports: an update that makes a duplicate is saved.
    const [other] = await respecting.upsertByKey([{ key: 'dupe-2', properties: { Name: 'Elsewhere AS' } }]);
    const [edit] = await respecting.update([{ id: idOf(other), properties: twin }]);
    expect(edit).toMatchObject({ ok: true });
  });

  it('isolates a rejected account in a batch', async () => {
    h.fake.control.accounts.reject({
      field: 'Propstreet_Id__c',
      value: 'rej-1',
      statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Industry is required for customers',
      fields: ['Industry'],
    });
    const results = await h.adapter.upsertByKey(companies(3, 'rej'));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(failed(results[1])).toMatchObject({ code: 'invalid', fields: ['Industry'] });
  });

  describe('findByMatch on Website', () => {
    let acme: string;
    beforeAll(() => {
      const ids = h.fake.control.accounts.seed([
        { Name: 'Acme', Website: 'https://www.Acme-Match.com/about', Propstreet_Id__c: 'm-1' },
        { Name: 'Acme shop', Website: 'shop.acme-match.com', Propstreet_Id__c: 'm-2' },
        { Name: 'Acme AU', Website: 'acme-match.com.au', Propstreet_Id__c: 'm-3' },
        { Name: 'Not Acme', Website: 'http://notacme-match.com', Propstreet_Id__c: 'm-4' },
        { Name: 'Under_score', Website: 'under_score-match.io', Propstreet_Id__c: 'm-5' },
        { Name: 'Underscore lookalike', Website: 'underXscore-match.io', Propstreet_Id__c: 'm-6' },
        { Name: 'Gone', Website: 'gone-match.com', Propstreet_Id__c: 'm-7' },
        { Name: 'No site', Propstreet_Id__c: 'm-8' },
      ]);
      acme = ids[0] ?? '';
      h.fake.control.accounts.remove(ids[6] ?? '');
    });

    it('finds live accounts whose website host equals the domain, however the website is written', async () => {
      const found = await h.adapter.findByMatch('Website', ['ACME-match.com']);
      expect(found.map((r) => r.id)).toEqual([acme]);
      // The record carries the website as stored; the caller compares hosts (websiteHost).
      expect(found[0]?.properties.Website).toBe('https://www.Acme-Match.com/about');
      for (const form of ['www.acme-match.com', 'https://acme-match.com/', 'acme-match.com:443'])
        expect((await h.adapter.findByMatch('website', [form])).map((r) => r.id)).toEqual([acme]);
    });

    it('does not take subdomains, longer domains, lookalikes, wildcards or deleted accounts for a match', async () => {
      const found = await h.adapter.findByMatch('Website', [
        'shop.acme-match.com',
        'under_score-match.io',
        'gone-match.com',
        '',
        '   ',
      ]);
      expect(found.map((r) => r.properties.Website).sort()).toEqual([
        'shop.acme-match.com',
        'under_score-match.io',
      ]);
    });

    it('sends one search per 50 domains', async () => {
      const domains = Array.from({ length: 120 }, (_, i) => `nothing${i}.example`);
      const before = h.apiCalls('/query');
      expect(await h.adapter.findByMatch('Website', [...domains, 'acme-match.com'])).toHaveLength(1);
      expect(h.apiCalls('/query') - before).toBe(3);
      expect(h.adapter.usage().calls.search).toBeGreaterThanOrEqual(3);
    });

    it('matches other fields by SOQL equality, case-insensitively', async () => {
      const found = await h.adapter.findByMatch('Name', ['acme', 'NOT ACME']);
      expect(found.map((r) => r.properties.Name).sort()).toEqual(['Acme', 'Not Acme']);
    });
  });
});

describe('Salesforce adapter setup on Account', () => {
  it('passes on an org with the key field on Account, and reads its sample', async () => {
    const h = await startAccountHarness();
    try {
      const check = await h.adapter.check();
      expect(check.ok, JSON.stringify(check.checks)).toBe(true);
      expect(check.checks.find((c) => c.name === 'key-field')?.message).toBe(
        'Account.Propstreet_Id__c is a unique External ID',
      );
      h.fake.control.accounts.seed([{ Name: 'Sampled', Propstreet_Id__c: 'sample-1' }]);
      h.fake.control.seed([{ LastName: 'Not an account', Propstreet_Id__c: 'contact-key' }]);
      const report = await h.adapter.inspectKeyField(10);
      expect(report).toMatchObject({ field: 'Propstreet_Id__c', problems: [], sample: ['sample-1'] });
    } finally {
      await h.close();
    }
  });

  it('names Account and its Object Manager page when the key field is missing there', async () => {
    const h = await startAccountHarness({ accountExternalIdField: null });
    try {
      const check = await h.adapter.setup();
      expect(check.ok).toBe(false);
      const key = check.checks.find((c) => c.name === 'key-field');
      expect(key?.message).toMatch(/^Account has no field Propstreet_Id__c\./);
      expect(key?.message).toMatch(/Object Manager → Account → Fields & Relationships → New/);
      const report = await h.adapter.inspectKeyField(10);
      expect(report.problems).toEqual(['Account has no field Propstreet_Id__c']);
      expect(report.fix).toMatch(/on Account/);
      // The Contact adapter of the same org is fine: the field exists there.
      expect((await h.makeAdapter({ sObject: 'Contact', fields: ['LastName'] }).check()).ok).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('names mapped fields that Account does not have', async () => {
    const h = await startAccountHarness({}, { fields: ['Name', 'Email', 'Domain__c'] });
    try {
      const fields = (await h.adapter.check()).checks.find((c) => c.name === 'fields');
      expect(fields).toMatchObject({ ok: false });
      expect(fields?.message).toMatch(/^Account has no field Email, Domain__c visible to this user/);
    } finally {
      await h.close();
    }
  });
});
