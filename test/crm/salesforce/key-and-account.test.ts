/**
 * The Salesforce adapter's answers to the run's preflight: which org the session reaches
 * (`SELECT Id, Name FROM Organization`), and why a Contact field cannot be the key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

describe('Salesforce: org identity and key field', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('names the org with one query, counted as `meta`', async () => {
    h = await startHarness({ orgId: '00D5g000004AbCdEAF', orgName: 'Acme AB' });
    expect(await h.adapter.identity()).toEqual({ id: 'salesforce-org:00D5g000004AbCdEAF', label: 'Acme AB' });
    expect(h.adapter.usage().calls).toEqual({ meta: 1 });
  });

  it.each([
    ['Email', /standard field.*type email, not Text.*not an External ID.*not Unique/],
    ['Loose_Key__c', /not an External ID; .*not Unique/],
    ['Missing__c', /no field Missing__c/],
  ])('refuses %s as the key, with the steps to create one', async (name, why) => {
    h = await startHarness({ customFields: [{ name: 'Loose_Key__c' }] }, { externalIdField: name });
    const report = await h.adapter.inspectKeyField(10);
    expect(report.problems.join('; ')).toMatch(why);
    expect(report.fix).toContain('Fields & Relationships → New');
    expect(report.sample).toEqual([]);
  });

  it('samples the values the key holds; validate --check applies the same rules', async () => {
    h = await startHarness({ customFields: [{ name: 'Loose_Key__c' }] });
    h.fake.control.seed([
      { LastName: 'A', Propstreet_Id__c: '1001' },
      { LastName: 'B', Propstreet_Id__c: null },
    ]);
    expect(await h.adapter.inspectKeyField(10)).toMatchObject({
      field: 'Propstreet_Id__c',
      problems: [],
      sample: ['1001'],
    });
    const check = await h.makeAdapter({ externalIdField: 'Loose_Key__c' }).check();
    expect(check.checks.find((c) => c.name === 'key-field')).toMatchObject({
      ok: false,
      message: expect.stringContaining('Contact.Loose_Key__c is not an External ID'),
    });
  });
});
