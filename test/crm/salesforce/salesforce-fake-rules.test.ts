/**
 * The Salesforce fake's org rules that real orgs have on: the standard-like Contact duplicate
 * rule (Allow with Alert, so an API save fails unless the request says allowSave=true) and
 * contacts that cases keep from being deleted. Through jsforce and raw HTTP.
 */
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SalesforceFake, startSalesforceFake } from '../../../fakes/salesforce/salesforce-fake.js';

const ALLOW_SAVE = { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' };

describe('Salesforce fake: duplicate rule and undeletable contacts', () => {
  let fake: SalesforceFake;
  let conn: Connection;
  const api = (path: string, init: RequestInit = {}, version = '62.0') =>
    fetch(`${fake.url}/services/data/v${version}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${fake.accessToken}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  const create = (records: object[], headers: Record<string, string> = {}, version = '62.0') =>
    api(
      '/composite/sobjects',
      {
        method: 'POST',
        headers,
        body: JSON.stringify({
          allOrNone: false,
          records: records.map((r) => ({ attributes: { type: 'Contact' }, ...r })),
        }),
      },
      version,
    );

  beforeAll(async () => {
    fake = await startSalesforceFake();
    conn = new jsforce.Connection({ instanceUrl: fake.url, accessToken: fake.accessToken, version: '62.0' });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.control.setDuplicateRule(true));

  it('fails a create the rule matches, per record, with the matched ids in duplicateResult', async () => {
    const katarina = fake.control.create({
      FirstName: 'Katarina',
      LastName: 'Ölund',
      Email: 'kat@dup.example.com',
    });
    const res = await create([
      { FirstName: 'Katharina', LastName: 'Olund' }, // fuzzy first name, same last name without accent
      { FirstName: 'K.', LastName: 'ölund' }, // an initial
      { LastName: 'Someone Else', Email: 'KAT@dup.example.com' }, // the same email
      { FirstName: 'Karl', LastName: 'Ölund' }, // another first name
      { FirstName: 'Katarina', LastName: 'Ölundsson' }, // another last name
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean; errors: unknown[] }[];
    expect(body.map((r) => r.success)).toEqual([false, false, false, true, true]);
    expect(body[0]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'DUPLICATES_DETECTED',
          message: 'Use one of these records?',
          fields: [],
          duplicateResult: {
            allowSave: true,
            duplicateRule: 'Standard_Contact_Duplicate_Rule',
            duplicateRuleEntityType: 'Contact',
            errorMessage: 'Use one of these records?',
            matchResults: [
              {
                entityType: 'Contact',
                errors: [],
                matchEngine: 'FuzzyMatchEngine',
                matchRecords: [
                  {
                    additionalInformation: [],
                    fieldDiffs: [],
                    matchConfidence: 100,
                    record: {
                      attributes: {
                        type: 'Contact',
                        url: `/services/data/v62.0/sobjects/Contact/${katarina}`,
                      },
                      Id: katarina,
                    },
                  },
                ],
                rule: 'Standard_Contact_Match_Rule_v1_1',
                size: 1,
                success: true,
              },
            ],
          },
        },
      ],
    });
  });

  it('saves past the rule with Sforce-Duplicate-Rule-Header allowSave=true, from API 52.0', async () => {
    fake.control.create({ FirstName: 'Lars', LastName: 'Holm' });
    const allowed = (await (await create([{ FirstName: 'Lars', LastName: 'Holm' }], ALLOW_SAVE)).json()) as {
      success: boolean;
    }[];
    expect(allowed[0]?.success).toBe(true);
    // Other fields of the header do not change that; allowSave=false does.
    const mixed = await create([{ FirstName: 'Lars', LastName: 'Holm' }], {
      'Sforce-Duplicate-Rule-Header': 'includeRecordDetails=true; allowSave=true',
    });
    expect(((await mixed.json()) as { success: boolean }[])[0]?.success).toBe(true);
    const refused = await create([{ FirstName: 'Lars', LastName: 'Holm' }], {
      'Sforce-Duplicate-Rule-Header': 'allowSave=false',
    });
    expect(((await refused.json()) as { success: boolean }[])[0]?.success).toBe(false);
    // The header exists from API 52.0; an older version ignores it.
    const old = await create([{ FirstName: 'Lars', LastName: 'Holm' }], ALLOW_SAVE, '51.0');
    expect(((await old.json()) as { success: boolean }[])[0]?.success).toBe(false);
  });

  it('answers a single-record save with the error at the top level, duplicateResult included', async () => {
    const mia = fake.control.create({ FirstName: 'Mia', LastName: 'Sand' });
    const err = await conn
      .sobject('Contact')
      .create({ FirstName: 'Mia', LastName: 'Sand' })
      .then(
        () => undefined,
        (e: unknown) => e as { errorCode?: string; data?: { duplicateResult?: unknown } },
      );
    expect(err?.errorCode).toBe('DUPLICATES_DETECTED');
    expect(err?.data?.duplicateResult).toMatchObject({
      matchResults: [{ matchRecords: [{ record: { Id: mia } }] }],
    });
    const saved = await conn
      .sobject('Contact')
      .create({ FirstName: 'Mia', LastName: 'Sand' }, { headers: ALLOW_SAVE });
    expect(saved.success).toBe(true);
  });

  it('only reports on an edit as the standard rule ships; once an admin makes the edit action alert, runs on an edit only when a matching field changes value, and never for UI users', async () => {
    const first = fake.control.create({ FirstName: 'Nils', LastName: 'Berg' });
    // A person in the UI saves past the alert.
    const second = fake.control.create({ FirstName: 'Nils', LastName: 'Berg' });
    const patch = (id: string, fields: object) =>
      api('/composite/sobjects', {
        method: 'PATCH',
        body: JSON.stringify({
          allOrNone: false,
          records: [{ attributes: { type: 'Contact' }, id, ...fields }],
        }),
      }).then(async (r) => ((await r.json()) as { success: boolean; errors: { statusCode: string }[] }[])[0]);
    // Shipped default (S31): Allow with Report on edit, so an edit that makes a match saves.
    expect(await patch(second, { FirstName: 'Nils-Erik' })).toMatchObject({ success: true });
    expect(await patch(second, { FirstName: 'Nils' })).toMatchObject({ success: true });
    fake.control.setDuplicateRule(true, { onEdit: 'alert' });
    expect(await patch(second, { Title: 'Broker' })).toMatchObject({ success: true });
    expect(await patch(second, { FirstName: 'Nils', LastName: 'Berg' })).toMatchObject({ success: true });
    expect(await patch(second, { FirstName: 'Nils-Erik' })).toMatchObject({
      success: false,
      errors: [{ statusCode: 'DUPLICATES_DETECTED' }],
    });
    fake.control.setDuplicateRule(false);
    expect(await patch(second, { FirstName: 'Nils-Erik' })).toMatchObject({ success: true });
    expect(fake.control.get(first)?.FirstName).toBe('Nils');
    fake.control.setDuplicateRule(true, { onEdit: 'report' });
  });

  it('fails the delete of a contact with a case (DELETE_FAILED), per record and alone', async () => {
    const [a, b] = fake.control.seed([
      { FirstName: 'Olle', LastName: 'Case' },
      { FirstName: 'Pia', LastName: 'Free' },
    ]);
    const caseNumber = fake.control.attachCase(a!);
    const res = await api(`/composite/sobjects?ids=${a},${b}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      {
        id: a,
        success: false,
        errors: [
          {
            statusCode: 'DELETE_FAILED',
            message: `Your attempt to delete Olle Case could not be completed because it is associated with the following cases.: ${caseNumber}\n`,
            fields: [],
          },
        ],
      },
      { id: b, success: true, errors: [] },
    ]);
    const single = await api(`/sobjects/Contact/${a}`, { method: 'DELETE' });
    expect(single.status).toBe(400);
    expect(await single.json()).toEqual([
      expect.objectContaining({ errorCode: 'DELETE_FAILED', fields: [] }),
    ]);
    // A user in the UI cannot delete it either, until the case lets go of it.
    expect(() => fake.control.remove(a!)).toThrow(/DELETE_FAILED/);
    fake.control.detachCases(a!);
    expect((await api(`/sobjects/Contact/${a}`, { method: 'DELETE' })).status).toBe(204);
  });
});
