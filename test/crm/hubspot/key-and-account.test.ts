/**
 * The HubSpot adapter's answers to the run's preflight, against the fake's HubSpot-defined
 * properties: which portal the token reaches, and why a property cannot be the key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter } from '../../../src/crm/hubspot/hubspot-adapter.js';
import { FAST, FAST_LIMITS, MAPPED, type Started, startHubSpot } from './hubspot-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('HubSpot: portal identity and key property', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.fake.close();
    started = undefined;
  });
  const adapterFor = (keyProperty: string) =>
    createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-key-token-0001',
      basePath: started!.fake.url,
      keyProperty,
      properties: MAPPED,
      limits: FAST_LIMITS,
    });

  it('names the portal from /account-info/v3/details, one call counted as `account`', async () => {
    started = await startHubSpot({ ...FAST, portalId: 42_424_242 });
    expect(await started.adapter.identity()).toEqual({
      id: 'hubspot-portal:42424242',
      label: 'app-eu1.hubspot.com',
    });
    expect(started.adapter.usage().calls).toEqual({ account: 1 });
  });

  it.each([
    ['website', /one of HubSpot's own contact properties.*not unique/],
    ['hs_object_id', /HubSpot's own.*of type number, not single-line text/],
    ['nothing_here', /does not exist/],
  ])('refuses %s as the key, saying how to create one', async (name, why) => {
    started = await startHubSpot();
    const report = await adapterFor(name).inspectKeyField(10);
    expect(report.problems.join('; ')).toMatch(why);
    expect(report.fix).toContain('propsync validate <config> --check --setup');
    expect(report.sample).toEqual([]);
  });

  it('samples only the values the key holds, and validate --check applies the same rules', async () => {
    started = await startHubSpot();
    started.fake.control.seed([
      { properties: { email: 'a@x.example', propstreet_id: '1001' } },
      { properties: { email: 'b@x.example' } },
    ]);
    const report = await started.adapter.inspectKeyField(10);
    expect(report).toMatchObject({ field: 'propstreet_id', problems: [], sample: ['1001'] });
    const check = await adapterFor('website').check();
    expect(check.checks.find((c) => c.name === 'key-property')).toMatchObject({
      ok: false,
      message: expect.stringContaining("one of HubSpot's own contact properties"),
    });
  });
});
