/**
 * Regression (RELIABILITY.md, bugs: "a key property that is a data field"): a run whose CRM key
 * was not a dedicated unique text property wrote Propstreet ids over what people had in it.
 * Now the run checks the key's definition and a sample of its values before its first write,
 * refuses with SETUP_REQUIRED (exit 3) and says what to create; a passed check is remembered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { person } from '../../fakes/sandbox/people.js';
import { openTenantStore } from '../../src/app/open-store.js';
import { KEY_FIELD_META } from '../../src/run/key-field-check.js';
import { type E2E, seedHubSpot, seedPropstreet, startE2E, writes } from './support.js';

const NONE = { propstreet: 0, hubspot: 0, salesforce: 0 };

describe('the CRM key must be a dedicated, unique text property holding only Propstreet ids', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  const abortOf = async (run: ReturnType<E2E['run']>) => (await run).connections[0]!.result.abort;

  it('HubSpot: a custom property that is not unique is refused before anything is written', async () => {
    e = await startE2E({ salesforce: false }, { connection: { keyProperty: 'legacy_id' } });
    e.sb.hubspot!.control.defineProperty({ name: 'legacy_id', hasUniqueValue: false });
    seedPropstreet(e.sb, 0, 5);
    const [id] = e.sb.hubspot!.control.seed([
      { properties: { email: person(40).email, lastname: 'Legacy', legacy_id: 'L-0042' } },
    ]);
    const abort = await abortOf(e.run());
    expect(abort?.code).toBe('SETUP_REQUIRED');
    expect(abort?.message).toMatch(/hubspot key legacy_id cannot hold Propstreet ids: .*not unique/);
    expect(abort?.message).toContain('propsync validate <config> --check --setup');
    expect(writes(e.sb)).toEqual(NONE);
    expect(e.sb.hubspot!.control.get(id!)!.properties.legacy_id).toBe('L-0042');
  });

  it('HubSpot: a unique custom property that holds email addresses is refused, its values untouched', async () => {
    e = await startE2E({ salesforce: false }, { connection: { keyProperty: 'email_copy' } });
    e.sb.hubspot!.control.defineProperty({ name: 'email_copy', hasUniqueValue: true });
    seedPropstreet(e.sb, 0, 5);
    const ids = e.sb.hubspot!.control.seed(
      [10, 11, 12].map((k) => ({ properties: { email: person(k).email, email_copy: person(k).email } })),
    );
    const abort = await abortOf(e.run());
    expect(abort?.code).toBe('SETUP_REQUIRED');
    expect(abort?.message).toContain('not Propstreet ids (3 of 3 sampled: email addresses)');
    // Nobody's data is printed.
    expect(abort?.message).not.toContain('@');
    expect(writes(e.sb)).toEqual(NONE);
    expect(ids.map((id) => e!.sb.hubspot!.control.get(id)!.properties.email_copy)).toEqual(
      [10, 11, 12].map((k) => person(k).email),
    );
  });

  it('Salesforce: a custom field that is neither Unique nor an External ID is refused', async () => {
    e = await startE2E(
      { hubspot: false, salesforceOptions: { customFields: [{ name: 'Legacy_Key__c' }] } },
      { connection: { externalIdField: 'Legacy_Key__c' } },
    );
    seedPropstreet(e.sb, 0, 5);
    const abort = await abortOf(e.run());
    expect(abort?.code).toBe('SETUP_REQUIRED');
    expect(abort?.message).toMatch(
      /salesforce key Legacy_Key__c cannot hold Propstreet ids: .*not an External ID.*not Unique/,
    );
    expect(abort?.message).toContain('Fields & Relationships → New');
    expect(writes(e.sb)).toEqual(NONE);
  });

  it('Salesforce: a unique External ID field holding phone numbers is refused', async () => {
    e = await startE2E(
      { hubspot: false, salesforceOptions: { externalIdField: 'Phone_Key__c' } },
      { connection: { externalIdField: 'Phone_Key__c' } },
    );
    seedPropstreet(e.sb, 0, 3);
    e.sb.salesforce!.control.seed([
      { LastName: 'Berg', Phone_Key__c: '+46 70 123 45 67' },
      { LastName: 'Lind', Phone_Key__c: '+46 70 765 43 21' },
    ]);
    const abort = await abortOf(e.run());
    expect(abort?.code).toBe('SETUP_REQUIRED');
    expect(abort?.message).toContain('(2 of 2 sampled: phone numbers)');
    expect(writes(e.sb)).toEqual(NONE);
  });

  it('checks once per connection, remembers it, and checks again when the key changes', async () => {
    e = await startE2E({ salesforce: false });
    seedPropstreet(e.sb, 0, 4);
    seedHubSpot(e.sb, 20, 2);
    const definitionReads = (name: string) =>
      e!.sb.hubspot!.control.apiRequests().filter((r) => r.path === `/crm/v3/properties/contacts/${name}`)
        .length;

    // A dry run checks too, but remembers nothing (it writes no state).
    await e.run({ dryRun: true });
    expect(definitionReads('propstreet_id')).toBe(1);
    const first = await e.run();
    expect(first.connections[0]!.result.abort).toBeUndefined();
    expect(definitionReads('propstreet_id')).toBe(2);
    await e.run();
    expect(definitionReads('propstreet_id')).toBe(2);
    const store = await openTenantStore(e.config);
    try {
      expect(
        JSON.parse(
          (await store.getMeta({ tenant: 'demo', connection: 'hubspot', kind: 'contacts' }, KEY_FIELD_META))!,
        ),
      ).toMatchObject({ crm: 'hubspot', field: 'propstreet_id' });
    } finally {
      await store.close();
    }

    e.sb.hubspot!.control.defineProperty({ name: 'propstreet_key', hasUniqueValue: true });
    await e.reconfigure({ connection: { keyProperty: 'propstreet_key' } });
    await e.run();
    expect(definitionReads('propstreet_key')).toBe(1);
  });
});
