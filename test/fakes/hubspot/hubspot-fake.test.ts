/**
 * The fake's faithfulness, checked through the real SDK where the SDK is the judge (it
 * rejects any success code other than the one it expects) and raw HTTP for the wire.
 */
import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../../fakes/hubspot/hubspot-fake.js';
import { clockPast } from '../../support/clock-past.js';
import { requestToken } from '../../support/hubspot-token.js';

const AUTH = { authorization: 'Bearer pat-test-0001', 'content-type': 'application/json' };

describe('HubSpot fake', () => {
  let fake: HubSpotFake;
  let sdk: Client;
  beforeEach(async () => {
    fake = await startHubSpotFake({
      customProperties: [{ name: 'propstreet_id', hasUniqueValue: true }],
      rateLimit: { max: 1_000 },
      searchPerSecond: 1_000,
    });
    sdk = new Client({ accessToken: 'pat-test-0001', basePath: fake.url, numberOfApiCallRetries: 0 });
  });
  afterEach(() => fake.close());

  const post = (path: string, body: unknown) =>
    fetch(`${fake.url}${path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });
  const search = (body: unknown) => post('/crm/v3/objects/contacts/search', body);

  it('answers with the exact success codes the SDK expects', async () => {
    const api = sdk.crm.contacts;
    const one = await api.basicApi.createWithHttpInfo({
      properties: { email: 'one@f.example.com' },
      associations: [],
    });
    expect(one.httpStatusCode).toBe(201);
    const batch = await api.batchApi.createWithHttpInfo({
      inputs: [{ properties: { email: 'two@f.example.com' }, associations: [] }],
    });
    expect(batch.httpStatusCode).toBe(201);
    const id = one.data.id;
    expect((await api.basicApi.getByIdWithHttpInfo(id)).httpStatusCode).toBe(200);
    expect(
      (await api.basicApi.updateWithHttpInfo(id, { properties: { firstname: 'A' } })).httpStatusCode,
    ).toBe(200);
    const upsert = await api.batchApi.upsertWithHttpInfo({
      inputs: [{ id: 'ps-1', idProperty: 'propstreet_id', properties: { firstname: 'U' } }],
    });
    expect(upsert.httpStatusCode).toBe(200);
    expect(upsert.data.results[0]?._new).toBe(true);
    expect(
      (await api.batchApi.updateWithHttpInfo({ inputs: [{ id, properties: { lastname: 'B' } }] }))
        .httpStatusCode,
    ).toBe(200);
    const read = await api.batchApi.readWithHttpInfo({
      inputs: [{ id }, { id: '999999' }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(read.httpStatusCode).toBe(207);
    expect((await api.searchApi.doSearchWithHttpInfo({ limit: 1 })).httpStatusCode).toBe(200);
    const merged = await api.basicApi.mergeWithHttpInfo({
      primaryObjectId: id,
      objectIdToMerge: batch.data.results[0]?.id ?? '',
    });
    expect(merged.httpStatusCode).toBe(200);
    expect((await api.batchApi.archiveWithHttpInfo({ inputs: [{ id }] })).httpStatusCode).toBe(204);
    expect((await api.basicApi.archiveWithHttpInfo(upsert.data.results[0]?.id ?? '')).httpStatusCode).toBe(
      204,
    );
    const prop = await sdk.crm.properties.coreApi.getByNameWithHttpInfo('contacts', 'propstreet_id');
    expect(prop.data.hasUniqueValue).toBe(true);
    await expect(sdk.crm.properties.coreApi.getByName('contacts', 'nope')).rejects.toMatchObject({
      code: 404,
    });
  });

  it('always answers application/json, errors and 204 included', async () => {
    const responses = [
      await post('/crm/v3/objects/contacts/batch/archive', { inputs: [{ id: '1' }] }),
      await post('/crm/v3/objects/contacts/batch/upsert', {
        inputs: [{ id: 'x', idProperty: 'propstreet_id', properties: { nope: '1' } }],
      }),
      await fetch(`${fake.url}/crm/v3/objects/contacts`),
    ];
    expect(responses.map((r) => r.status)).toEqual([204, 400, 401]);
    for (const r of responses) expect(r.headers.get('content-type')).toBe('application/json');
    const invalid = (await responses[1]?.json()) as { message: string };
    expect(invalid).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      correlationId: expect.any(String),
    });
    expect(invalid.message).toMatch(/^Property values were not valid: \[.*PROPERTY_DOESNT_EXIST/);
  });

  it('enforces 100 inputs per batch and unique email / unique property values', async () => {
    const tooMany = await post('/crm/v3/objects/contacts/batch/create', {
      inputs: Array.from({ length: 101 }, (_, i) => ({ properties: { email: `m${i}@f.example.com` } })),
    });
    expect(tooMany.status).toBe(400);
    const [taken] = fake.control.seed([
      { properties: { email: 'taken@f.example.com', propstreet_id: 'ps-taken' } },
    ]);
    const dup = await post('/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { properties: { email: 'new@f.example.com' } },
        { properties: { email: 'TAKEN@f.example.com' } },
      ],
    });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toEqual({
      status: 'error',
      message: `Contact already exists. Existing ID: ${taken}`,
      correlationId: expect.any(String),
      category: 'OBJECT_ALREADY_EXISTS',
      error: 'CONTACT_EXISTS',
      errors: [
        {
          message: `A contact with email TAKEN@f.example.com already exists. Existing ID: ${taken}`,
          in: 'email',
        },
      ],
    });
    fake.control.setDuplicateBody('conflict');
    const older = await post('/crm/v3/objects/contacts', { properties: { email: 'taken@f.example.com' } });
    expect(older.status).toBe(409);
    expect(await older.json()).toEqual({
      status: 'error',
      message: `Contact already exists. Existing ID: ${taken}`,
      correlationId: expect.any(String),
      category: 'CONFLICT',
    });
    fake.control.setDuplicateBody('object-already-exists');
    expect(fake.control.dump()).toHaveLength(1);
    const traced = await post('/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { properties: { email: 'new@f.example.com' }, objectWriteTraceId: 'a' },
        { properties: { email: 'taken@f.example.com' }, objectWriteTraceId: 'b' },
      ],
    });
    expect(traced.status).toBe(207);
    const body = (await traced.json()) as { results: unknown[]; errors: unknown[] };
    expect(body.results).toHaveLength(1);
    // The trace id comes back on the error only, never on a success.
    expect(body.results[0]).not.toHaveProperty('objectWriteTraceId');
    expect(body.errors[0]).toMatchObject({
      category: 'OBJECT_ALREADY_EXISTS',
      context: { objectWriteTraceId: ['b'] },
    });
    const uniqueClash = await post('/crm/v3/objects/contacts', { properties: { propstreet_id: 'ps-taken' } });
    expect(uniqueClash.status).toBe(409);
  });

  it('lists enumeration options and refuses a value outside them (INVALID_OPTION)', async () => {
    const all = await sdk.crm.properties.coreApi.getAll('contacts');
    const language = all.results.find((p) => p.name === 'hs_language');
    expect(language).toMatchObject({ type: 'enumeration', fieldType: 'select' });
    expect(language?.options.map((o) => o.value)).toEqual(expect.arrayContaining(['en', 'en-us', 'sv']));
    expect(language?.options.map((o) => o.value)).not.toContain('fi');

    const upsert = await post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'ps-sv', idProperty: 'propstreet_id', properties: { hs_language: 'sv' } },
        { id: 'ps-fi', idProperty: 'propstreet_id', properties: { hs_language: 'fi', firstname: 'Aino' } },
      ],
    });
    // Update and upsert fail as a whole on a bad value; nothing is written.
    expect(upsert.status).toBe(400);
    const body = (await upsert.json()) as { category: string; message: string };
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(body.message).toMatch(/^Property values were not valid: \[/);
    const verdicts = JSON.parse(body.message.slice('Property values were not valid: '.length)) as unknown[];
    expect(verdicts).toEqual([
      expect.objectContaining({
        isValid: false,
        error: 'INVALID_OPTION',
        name: 'hs_language',
        message: expect.stringMatching(/^fi was not one of the allowed options: \[da, de, en, /),
      }),
    ]);
    expect(fake.control.dump()).toHaveLength(0);

    // A batch create with trace ids on every input: only the bad input fails (207).
    const created = await post('/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { properties: { hs_language: 'en-us' }, objectWriteTraceId: '0' },
        { properties: { hs_language: 'Swedish' }, objectWriteTraceId: '1' },
      ],
    });
    expect(created.status).toBe(207);
    const partial = (await created.json()) as { results: unknown[]; errors: unknown[] };
    expect(partial.results).toHaveLength(1);
    expect(partial.errors).toEqual([
      expect.objectContaining({ category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['1'] } }),
    ]);

    // A portal admin can change the list; clearing needs no option.
    fake.control.setPropertyOptions('hs_language', ['en', 'fi']);
    const later = await post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'ps-fi', idProperty: 'propstreet_id', properties: { hs_language: 'fi' } }],
    });
    expect(later.status).toBe(200);
    const cleared = await post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'ps-fi', idProperty: 'propstreet_id', properties: { hs_language: '' } }],
    });
    expect(cleared.status).toBe(200);
  });

  it('searches with HubSpot operators and limits, never past 10,000 results', async () => {
    const ids = fake.control.seed(
      Array.from({ length: 10_050 }, (_, i) => ({
        properties: { email: `s${i}@f.example.com`, ...(i % 2 ? { jobtitle: `Head of ${i}` } : {}) },
        updatedAt: 1_700_000_000_000 + i,
      })),
    );
    const count = async (filters: unknown[]) =>
      ((await (await search({ filterGroups: [{ filters }], limit: 1 })).json()) as { total: number }).total;
    expect(
      await count([
        { propertyName: 'email', operator: 'IN', values: ['s1@f.example.com', 's2@f.example.com'] },
      ]),
    ).toBe(2);
    expect(await count([{ propertyName: 'email', operator: 'EQ', value: 'S3@F.example.com' }])).toBe(1);
    expect(await count([{ propertyName: 'jobtitle', operator: 'HAS_PROPERTY' }])).toBe(5_025);
    expect(await count([{ propertyName: 'jobtitle', operator: 'NOT_HAS_PROPERTY' }])).toBe(5_025);
    expect(await count([{ propertyName: 'jobtitle', operator: 'CONTAINS_TOKEN', value: '10*' }])).toBe(80);
    expect(
      await count([
        { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(1_700_000_000_000 + 10_000) },
      ]),
    ).toBe(50);
    expect(
      await count([{ propertyName: 'lastmodifieddate', operator: 'LT', value: '2023-11-14T22:13:20.005Z' }]),
    ).toBe(5);
    expect(
      await count([{ propertyName: 'hs_object_id', operator: 'NOT_IN', values: ids.slice(0, 10) }]),
    ).toBe(10_040);

    const tooManyGroups = {
      filterGroups: Array(6).fill({ filters: [{ propertyName: 'email', operator: 'HAS_PROPERTY' }] }),
    };
    // The search guide's limits (last modified 30 Mar 2026): 5 groups, 6 filters a group, 18 in all.
    const filters = (n: number) => Array(n).fill({ propertyName: 'email', operator: 'HAS_PROPERTY' });
    const tooManyInGroup = { filterGroups: [{ filters: filters(7) }] };
    const tooManyInAll = {
      filterGroups: [...Array(3).fill({ filters: filters(6) }), { filters: filters(1) }],
    };
    expect((await search({ filterGroups: [{ filters: filters(6) }], limit: 1 })).status).toBe(200);
    expect((await search({ filterGroups: Array(3).fill({ filters: filters(6) }), limit: 1 })).status).toBe(
      200,
    );
    // "A query can contain a maximum of 3,000 characters": the body as sent, to the character.
    const sized = (chars: number) => {
      const probe = { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: '' }] }] };
      const value = 'x'.repeat(chars - JSON.stringify(probe).length);
      return { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value }] }] };
    };
    expect(JSON.stringify(sized(3_000))).toHaveLength(3_000);
    expect((await search(sized(3_000))).status).toBe(200);
    const tooLong = await search(sized(3_001));
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ category: 'VALIDATION_ERROR' });
    for (const bad of [
      tooManyGroups,
      tooManyInGroup,
      tooManyInAll,
      { limit: 201 },
      { after: '10000' },
      { sorts: ['email', 'firstname'] },
    ])
      expect((await search(bad)).status).toBe(400);

    const last = (await (await search({ limit: 200, after: '9800' })).json()) as {
      paging: { next: { after: string } };
    };
    expect(last.paging.next.after).toBe('10000');
    expect((await search({ limit: 200, after: last.paging.next.after })).status).toBe(400);
    expect((await search({ limit: 1 })).headers.get('x-hubspot-ratelimit-max')).toBeNull();
  });

  it('keeps archived records out of search and lists them only with archived=true', async () => {
    const [a, b, c] = fake.control.seed(
      ['a', 'b', 'c'].map((n) => ({ properties: { email: `${n}@f.example.com` } })),
    );
    fake.control.deleteAsUser(c ?? '');
    const merged = fake.control.mergeAsUser(a ?? '', b ?? '');
    const found = await sdk.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'email', operator: FilterOperatorEnum.HasProperty }] }],
      properties: ['hs_merged_object_ids'],
    });
    expect(found.results.map((r) => r.id)).toEqual([merged]);
    const archived = await sdk.crm.contacts.basicApi.getPage(
      100,
      undefined,
      undefined,
      undefined,
      undefined,
      true,
    );
    expect(archived.results.map((r) => [r.id, r.archived, r.archivedAt instanceof Date])).toEqual([
      [c, true, true],
    ]);
  });

  // HubSpot changelog "Updated merge functionality for contacts and companies".
  it.each([
    ['a', 'b'],
    ['b', 'a'],
  ] as const)(
    'merges into a new record (primary %s): old ids resolve to it, the primary wins',
    async (p, o) => {
      const [a, b] = fake.control.seed([
        { properties: { email: 'a@m.example.com', firstname: 'Ann', propstreet_id: 'ps-a' } },
        {
          properties: {
            email: 'b@m.example.com',
            firstname: 'Bo',
            phone: '+46701234567',
            propstreet_id: 'ps-b',
          },
        },
      ]);
      const ids = { a: a ?? '', b: b ?? '' };
      const api = sdk.crm.contacts;
      const answer = await api.basicApi.merge({ primaryObjectId: ids[p], objectIdToMerge: ids[o] });
      expect([ids.a, ids.b]).not.toContain(answer.id);
      const props = [
        'email',
        'firstname',
        'phone',
        'propstreet_id',
        'hs_merged_object_ids',
        'hs_additional_emails',
      ];
      for (const old of [ids.a, ids.b]) {
        const got = await api.basicApi.getById(old, props);
        expect(got.id).toBe(answer.id);
        expect(got.properties).toMatchObject({
          email: `${p}@m.example.com`,
          firstname: p === 'a' ? 'Ann' : 'Bo',
          // The primary's key; its blank phone is filled from the other record.
          propstreet_id: `ps-${p}`,
          phone: '+46701234567',
          hs_additional_emails: `${o}@m.example.com`,
        });
        expect(got.properties.hs_merged_object_ids?.split(';').sort()).toEqual([ids.a, ids.b].sort());
      }
      const read = await api.batchApi.read({
        inputs: [{ id: ids.a }, { id: ids.b }],
        properties: ['propstreet_id'],
        propertiesWithHistory: [],
      });
      expect(read.results.map((r) => r.id)).toEqual([answer.id]);
      // The key names the merged record; the other key is free again.
      const byKey = await api.basicApi.getById(
        `ps-${p}`,
        ['firstname'],
        undefined,
        undefined,
        false,
        'propstreet_id',
      );
      expect(byKey.id).toBe(answer.id);
      await expect(
        api.basicApi.getById(`ps-${o}`, undefined, undefined, undefined, false, 'propstreet_id'),
      ).rejects.toMatchObject({ code: 404 });
    },
  );

  it('bumps lastmodifieddate on every write, and shares one timestamp while the clock is fixed', async () => {
    const [id] = fake.control.seed([{ properties: { email: 'clock@f.example.com' } }]);
    const at = () => fake.control.get(id ?? '')?.properties.lastmodifieddate;
    const first = at();
    await clockPast(Date.parse(first ?? ''));
    fake.control.editAsUser(id ?? '', { firstname: 'B' });
    expect(Date.parse(at() ?? '')).toBeGreaterThan(Date.parse(first ?? ''));
    fake.control.setClock('2024-05-05T05:05:05.555Z');
    const more = [
      fake.control.createAsUser({ firstname: 'x' }),
      fake.control.createAsUser({ firstname: 'y' }),
    ];
    expect(more.map((m) => fake.control.get(m)?.properties.lastmodifieddate)).toEqual([
      '2024-05-05T05:05:05.555Z',
      '2024-05-05T05:05:05.555Z',
    ]);
  });

  it('sends rate-limit headers, and 429s in HubSpot shape when a limit is hit', async () => {
    fake.control.setRateLimit({ max: 2, intervalMs: 10_000, searchPerSecond: 1 });
    const ok = await fetch(`${fake.url}/crm/v3/objects/contacts`, { headers: AUTH });
    expect(ok.headers.get('x-hubspot-ratelimit-max')).toBe('2');
    expect(ok.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
    expect(ok.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(ok.headers.get('x-hubspot-ratelimit-daily-remaining')).not.toBeNull();
    await fetch(`${fake.url}/crm/v3/objects/contacts`, { headers: AUTH });
    const limited = await fetch(`${fake.url}/crm/v3/objects/contacts`, { headers: AUTH });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    await search({});
    expect(await (await search({})).json()).toMatchObject({ policyName: 'SECONDLY' });
    fake.control.exhaustDailyLimit();
    expect(await (await search({})).json()).toMatchObject({ policyName: 'DAILY' });
  });

  it('gives OAuth access tokens a bucket of their own and no daily limit (no -Daily headers)', async () => {
    fake.control.setRateLimit({ max: 2, oauthMax: 3, intervalMs: 10_000 });
    const granted = await requestToken(fake);
    const { access_token } = (await granted.json()) as { access_token: string };
    const oauth = { authorization: `Bearer ${access_token}` };
    fake.control.exhaustDailyLimit();
    // The private token is out for the day; the OAuth token is not, and counts apart.
    expect((await fetch(`${fake.url}/crm/v3/objects/contacts`, { headers: AUTH })).status).toBe(429);
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await fetch(`${fake.url}/crm/v3/objects/contacts`, { headers: oauth }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]?.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(answers[2]?.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(answers[0]?.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
    expect(answers[0]?.headers.get('x-hubspot-ratelimit-daily-remaining')).toBeNull();
    expect(await answers[3]?.json()).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
  });

  it('shows new writes in search only after the indexing delay', async () => {
    const slow = await startHubSpotFake({ searchIndexDelayMs: 2_000 });
    try {
      slow.control.seed([{ properties: { email: 'late@f.example.com' } }]);
      const total = async () =>
        (
          (await (
            await fetch(`${slow.url}/crm/v3/objects/contacts/search`, {
              method: 'POST',
              headers: AUTH,
              body: '{}',
            })
          ).json()) as { total: number }
        ).total;
      expect(await total()).toBe(0);
      await vi.waitFor(async () => expect(await total()).toBe(1), { timeout: 30_000, interval: 20 });
    } finally {
      await slow.close();
    }
  });

  it('is controllable over HTTP for child processes', async () => {
    const seeded = (await (
      await post('/__control/seed', { contacts: [{ properties: { email: 'http@f.example.com' } }] })
    ).json()) as {
      ids: string[];
    };
    const [id] = seeded.ids;
    await fetch(`${fake.url}/__control/contacts/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ properties: { firstname: 'H' } }),
    });
    await post('/__control/reject', { property: 'firstname', equals: 'Bad' });
    const dump = (await (await fetch(`${fake.url}/__control/dump`)).json()) as {
      contacts: { properties: object }[];
    };
    expect(dump.contacts[0]?.properties).toMatchObject({ email: 'http@f.example.com', firstname: 'H' });
    const rejected = await post('/crm/v3/objects/contacts/batch/update', {
      inputs: [{ id, properties: { firstname: 'Bad' } }],
    });
    expect(rejected.status).toBe(207);
    expect(fake.control.apiRequests().every((r) => !r.path.startsWith('/__control'))).toBe(true);
  });
});
