/**
 * The fakes' identity endpoints (see each fake's README): one instance is one Propstreet
 * organisation, HubSpot portal or Salesforce org, different per instance unless named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../fakes/hubspot/hubspot-fake.js';
import {
  PROPSTREET_FAKE_TOKEN,
  type PropstreetFake,
  startPropstreetFake,
} from '../../fakes/propstreet/server.js';
import { type SalesforceFake, startSalesforceFake } from '../../fakes/salesforce/salesforce-fake.js';

describe('fakes: who the credentials belong to', () => {
  let ps: PropstreetFake[];
  let hs: HubSpotFake[];
  let sf: SalesforceFake[];
  beforeAll(async () => {
    ps = await Promise.all([
      startPropstreetFake(),
      startPropstreetFake({ organisation: { teamId: 't-42' } }),
    ]);
    hs = await Promise.all([startHubSpotFake(), startHubSpotFake({ portalId: 123 })]);
    sf = await Promise.all([startSalesforceFake(), startSalesforceFake({ orgId: '00D000000000042AAA' })]);
  });
  afterAll(async () => {
    await Promise.all([...ps, ...hs, ...sf].map((f) => f.close()));
  });
  const get = async (url: string, token?: string) => {
    const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('Propstreet: GET /api/v1/auth/me names the primary team, behind the bearer token', async () => {
    const [a, b] = await Promise.all(ps.map((f) => get(`${f.url}/api/v1/auth/me`, PROPSTREET_FAKE_TOKEN)));
    expect(a?.status).toBe(200);
    expect(a?.body).toMatchObject({
      id: expect.any(String),
      isBot: true,
      primaryTeam: { id: expect.any(String) },
    });
    expect(b?.body).toMatchObject({ primaryTeam: { id: 't-42' } });
    expect(ps[0]!.organisation.teamId).not.toBe('t-42');
    expect(a?.body.primaryTeam).toMatchObject({ id: ps[0]!.organisation.teamId });
    expect((await get(`${ps[0]!.url}/api/v1/auth/me`)).status).toBe(401);
  });

  it('HubSpot: GET /account-info/v3/details names the portal, behind the bearer token', async () => {
    const [a, b] = await Promise.all(hs.map((f) => get(`${f.url}/account-info/v3/details`, 'pat-na1-x')));
    expect(a?.body).toMatchObject({ portalId: hs[0]!.portalId, accountType: 'STANDARD' });
    expect(b?.body).toMatchObject({ portalId: 123 });
    expect(hs[0]!.portalId).not.toBe(123);
    expect((await get(`${hs[0]!.url}/account-info/v3/details`)).status).toBe(401);
  });

  it('Salesforce: SELECT Id, Name FROM Organization returns the one org row; other columns are INVALID_FIELD', async () => {
    const q = (f: SalesforceFake, soql: string) =>
      get(`${f.url}/services/data/v${f.version}/query?q=${encodeURIComponent(soql)}`, f.accessToken);
    const [a, b] = await Promise.all(sf.map((f) => q(f, 'SELECT Id, Name FROM Organization')));
    expect(a?.body).toMatchObject({
      totalSize: 1,
      done: true,
      records: [{ Id: sf[0]!.orgId, Name: expect.any(String) }],
    });
    expect(b?.body).toMatchObject({ records: [{ Id: '00D000000000042AAA' }] });
    expect(sf[0]!.orgId).toMatch(/^00D[0-9A-Za-z]{15}$/);
    const bad = await q(sf[0]!, 'SELECT Id, Secret FROM Organization');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject([{ errorCode: 'INVALID_FIELD' }]);
  });
});
