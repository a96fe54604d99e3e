import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter } from '../../../src/crm/hubspot/hubspot-adapter.js';
import { FAST, FAST_LIMITS, KEY, MAPPED, type Started, startHubSpot } from './hubspot-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('HubSpot check and setup', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.fake.close();
    started = undefined;
  });

  it('check reports the missing key property; setup creates it unique; check then passes', async () => {
    started = await startHubSpot(FAST, FAST_LIMITS, false);
    const { fake, adapter } = started;
    const before = await adapter.check();
    expect(before.ok).toBe(false);
    expect(before.checks.find((c) => c.name === 'key-property')?.message).toMatch(/does not exist/);
    expect(fake.control.apiRequests().every((r) => !r.write)).toBe(true);

    const done = await adapter.setup();
    expect(done.ok, JSON.stringify(done.checks)).toBe(true);
    expect(fake.control.hasProperty(KEY)).toBe(true);
    const created = await fetch(`${fake.url}/crm/v3/properties/contacts/${KEY}`, {
      headers: { authorization: 'Bearer x-12345678' },
    });
    expect(await created.json()).toMatchObject({
      name: KEY,
      type: 'string',
      fieldType: 'text',
      hasUniqueValue: true,
    });
    expect((await adapter.setup()).ok).toBe(true);
    expect(
      fake.control.apiRequests().filter((r) => r.method === 'POST' && r.path.includes('/properties/')),
    ).toHaveLength(1);
  });

  it('says clearly when it may not create the property (missing scope)', async () => {
    started = await startHubSpot(FAST, FAST_LIMITS, false);
    started.fake.control.denyScopes(['crm.schemas.contacts.write']);
    const result = await started.adapter.setup();
    expect(result.ok).toBe(false);
    const key = result.checks.find((c) => c.name === 'key-property');
    expect(key?.message).toMatch(/crm\.schemas\.contacts\.write/);
    expect(key?.message).toMatch(/by hand/);
  });

  it('flags a key property that exists but is not unique, and mapped properties HubSpot lacks', async () => {
    started = await startHubSpot(FAST, FAST_LIMITS, false);
    started.fake.control.defineProperty({ name: KEY, hasUniqueValue: false });
    const adapter = createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-setup-token-0001',
      basePath: started.fake.url,
      properties: [...MAPPED, 'favourite_colour'],
      limits: FAST_LIMITS,
    });
    const result = await adapter.setup();
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.name === 'key-property')?.message).toMatch(/not unique/);
    expect(result.checks.find((c) => c.name === 'mapped-properties')?.message).toMatch(/favourite_colour/);
    expect(started.fake.control.apiRequests().filter((r) => r.write)).toHaveLength(0);
  });

  it('flags a written property HubSpot keeps read-only, and a written one it lacks; a read-only one only read is fine', async () => {
    started = await startHubSpot(FAST, FAST_LIMITS, false);
    started.fake.control.defineProperty({ name: KEY, hasUniqueValue: true });
    const adapter = (written: string[], read: string[] = MAPPED) =>
      createHubSpotAdapter({
        redactor,
        accessToken: 'pat-na1-setup-token-0001',
        basePath: started?.fake.url ?? '',
        properties: read,
        writtenProperties: written,
        limits: FAST_LIMITS,
      });
    const bad = await adapter([...MAPPED, 'hs_additional_emails', 'favourite_colour']).check();
    expect(bad.ok).toBe(false);
    expect(bad.checks.find((c) => c.name === 'mapped-properties')?.message).toBe(
      'Mapped contact properties missing in HubSpot: favourite_colour; Mapped contact properties the mapping writes but HubSpot keeps read-only: hs_additional_emails (make those fields from-crm, or drop them)',
    );
    // Read from HubSpot only (a from-crm field): nothing to refuse.
    const readOnlyRead = await adapter(MAPPED, [...MAPPED, 'hs_additional_emails']).check();
    expect(readOnlyRead.ok, JSON.stringify(readOnlyRead.checks)).toBe(true);
  });

  it("creates the connector's own mapped properties (propstreet_*) but never a portal's own", async () => {
    started = await startHubSpot(FAST, FAST_LIMITS, false);
    const adapter = createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-setup-token-0001',
      basePath: started.fake.url,
      properties: [...MAPPED, 'propstreet_tags', 'favourite_colour'],
      limits: FAST_LIMITS,
    });
    const result = await adapter.setup();
    expect(started.fake.control.hasProperty(KEY)).toBe(true);
    expect(started.fake.control.hasProperty('propstreet_tags')).toBe(true);
    expect(started.fake.control.hasProperty('favourite_colour')).toBe(false);
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.name === 'mapped-properties')?.message).toMatch(/favourite_colour/);
  });

  it('reads the options of the mapped enumerations in one call, and only theirs', async () => {
    started = await startHubSpot(FAST, FAST_LIMITS, true);
    started.fake.control.defineProperty({ name: 'propstreet_tier', options: ['gold', 'silver'] });
    started.fake.control.setPropertyOptions('hs_language', ['sv', 'en-us', 'fi']);
    const adapter = createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-setup-token-0001',
      basePath: started.fake.url,
      // lifecyclestage is an enumeration without a fixed list here: it must not show up.
      properties: [...MAPPED, 'hs_language', 'propstreet_tier', 'lifecyclestage'],
      limits: FAST_LIMITS,
    });
    const before = started.fake.control.apiRequests().length;
    const allowed = await adapter.allowedValues?.();
    expect(allowed).toEqual(
      new Map([
        ['hs_language', ['sv', 'en-us', 'fi']],
        ['propstreet_tier', ['gold', 'silver']],
      ]),
    );
    expect(
      started.fake.control
        .apiRequests()
        .slice(before)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual(['GET /crm/v3/properties/contacts']);
  });
});
