/** The contacts kind as data: its spec, its rules for the engine, its writes and its ports. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/core/errors.js';
import type { CrmRecord } from '../../src/crm/port.js';
import { propstreetContacts } from '../../src/kinds/contacts/ports.js';
import { CONTACTS } from '../../src/kinds/contacts/spec.js';
import { crmObjects } from '../../src/kinds/crm-objects.js';
import { KINDS } from '../../src/kinds/index.js';
import type { PropstreetApi } from '../../src/propstreet/port.js';
import { aContact } from '../engine/pair-builders.js';
import { noBatchUpsert, noCompaniesOrLinks } from '../support/propstreet-stubs.js';

describe('the contacts kind', () => {
  it('declares its endpoint, schema, CRM objects, keys and mapping files', () => {
    expect(KINDS.contacts).toBe(CONTACTS);
    expect(CONTACTS.propstreet.path).toBe('/api/v1/network/contacts');
    expect(CONTACTS.crm).toEqual({
      hubspot: { objectType: 'contacts', keyProperty: 'propstreet_id' },
      salesforce: { sObject: 'Contact', keyField: 'Propstreet_Id__c' },
    });
    for (const crm of ['hubspot', 'salesforce'] as const)
      expect(existsSync(CONTACTS.mappingFile(crm))).toBe(true);
    const parsed = CONTACTS.propstreet.schema.parse({
      id: 'ps-1',
      createdUtc: '2026-01-01T00:00:00Z',
      updatedUtc: '2026-01-02T00:00:00Z',
    });
    expect(parsed).toMatchObject({ id: 'ps-1', externalRefs: [] });
  });

  it('labels a contact by name, else email, and leaves an unnamed one to its id', () => {
    expect(CONTACTS.labelOfRecord(aContact())).toBe('Ada Lovelace');
    expect(CONTACTS.labelOfRecord(aContact({ firstName: null, lastName: null }))).toBe('ada@example.com');
    expect(
      CONTACTS.labelOfRecord(aContact({ firstName: null, lastName: null, email: null })),
    ).toBeUndefined();
    expect(CONTACTS.labelOfValues({ firstName: null, lastName: 'Byron', email: 'b@x.se' })).toBe('Byron');
  });

  it('creates a contact in Propstreet only with a name, an email or a phone', () => {
    expect(CONTACTS.createProblem({ phone: '+46701234567' })).toBeUndefined();
    expect(CONTACTS.createProblem({ jobTitle: 'CEO', firstName: null })).toBe(
      'Propstreet needs at least one of name, email or phone',
    );
  });

  it('pairs by email (opt-in), which Propstreet keeps unique, and holds no delete for dependants', () => {
    const [email, ...others] = CONTACTS.matchFields;
    expect(others).toEqual([]);
    expect(email?.name).toBe('email');
    expect(email?.uniqueInPropstreet).toBe(true);
    expect(email?.propstreetValue(aContact())).toBe('ada@example.com');
    expect(CONTACTS.dependants).toBeUndefined();
  });

  it('writes the phone/email lists through the upsert, the rest through the PATCH by id', () => {
    const { writes } = CONTACTS;
    const body = { firstName: 'Ada', phones: [{ number: '+46701234567' }], phone: '+46701234567' };
    expect(writes.splitUpdate(body)).toEqual({
      byId: { firstName: 'Ada' },
      byRef: { phones: body.phones, phone: body.phone },
    });
    expect(writes.isEmpty(writes.empty())).toBe(true);
    expect(writes.withRefs({}, [{ namespace: 'hubspot', id: '1' }])).toEqual({
      externalRefs: [{ namespace: 'hubspot', id: '1' }],
    });
  });

  it('explains a create refused for a taken email, and no other error', () => {
    const crm: CrmRecord = {
      id: '7',
      properties: { email: ' Ada@Example.com ' },
      modifiedAt: '',
      deleted: false,
    };
    const taken = new ConflictError('email in use', undefined, 'duplicate-email');
    expect(CONTACTS.writes.createRefused(taken, crm, 'email')).toMatch(
      /^email ada@example\.com is already held by another Propstreet contact; not paired automatically/,
    );
    expect(CONTACTS.writes.createRefused(new ConflictError('other'), crm, 'email')).toBeUndefined();
  });
});

describe('the contacts ports', () => {
  const unused = (): never => {
    throw new Error('not called');
  };

  it("find CRM records by the match property through the adapter's search", async () => {
    const asked: [string, string[]][] = [];
    const record: CrmRecord = { id: '7', properties: {}, modifiedAt: '', deleted: false };
    const crm = crmObjects({
      keyProperty: 'propstreet_id',
      limits: { writeBatchSize: 100, readPageSize: 100, maxConcurrency: 1 },
      deletionsVisibleForMs: 0,
      readChanges: unused,
      readByIds: unused,
      readByKeys: unused,
      findByMatch: async (property, values) => {
        asked.push([property, [...values]]);
        return [record];
      },
      upsertByKey: unused,
      update: unused,
      delete: unused,
    });
    expect(await crm.findByMatch('email', ['a@x.se'])).toEqual([record]);
    expect(asked).toEqual([['email', ['a@x.se']]]);
    expect(crm.allowedValues).toBeUndefined();
  });

  it('list Propstreet contacts as pages of records, invalid ones kept apart', async () => {
    const contact = aContact();
    const api: PropstreetApi = {
      ...noCompaniesOrLinks,
      ...noBatchUpsert,
      listContacts: async function* (o) {
        expect(o).toEqual({ updatedSince: '2026-01-01T00:00:00.000Z', includeDeleted: true });
        yield {
          contacts: [contact],
          invalid: [{ id: 'bad', jsonPath: '$.email', message: 'not a string' }],
          nextCursor: null,
        };
      },
      getContact: unused,
      patchContact: unused,
      upsertByExternalRef: unused,
      deleteContact: unused,
      identity: unused,
      usage: () => ({ calls: {} }),
    };
    const pages = [];
    for await (const page of propstreetContacts(api).list({
      updatedSince: '2026-01-01T00:00:00.000Z',
      includeDeleted: true,
    }))
      pages.push(page);
    expect(pages).toEqual([
      { records: [contact], invalid: [{ id: 'bad', jsonPath: '$.email', message: 'not a string' }] },
    ]);
  });
});
