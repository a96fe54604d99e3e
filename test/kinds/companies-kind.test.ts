/** The companies kind as data: its spec, its rules for the engine, its writes, accessors and mapper. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/crm/port.js';
import { matchKey, matchValuesOf } from '../../src/engine/match-values.js';
import { COMPANY_ACCESSORS } from '../../src/kinds/companies/accessors.js';
import { COMPANIES } from '../../src/kinds/companies/spec.js';
import { CONTACTS } from '../../src/kinds/contacts/spec.js';
import { accessorsOf, KIND_NAMES, KINDS } from '../../src/kinds/index.js';
import { mapperFor, mapperFromMapping } from '../../src/kinds/mapper.js';
import { loadMapping } from '../../src/mapping/index.js';
import { type Company, companySchema } from '../../src/propstreet/company-schema.js';

const aCompany = (fields: Partial<Record<keyof Company, unknown>> = {}): Company =>
  companySchema.parse({
    id: 'co-1',
    name: 'Acme AB',
    createdUtc: '2026-01-01T00:00:00Z',
    updatedUtc: '2026-01-02T00:00:00Z',
    ...fields,
  });

const crmRecord = (properties: Record<string, string | null>): CrmRecord => ({
  id: '901',
  properties,
  modifiedAt: '2026-01-02T00:00:00Z',
  deleted: false,
});

const hubspot = mapperFor(COMPANIES, loadMapping('mappings/hubspot.companies.yaml'));
const salesforce = mapperFor(COMPANIES, loadMapping('mappings/salesforce.accounts.yaml'));

describe('the kinds registry', () => {
  it('holds every kind under its name, each with its accessors', () => {
    expect(Object.keys(KINDS)).toEqual([...KIND_NAMES]);
    for (const name of KIND_NAMES) expect(KINDS[name].name).toBe(name);
    expect(accessorsOf('companies')).toBe(COMPANY_ACCESSORS);
    expect(accessorsOf('contacts')).toBe(CONTACTS.accessors);
  });
});

describe('the companies kind', () => {
  it('declares its endpoint, schema, CRM objects, keys and mapping files', () => {
    expect(COMPANIES.propstreet.path).toBe('/api/v1/network/companies');
    expect(COMPANIES.crm).toEqual({
      hubspot: {
        objectType: 'companies',
        keyProperty: 'propstreet_id',
        dependantsCount: 'num_associated_contacts',
      },
      salesforce: { sObject: 'Account', keyField: 'Propstreet_Id__c' },
    });
    expect(COMPANIES.mappingFile('hubspot')).toBe('mappings/hubspot.companies.yaml');
    expect(COMPANIES.mappingFile('salesforce')).toBe('mappings/salesforce.accounts.yaml');
    for (const crm of ['hubspot', 'salesforce'] as const)
      expect(existsSync(COMPANIES.mappingFile(crm))).toBe(true);
    expect(COMPANIES.propstreet.schema.parse(aCompany())).toMatchObject({ externalRefs: [], contacts: [] });
  });

  it('labels a company by name, else domain; creates one in Propstreet only with a name', () => {
    expect(COMPANIES.labelOfRecord(aCompany())).toBe('Acme AB');
    expect(COMPANIES.labelOfRecord(aCompany({ name: ' ', domain: 'acme.se' }))).toBe('acme.se');
    expect(COMPANIES.labelOfValues({ name: null, domain: 'acme.se' })).toBe('acme.se');
    expect(COMPANIES.createProblem({ name: 'Acme AB' })).toBeUndefined();
    expect(COMPANIES.createProblem({ name: null, domain: 'acme.se' })).toBe(
      'Propstreet needs a name for a company',
    );
  });

  it('pairs by domain (the homepage host without one) and by a name compared loosely; neither is unique', () => {
    const [domain, name] = COMPANIES.matchFields;
    expect(COMPANIES.matchFields.map((f) => [f.name, f.uniqueInPropstreet])).toEqual([
      ['domain', false],
      ['name', false],
    ]);
    expect(domain?.propstreetValue(aCompany({ domain: 'acme.se' }))).toBe('acme.se');
    expect(domain?.propstreetValue(aCompany({ homepageUrl: 'https://www.acme.se/x' }))).toBe(
      'https://www.acme.se/x',
    );
    expect(name?.key?.(' Acme\u00a0  FASTIGHETER ab')).toBe('acme fastigheter ab');
  });

  it('compares match values canonically, through the mapping of each CRM', () => {
    const [domain] = COMPANIES.matchFields;
    if (!domain) throw new Error('no domain field');
    expect(matchKey(salesforce, domain, 'https://www.Acme.se/om-oss')).toBe('acme.se');
    expect(matchKey(hubspot, domain, 'https://www.acme.se/x')).toBe('acme.se');
    expect(matchValuesOf(salesforce).crm(crmRecord({ Website: 'http://WWW.acme.se', Name: 'Acme' }))).toEqual(
      [
        ['domain', 'acme.se'],
        ['name', 'acme'],
      ],
    );
    expect(matchValuesOf(hubspot).propstreet(aCompany({ homepageUrl: 'https://acme.se/' }))).toEqual([
      ['domain', 'acme.se'],
      ['name', 'acme ab'],
    ]);
  });

  it('holds deletes of companies with linked contacts: Propstreet lists them, HubSpot counts them', () => {
    expect(COMPANIES.dependants?.noun).toBe('linked contacts');
    expect(COMPANIES.dependants?.count(aCompany({ contacts: [{ id: 'p1' }, { id: 'p2' }] }))).toBe(2);
    expect(hubspot.crmProperties).toContain('num_associated_contacts');
    expect(hubspot.crmDependants?.(crmRecord({ num_associated_contacts: '3' }))).toBe(3);
    expect(hubspot.crmDependants?.(crmRecord({ num_associated_contacts: '0' }))).toBe(0);
    expect(hubspot.crmDependants?.(crmRecord({ num_associated_contacts: null }))).toBeUndefined();
    expect(hubspot.crmDependants?.(crmRecord({ num_associated_contacts: 'many' }))).toBeUndefined();
    // A Salesforce Account does not say: such deletes are held (and documented).
    expect(salesforce.crmProperties).not.toContain('num_associated_contacts');
    expect(salesforce.crmDependants?.(crmRecord({ Name: 'Acme' }))).toBeUndefined();
  });

  it('writes every member through the PATCH by id, and a create through the upsert', () => {
    const { writes } = COMPANIES;
    const body = { name: 'Acme', tags: ['a'], countryCode: 'SE' };
    expect(writes.splitUpdate(body)).toEqual({ byId: body, byRef: {} });
    expect(writes.splitCreate(body)).toEqual({ byId: {}, byRef: body });
    expect(writes.isEmpty(writes.empty())).toBe(true);
    expect(writes.withRefs({ name: 'Acme' }, [{ namespace: 'hubspot', id: '9' }])).toEqual({
      name: 'Acme',
      externalRefs: [{ namespace: 'hubspot', id: '9' }],
    });
    expect(writes.createRefused(new Error('409'), null, undefined)).toBeUndefined();
  });

  it('reads and writes a company through its accessors', () => {
    const company = aCompany({ domain: 'acme.se', tags: ['b', 'a'], countryCode: 'SE' });
    expect(COMPANY_ACCESSORS.read(company, 'domain')).toBe('acme.se');
    expect(COMPANY_ACCESSORS.read(company, 'tags')).toEqual(['b', 'a']);
    expect(COMPANY_ACCESSORS.read(company, 'firstName')).toBeNull();
    expect(
      COMPANY_ACCESSORS.write(
        [
          { accessor: 'name', value: 'Acme Holding' },
          { accessor: 'tags', value: 'a;b' },
          { accessor: 'homepageUrl', value: null },
        ],
        company,
      ),
    ).toEqual({ name: 'Acme Holding', tags: ['a', 'b'], homepageUrl: null });
    expect(COMPANY_ACCESSORS.write([{ accessor: 'tags', value: null }], null)).toEqual({ tags: null });
  });
});

describe('mappers of a kind', () => {
  it('are built for the kind a mapping names, and refuse a mapping of another kind', () => {
    const contacts = loadMapping('mappings/hubspot.contacts.yaml');
    expect(mapperFromMapping(loadMapping('mappings/salesforce.accounts.yaml')).kind).toBe(COMPANIES);
    expect(mapperFromMapping(contacts).kind).toBe(CONTACTS);
    expect(() => mapperFor(COMPANIES, contacts)).toThrow(
      'mappings/hubspot.contacts.yaml: maps contacts, but the companies kind needs a mapping with object: companies',
    );
  });

  it('normalise a raw value the way the mapping normalises the field', () => {
    expect(salesforce.canonical('domain', 'HTTPS://WWW.ACME.SE/')).toBe('acme.se');
    expect(salesforce.canonical('country', 'Sverige')).toBe('SE');
    expect(salesforce.canonical('unmapped', '  x ')).toBe('x');
    expect(salesforce.canonical('name', '   ')).toBeNull();
  });
});
