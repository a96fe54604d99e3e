/**
 * HubSpot enumeration properties end to end: `hs_language` takes only the portal's options, so
 * Propstreet's ISO 639-1 `primaryLanguage` is translated to an option that means the same, and
 * a language the portal does not list is left out (reported) while the rest of the contact syncs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordPlan } from '../../src/engine/types.js';
import { type E2E, startE2E, writes } from './support.js';

describe('HubSpot enumerations (hs_language)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const hubspotByKey = (key: string) =>
    e.sb.hubspot!.control.dump().find((c) => !c.archived && c.properties.propstreet_id === key);
  const planFor = (records: readonly RecordPlan[], id: string) => records.find((r) => r.propstreetId === id);

  it('translates to the portal options, skips a language it lacks with a reason, and syncs the rest', async () => {
    e = await startE2E({ salesforce: false });
    // This portal lists English only by locale, and no Finnish.
    e.sb.hubspot!.control.setPropertyOptions('hs_language', ['sv', 'en-us', 'en-gb', 'de']);
    const [sv, en, fi] = e.sb.propstreet
      .seed([
        { firstName: 'Sven', lastName: 'Ek', email: 'sven@enum.example.com', primaryLanguage: 'sv' },
        { firstName: 'Emma', lastName: 'Hart', email: 'emma@enum.example.com', primaryLanguage: 'en' },
        { firstName: 'Aino', lastName: 'Virta', email: 'aino@enum.example.com', primaryLanguage: 'fi' },
      ])
      .map((c) => c.id);

    const first = await e.run();
    const run1 = first.connections[0]!;
    expect(run1.result.failures).toEqual([]);
    expect(run1.result.done.create.crm).toBe(3);
    expect(hubspotByKey(sv!)?.properties).toMatchObject({ hs_language: 'sv', firstname: 'Sven' });
    expect(hubspotByKey(en!)?.properties).toMatchObject({ hs_language: 'en-us', firstname: 'Emma' });
    const aino = hubspotByKey(fi!);
    expect(aino?.properties).toMatchObject({
      firstname: 'Aino',
      lastname: 'Virta',
      email: 'aino@enum.example.com',
    });
    expect(aino?.properties.hs_language).toBeUndefined();
    expect(planFor(run1.records, fi!)).toMatchObject({
      action: 'create-in-crm',
      notSent: [expect.stringMatching(/^hs_language: "fi" is not one of the CRM's options .*not sent$/)],
    });
    expect(planFor(run1.records, fi!)?.toCrm.map((c) => c.field)).not.toContain('language');

    // Nothing changed: "en-us" reads back as "en", and the skipped value is not taken for a change.
    const before = writes(e.sb);
    const second = await e.run();
    expect(second.connections[0]!.result.failures).toEqual([]);
    expect(writes(e.sb)).toEqual(before);

    // An edit of Aino's name syncs; her Finnish stays in Propstreet and stays out of HubSpot.
    e.sb.propstreet.editAsUser(fi!, { firstName: 'Aino-Maria' });
    const third = await e.run();
    const run3 = third.connections[0]!;
    expect(run3.result.failures).toEqual([]);
    expect(planFor(run3.records, fi!)).toMatchObject({ action: 'update', notSent: [expect.any(String)] });
    expect(hubspotByKey(fi!)?.properties).toMatchObject({ firstname: 'Aino-Maria' });
    expect(hubspotByKey(fi!)?.properties.hs_language).toBeUndefined();
    expect(e.sb.propstreet.allContacts().find((c) => c.id === fi)?.primaryLanguage).toBe('fi');

    // A HubSpot user picks a listed language: it reaches Propstreet as its ISO code.
    e.sb.hubspot!.control.editAsUser(hubspotByKey(fi!)!.id, { hs_language: 'en-gb' });
    await e.run();
    expect(e.sb.propstreet.allContacts().find((c) => c.id === fi)?.primaryLanguage).toBe('en');

    // The only change is a language the portal lacks: reported as a skip, nothing written,
    // and Propstreet keeps its value (the CRM's older "en" is not taken for a newer change).
    e.sb.propstreet.editAsUser(fi!, { primaryLanguage: 'it' });
    const crmWrites = writes(e.sb).hubspot;
    const fifth = await e.run();
    expect(planFor(fifth.connections[0]!.records, fi!)).toMatchObject({
      action: 'skip',
      reason: 'the only change is a value the CRM does not accept',
      notSent: [expect.stringContaining('"it"')],
    });
    expect(writes(e.sb).hubspot).toBe(crmWrites);
    await e.run();
    expect(e.sb.propstreet.allContacts().find((c) => c.id === fi)?.primaryLanguage).toBe('it');
    expect(hubspotByKey(fi!)?.properties.hs_language).toBe('en-gb');
  });

  it('Norwegian: Propstreet’s Bokmål (nb) is HubSpot’s no, and the next run writes nothing', async () => {
    e = await startE2E({ salesforce: false });
    e.sb.hubspot!.control.setPropertyOptions('hs_language', ['sv', 'no', 'en']);
    const [kari = ''] = e.sb.propstreet
      .seed([
        { firstName: 'Kari', lastName: 'Nordmann', email: 'kari@enum.example.com', primaryLanguage: 'nb' },
      ])
      .map((c) => c.id);
    const first = (await e.run()).connections[0]!;
    expect(planFor(first.records, kari)?.notSent).toBeUndefined();
    expect(hubspotByKey(kari)?.properties.hs_language).toBe('no');
    const before = writes(e.sb);
    await e.run();
    await e.run();
    expect(writes(e.sb)).toEqual(before);
    expect(e.sb.propstreet.contact(kari)?.primaryLanguage).toBe('nb');
  });

  it('without the options (the read is refused) sends values unchecked: HubSpot refuses only that record', async () => {
    e = await startE2E({ salesforce: false });
    e.sb.hubspot!.http.faults.add({
      kind: 'status',
      status: 403,
      method: 'GET',
      // Only the list: the key property's own definition (read before any write) still answers.
      path: /\/crm\/v3\/properties\/contacts$/,
      body: { status: 'error', message: 'This app lacks a scope', category: 'MISSING_SCOPES' },
    });
    const [sv, fi] = e.sb.propstreet
      .seed([
        { firstName: 'Sven', lastName: 'Ek', email: 'sven@unchecked.example.com', primaryLanguage: 'sv' },
        { firstName: 'Aino', lastName: 'Virta', email: 'aino@unchecked.example.com', primaryLanguage: 'fi' },
      ])
      .map((c) => c.id);
    const run = (await e.run()).connections[0]!.result;
    expect(run.abort).toBeUndefined();
    expect(hubspotByKey(sv!)?.properties.hs_language).toBe('sv');
    expect(run.failures).toEqual([
      expect.objectContaining({
        recordId: fi,
        error: expect.stringMatching(/^VALIDATION_ERROR: fi was not one of the allowed options/),
      }),
    ]);
  });
});
