/**
 * The fake's companies endpoints, through the real SDK (`crm.companies`) where the SDK judges
 * success codes, and raw HTTP for the wire. What backs each behaviour is in
 * docs/VENDOR-BEHAVIOUR.md ("HubSpot companies").
 */
import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/companies/index.js';
import {
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
} from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../../fakes/hubspot/hubspot-fake.js';

const AUTH = { authorization: 'Bearer pat-test-0001', 'content-type': 'application/json' };
const KEY = 'propstreet_id';

describe('HubSpot fake: companies', () => {
  let fake: HubSpotFake;
  let sdk: Client;
  beforeEach(async () => {
    fake = await startHubSpotFake({
      companyProperties: [{ name: KEY, hasUniqueValue: true }],
      rateLimit: { max: 1_000 },
      searchPerSecond: 1_000,
    });
    sdk = new Client({ accessToken: 'pat-test-0001', basePath: fake.url, numberOfApiCallRetries: 0 });
  });
  afterEach(() => fake.close());

  const post = (path: string, body: unknown) =>
    fetch(`${fake.url}${path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });
  const search = (body: unknown) => post('/crm/v3/objects/companies/search', body);

  it('answers the companies endpoints with the exact success codes the SDK expects', async () => {
    const api = sdk.crm.companies;
    const one = await api.basicApi.createWithHttpInfo({
      properties: { name: 'One', domain: 'one.example.com' },
    });
    expect(one.httpStatusCode).toBe(201);
    const batch = await api.batchApi.createWithHttpInfo({ inputs: [{ properties: { name: 'Two' } }] });
    expect(batch.httpStatusCode).toBe(201);
    const id = one.data.id;
    expect((await api.basicApi.getByIdWithHttpInfo(id)).httpStatusCode).toBe(200);
    expect((await api.basicApi.updateWithHttpInfo(id, { properties: { city: 'Lund' } })).httpStatusCode).toBe(
      200,
    );
    const upsert = await api.batchApi.upsertWithHttpInfo({
      inputs: [{ id: 'ps-1', idProperty: KEY, properties: { name: 'Upserted' } }],
    });
    expect(upsert.httpStatusCode).toBe(200);
    expect(upsert.data.results[0]?._new).toBe(true);
    expect(
      (await api.batchApi.updateWithHttpInfo({ inputs: [{ id, properties: { zip: '22100' } }] }))
        .httpStatusCode,
    ).toBe(200);
    const read = await api.batchApi.readWithHttpInfo({
      inputs: [{ id: 'ps-1' }, { id: 'ps-missing' }],
      properties: ['name'],
      propertiesWithHistory: [],
      idProperty: KEY,
    });
    expect(read.httpStatusCode).toBe(207);
    expect(read.data.results.map((r) => r.properties.name)).toEqual(['Upserted']);
    expect(JSON.stringify(read.data)).toMatch(/Could not get some COMPANY objects/);
    expect((await api.searchApi.doSearchWithHttpInfo({ limit: 1 })).httpStatusCode).toBe(200);
    const merged = await api.basicApi.mergeWithHttpInfo({
      primaryObjectId: id,
      objectIdToMerge: batch.data.results[0]?.id ?? '',
    });
    expect(merged.httpStatusCode).toBe(200);
    expect(
      (await api.batchApi.archiveWithHttpInfo({ inputs: [{ id: merged.data.id }] })).httpStatusCode,
    ).toBe(204);
    expect((await api.basicApi.archiveWithHttpInfo(upsert.data.results[0]?.id ?? '')).httpStatusCode).toBe(
      204,
    );
    // Contacts never saw any of it.
    expect(fake.control.contacts.dump()).toEqual([]);
  });

  it('has HubSpot’s default company properties, hs_lastmodifieddate and no lastmodifieddate', async () => {
    const all = await sdk.crm.properties.coreApi.getAll('companies');
    const names = all.results.map((p) => p.name);
    for (const n of ['name', 'domain', 'website', 'phone', 'city', 'country', 'industry', 'description'])
      expect(names).toContain(n);
    for (const n of ['createdate', 'hs_lastmodifieddate', 'hs_object_id', 'hs_merged_object_ids'])
      expect(names).toContain(n);
    expect(names).not.toContain('lastmodifieddate');
    expect(names).not.toContain('email');
    const domain = all.results.find((p) => p.name === 'domain');
    expect(domain).toMatchObject({
      hubspotDefined: true,
      hasUniqueValue: false,
      groupName: 'companyinformation',
    });
    const industry = all.results.find((p) => p.name === 'industry');
    expect(industry?.type).toBe('enumeration');
    expect(industry?.options.map((o) => o.value)).toContain('REAL_ESTATE');

    // Default search properties: name, domain, createdate, hs_lastmodifieddate, hs_object_id.
    fake.control.companies.seed([{ properties: { name: 'Acme', domain: 'acme.example.com', city: 'Lund' } }]);
    const found = (await (await search({})).json()) as { results: { properties: object }[] };
    expect(Object.keys(found.results[0]?.properties ?? {}).sort()).toEqual(
      ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'].sort(),
    );
    const bad = await search({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ message: expect.stringMatching(/does not exist on companies/) });
  });

  it('lets two companies share a domain, keeps propstreet_id unique, refuses an unknown industry', async () => {
    const created = await post('/crm/v3/objects/companies/batch/create', {
      inputs: [
        { properties: { name: 'Acme AB', domain: 'acme.example.com', [KEY]: 'ps-1' } },
        { properties: { name: 'Acme Fastigheter', domain: 'acme.example.com' } },
      ],
    });
    expect(created.status).toBe(201);
    const clash = await post('/crm/v3/objects/companies/batch/create', {
      inputs: [{ properties: { name: 'Copy', [KEY]: 'ps-1' } }],
    });
    expect(clash.status).toBe(409);
    expect(await clash.json()).toMatchObject({
      category: 'CONFLICT',
      message: expect.stringMatching(
        /A company with the value "ps-1" for the unique property "propstreet_id" already exists\. Existing ID: \d+/,
      ),
    });
    const industry = await post('/crm/v3/objects/companies/batch/upsert', {
      inputs: [{ id: 'ps-2', idProperty: KEY, properties: { industry: 'Real estate' } }],
    });
    expect(industry.status).toBe(400);
    expect(((await industry.json()) as { message: string }).message).toMatch(/INVALID_OPTION/);
    const tooMany = await post('/crm/v3/objects/companies/batch/update', {
      inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i), properties: { name: 'x' } })),
    });
    expect(tooMany.status).toBe(400);
    // domain is not unique, so it cannot be an idProperty.
    const byDomain = await post('/crm/v3/objects/companies/batch/read', {
      inputs: [{ id: 'acme.example.com' }],
      properties: [],
      propertiesWithHistory: [],
      idProperty: 'domain',
    });
    expect(byDomain.status).toBe(400);
  });

  it('searches companies with the contacts’ limits: IN on domain, sorted by hs_lastmodifieddate, 10,000 at most', async () => {
    fake.control.companies.seed(
      Array.from({ length: 10_020 }, (_, i) => ({
        properties: { name: `Co ${i}`, domain: `co${i}.example.com` },
        updatedAt: 1_700_000_000_000 + i,
      })),
    );
    const found = await sdk.crm.companies.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            {
              propertyName: 'domain',
              operator: FilterOperatorEnum.In,
              values: ['co7.example.com', 'co9.example.com'],
            },
          ],
        },
      ],
      properties: ['domain'],
      limit: 10,
    });
    expect(found.results.map((r) => r.properties.domain).sort()).toEqual([
      'co7.example.com',
      'co9.example.com',
    ]);
    const recent = (await (
      await search({
        filterGroups: [
          {
            filters: [
              {
                propertyName: 'hs_lastmodifieddate',
                operator: 'GTE',
                value: String(1_700_000_000_000 + 10_000),
              },
            ],
          },
        ],
        sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
        limit: 200,
      })
    ).json()) as { total: number; results: { properties: { name: string } }[] };
    expect(recent.total).toBe(20);
    expect(recent.results[0]?.properties.name).toBe('Co 10000');
    expect((await search({ limit: 200, after: '10000' })).status).toBe(400);
    expect((await search({ limit: 201 })).status).toBe(400);
  });

  it('lists archived companies only with archived=true, and merges keep the other domain as an additional one', async () => {
    const [a, b, c] = fake.control.companies.seed([
      { properties: { name: 'A', domain: 'a.example.com', [KEY]: 'ps-a' } },
      { properties: { name: 'B', domain: 'b.example.com', phone: '+4640123456', [KEY]: 'ps-b' } },
      { properties: { name: 'C' } },
    ]);
    fake.control.companies.deleteAsUser(c ?? '');
    const merged = fake.control.companies.mergeAsUser(a ?? '', b ?? '');
    const archived = await sdk.crm.companies.basicApi.getPage(
      100,
      undefined,
      undefined,
      undefined,
      undefined,
      true,
    );
    expect(archived.results.map((r) => r.id)).toEqual([c]);
    const live = await sdk.crm.companies.basicApi.getPage(100);
    expect(live.results.map((r) => r.id)).toEqual([merged]);
    const got = await sdk.crm.companies.basicApi.getById(b ?? '', [
      'domain',
      'phone',
      KEY,
      'hs_additional_domains',
      'hs_merged_object_ids',
    ]);
    expect(got.id).toBe(merged);
    expect(got.properties).toMatchObject({
      domain: 'a.example.com',
      phone: '+4640123456',
      [KEY]: 'ps-a',
      hs_additional_domains: 'b.example.com',
    });
    expect(got.properties.hs_merged_object_ids?.split(';').sort()).toEqual([a, b].sort());
  });

  it('creates company properties (hasUniqueValue) behind crm.schemas.companies.write, separately from contacts', async () => {
    const created = await sdk.crm.properties.coreApi.createWithHttpInfo('companies', {
      name: 'propstreet_tier',
      label: 'Tier',
      type: PropertyCreateTypeEnum.String,
      fieldType: PropertyCreateFieldTypeEnum.Text,
      groupName: 'companyinformation',
      hasUniqueValue: true,
    });
    expect(created.httpStatusCode).toBe(201);
    expect(fake.control.companies.hasProperty('propstreet_tier')).toBe(true);
    expect(fake.control.contacts.hasProperty('propstreet_tier')).toBe(false);
    fake.control.denyScopes(['crm.schemas.companies.write', 'crm.objects.companies.write']);
    const denied = await post('/crm/v3/properties/companies', {
      name: 'other',
      label: 'Other',
      type: 'string',
      fieldType: 'text',
      groupName: 'companyinformation',
    });
    expect(denied.status).toBe(403);
    expect(JSON.stringify(await denied.json())).toMatch(/crm\.schemas\.companies\.write/);
    expect((await post('/crm/v3/objects/companies', { properties: { name: 'x' } })).status).toBe(403);
    // The contacts scopes are other scopes.
    expect(
      (await post('/crm/v3/objects/contacts', { properties: { email: 'x@y.example.com' } })).status,
    ).toBe(201);
  });

  it('applies the fault knobs to companies: injected 5xx, 429 and per-record rejections', async () => {
    fake.http.faults.add({
      kind: 'status',
      status: 503,
      path: '/crm/v3/objects/companies/batch/upsert',
      times: 1,
    });
    const upsert = () =>
      post('/crm/v3/objects/companies/batch/upsert', {
        inputs: [{ id: 'ps-f', idProperty: KEY, properties: { name: 'Faulty' } }],
      });
    expect((await upsert()).status).toBe(503);
    expect((await upsert()).status).toBe(200);
    fake.control.rejectWhen((p) => p.name === 'Bad', { objectType: 'companies', property: 'name' });
    const rejected = await post('/crm/v3/objects/companies/batch/upsert', {
      inputs: [
        { id: 'ps-g', idProperty: KEY, properties: { name: 'Good' } },
        { id: 'ps-b', idProperty: KEY, properties: { name: 'Bad' } },
      ],
    });
    expect(rejected.status).toBe(207);
    expect(((await rejected.json()) as { results: unknown[] }).results).toHaveLength(1);
    fake.control.setRateLimit({ max: 1, intervalMs: 10_000 });
    await fetch(`${fake.url}/crm/v3/objects/companies`, { headers: AUTH });
    expect((await fetch(`${fake.url}/crm/v3/objects/companies`, { headers: AUTH })).status).toBe(429);
  });

  it('is controllable over HTTP for companies', async () => {
    const seeded = (await (
      await post('/__control/seed', {
        companies: [{ properties: { name: 'Http AB', domain: 'http.example.com' } }],
      })
    ).json()) as { ids: string[]; companyIds: string[] };
    expect(seeded.ids).toEqual([]);
    const [id] = seeded.companyIds;
    await fetch(`${fake.url}/__control/companies/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ properties: { city: 'Malmö' } }),
    });
    const created = (await (
      await post('/__control/companies', { properties: { name: 'Second' } })
    ).json()) as {
      id: string;
    };
    await post('/__control/properties', { objectType: 'companies', name: 'propstreet_rank' });
    const merged = (await (
      await post('/__control/merge', { objectType: 'companies', primaryId: id, mergedId: created.id })
    ).json()) as { id: string };
    const dump = (await (await fetch(`${fake.url}/__control/dump`)).json()) as {
      contacts: unknown[];
      companies: { id: string; properties: object }[];
    };
    expect(dump.contacts).toEqual([]);
    expect(dump.companies.map((c) => c.id)).toEqual([merged.id]);
    expect(dump.companies[0]?.properties).toMatchObject({ name: 'Http AB', city: 'Malmö' });
    await fetch(`${fake.url}/__control/companies/${merged.id}`, { method: 'DELETE' });
    expect(fake.control.companies.get(merged.id)?.archived).toBe(true);
    expect(fake.control.companies.hasProperty('propstreet_rank')).toBe(true);
    expect(fake.control.apiRequests()).toEqual([]);
  });
});
