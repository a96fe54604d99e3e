/**
 * The fake's associations v4 batch endpoints (contacts ↔ companies) through the real SDK,
 * which accepts only its expected success codes, and raw HTTP for limits and shapes.
 */
import { Client } from '@hubspot/api-client';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/companies/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../../fakes/hubspot/hubspot-fake.js';

const AUTH = { authorization: 'Bearer pat-test-0001', 'content-type': 'application/json' };
const spec = (associationTypeId: number) => ({
  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
  associationTypeId,
});

describe('HubSpot fake: associations v4', () => {
  let fake: HubSpotFake;
  let sdk: Client;
  beforeEach(async () => {
    fake = await startHubSpotFake({ rateLimit: { max: 1_000 }, searchPerSecond: 1_000 });
    sdk = new Client({ accessToken: 'pat-test-0001', basePath: fake.url, numberOfApiCallRetries: 0 });
  });
  afterEach(() => fake.close());

  const post = (path: string, body: unknown) =>
    fetch(`${fake.url}${path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });

  it('creates (201), reads (200) and archives (204) with the codes and shapes the SDK expects', async () => {
    const [ada] = fake.control.contacts.seed([{ properties: { email: 'ada@x.example.com' } }]);
    const [acme] = fake.control.companies.seed([{ properties: { name: 'Acme' } }]);
    if (!ada || !acme) throw new Error('seed failed');
    const api = sdk.crm.associations.v4.batchApi;
    const created = await api.createWithHttpInfo('contacts', 'companies', {
      inputs: [{ _from: { id: ada }, to: { id: acme }, types: [spec(279), spec(1)] }],
    });
    expect(created.httpStatusCode).toBe(201);
    expect(created.data.results[0]).toMatchObject({
      fromObjectTypeId: '0-1',
      fromObjectId: ada,
      toObjectTypeId: '0-2',
      toObjectId: acme,
      labels: ['Primary'],
    });
    const read = await api.getPageWithHttpInfo('contacts', 'companies', { inputs: [{ id: ada }] });
    expect(read.httpStatusCode).toBe(200);
    expect(read.data.results[0]?.to).toEqual([
      {
        toObjectId: acme,
        associationTypes: [
          { category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
          { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' },
        ],
      },
    ]);
    // The same association seen from the company: 280 and 2.
    const back = await api.getPage('companies', 'contacts', { inputs: [{ id: acme }] });
    expect(back.results[0]?.to[0]?.associationTypes.map((t) => t.typeId)).toEqual([280, 2]);
    const archived = await api.archiveWithHttpInfo('contacts', 'companies', {
      inputs: [{ _from: { id: ada }, to: [{ id: acme }] }],
    });
    expect(archived.httpStatusCode).toBe(204);
    const none = await api.getPageWithHttpInfo('contacts', 'companies', { inputs: [{ id: ada }] });
    expect(none.httpStatusCode).toBe(207);
    expect(none.data.results).toEqual([]);
    // As captured answers show it (docs/VENDOR-BEHAVIOUR.md H52).
    const raw = await post('/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: ada }] });
    expect(await raw.json()).toMatchObject({
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No company is associated with contact ${ada}.`,
          context: { fromObjectId: [ada], fromObjectType: ['contact'], toObjectType: ['company'] },
        },
      ],
    });
  });

  it('refuses a type from the wrong side, more than 1,000 reads, and needs the contacts scope', async () => {
    const [ada] = fake.control.contacts.seed([{ properties: { email: 'ada@x.example.com' } }]);
    const [acme] = fake.control.companies.seed([{ properties: { name: 'Acme' } }]);
    const wrongSide = await post('/crm/v4/associations/contacts/companies/batch/create', {
      inputs: [{ from: { id: ada }, to: { id: acme }, types: [spec(280)] }],
    });
    expect(wrongSide.status).toBe(400);
    const tooMany = await post('/crm/v4/associations/contacts/companies/batch/read', {
      inputs: Array.from({ length: 1_001 }, (_, i) => ({ id: String(i) })),
    });
    expect(tooMany.status).toBe(400);
    fake.control.denyScopes(['crm.objects.contacts.write']);
    const denied = await post('/crm/v4/associations/contacts/companies/batch/create', {
      inputs: [{ from: { id: ada }, to: { id: acme }, types: [spec(279)] }],
    });
    expect(denied.status).toBe(403);
    expect(fake.control.associatedCompanies(ada ?? '')).toEqual([]);
  });

  it('counts a company’s associated contacts in num_associated_contacts: calculated, read-only, not stored', async () => {
    const [ada, bob, cy] = fake.control.contacts.seed([
      { properties: { email: 'ada@x.example.com' } },
      { properties: { email: 'bob@x.example.com' } },
      { properties: { email: 'cy@x.example.com' } },
    ]);
    const [acme, empty] = fake.control.companies.seed([
      { properties: { name: 'Acme' } },
      { properties: { name: 'Empty' } },
    ]);
    if (!ada || !bob || !cy || !acme || !empty) throw new Error('seed failed');
    const definition = await sdk.crm.properties.coreApi.getByName('companies', 'num_associated_contacts');
    expect(definition).toMatchObject({
      type: 'number',
      fieldType: 'number',
      groupName: 'companyinformation',
      calculated: true,
      hubspotDefined: true,
      modificationMetadata: { readOnlyValue: true },
    });

    await sdk.crm.associations.v4.batchApi.create('contacts', 'companies', {
      inputs: [
        { _from: { id: ada }, to: { id: acme }, types: [spec(1)] },
        { _from: { id: bob }, to: { id: acme }, types: [spec(279)] },
      ],
    });
    const props = ['name', 'num_associated_contacts'];
    const count = async (id: string) =>
      (await sdk.crm.companies.basicApi.getById(id, props)).properties.num_associated_contacts;
    expect(await count(acme)).toBe('2');
    expect(await count(empty)).toBe('0');
    const read = await sdk.crm.companies.batchApi.read({
      inputs: [{ id: acme }, { id: empty }],
      properties: props,
      propertiesWithHistory: [],
    });
    expect(Object.fromEntries(read.results.map((r) => [r.id, r.properties.num_associated_contacts]))).toEqual(
      {
        [acme]: '2',
        [empty]: '0',
      },
    );
    const found = await sdk.crm.companies.searchApi.doSearch({
      filterGroups: [
        {
          filters: [{ propertyName: 'num_associated_contacts', operator: FilterOperatorEnum.Gt, value: '0' }],
        },
      ],
      properties: props,
      limit: 10,
      after: '0',
      sorts: [],
    });
    expect(found.results.map((r) => [r.id, r.properties.num_associated_contacts])).toEqual([[acme, '2']]);

    // It follows the associations: one more, one removed, one contact archived.
    await sdk.crm.associations.v4.batchApi.create('contacts', 'companies', {
      inputs: [{ _from: { id: cy }, to: { id: acme }, types: [spec(279)] }],
    });
    expect(await count(acme)).toBe('3');
    await sdk.crm.associations.v4.batchApi.archive('contacts', 'companies', {
      inputs: [{ _from: { id: cy }, to: [{ id: acme }] }],
    });
    await sdk.crm.contacts.basicApi.archive(bob);
    expect(await count(acme)).toBe('1');

    // Writing it is refused as HubSpot refuses a calculated property, and nothing is written.
    const before = await sdk.crm.companies.basicApi.getById(acme, ['hs_lastmodifieddate']);
    const write = await fetch(`${fake.url}/crm/v3/objects/companies/${acme}`, {
      method: 'PATCH',
      headers: AUTH,
      body: JSON.stringify({ properties: { name: 'Acme AB', num_associated_contacts: '9' } }),
    });
    expect(write.status).toBe(400);
    const body = (await write.json()) as { category: string; message: string };
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(body.message).toContain('READ_ONLY_VALUE');
    expect(body.message).toContain('num_associated_contacts');
    expect(body.message).toContain('is a calculated property; its value cannot be set.');
    const after = await sdk.crm.companies.basicApi.getById(acme, [
      'name',
      'hs_lastmodifieddate',
      'num_associated_contacts',
    ]);
    expect(after.properties).toMatchObject({
      name: 'Acme',
      hs_lastmodifieddate: before.properties.hs_lastmodifieddate,
      num_associated_contacts: '1',
    });
    const upsert = await post('/crm/v3/objects/companies/batch/update', {
      inputs: [{ id: acme, properties: { num_associated_contacts: '9' } }],
    });
    expect(upsert.status).toBe(400);
  });
});
