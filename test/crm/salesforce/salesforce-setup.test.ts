import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

describe('Salesforce check and setup', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('passes when the session works and Propstreet_Id__c is a unique External ID', async () => {
    h = await startHarness();
    const writesBefore = h.fake.http.writeCount();
    const result = await h.adapter.check();
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual(['session', 'key-field', 'fields']);
    expect(h.fake.http.writeCount()).toBe(writesBefore);
    expect(h.adapter.usage().calls).toEqual({ meta: 2 });
  });

  it('cannot create the key field, so setup explains how to create it in Salesforce Setup', async () => {
    h = await startHarness({ externalIdField: null });
    const check = await h.adapter.check();
    expect(check.ok).toBe(false);
    expect(check.checks.find((c) => c.name === 'key-field')?.message).toMatch(
      /no field Propstreet_Id__c.*propsync setup/s,
    );
    const setup = await h.adapter.setup();
    expect(setup.ok).toBe(false);
    const message = setup.checks.find((c) => c.name === 'key-field')?.message ?? '';
    expect(message).toContain('Object Manager → Contact → Fields & Relationships → New');
    expect(message).toContain('"Unique"');
    expect(message).toContain('"External ID"');
    expect(h.fake.http.writeCount()).toBe(0);
  });

  it('names mapped fields that Contact does not have', async () => {
    h = await startHarness();
    const result = await h.makeAdapter({ fields: ['LastName', 'Favourite_Colour__c'] }).check();
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.name === 'fields')?.message).toContain('Favourite_Colour__c');
  });

  it('names a field the mapping writes that this user may not update (a formula, a system field), and one it lacks; reading such a field is fine', async () => {
    h = await startHarness();
    const writes = (writtenFields: string[], fields = ['LastName', 'Email']) =>
      h?.makeAdapter({ fields, writtenFields }).check();
    const bad = await writes(['LastName', 'Name', 'Favourite_Colour__c']);
    expect(bad?.ok).toBe(false);
    expect(bad?.checks.find((c) => c.name === 'fields')?.message).toBe(
      'Contact has no field Favourite_Colour__c visible to this user (check the mapping and field-level security); Contact fields the mapping writes but this user may not update: Name (field-level security, or a formula or system field; make those fields from-crm, or drop them)',
    );
    const readOnly = await writes(['LastName'], ['LastName', 'Name']);
    expect(readOnly?.ok, JSON.stringify(readOnly?.checks)).toBe(true);
  });

  it('reports a session that cannot be refreshed without throwing', async () => {
    h = await startHarness();
    h.fake.control.expireToken();
    const result = await h.makeAdapter({ refreshToken: undefined, clientId: undefined }).check();
    expect(result).toMatchObject({ ok: false, checks: [{ name: 'session', ok: false }] });
    expect(result.checks[0]?.message).toMatch(/INVALID_SESSION_ID/);
  });
});
