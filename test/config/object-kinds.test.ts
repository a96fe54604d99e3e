// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
/**
 * A connection's object kinds: `objects` (default contacts alone) and a block per kind whose
 * keys left out are the connection's, then the kind's defaults. Mistakes are refused at
 * file:line:col like every other config problem.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { findObject, toSyncSettings } from '../../src/config/to-sync-settings.js';
import { ValidationError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { testdir, yamlLines } from './testdir.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENV = {
  PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-0123456789',
  PROPSYNC_ACME_HUBSPOT_TOKEN: 'pat-na1-0123456789',
  PROPSYNC_ACME_SF_TOKEN: '00Dx!0123456789',
};
const HEAD = ['tenant: acme', 'propstreet:', '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"', 'connections:'];
const HUBSPOT = [
  '  - name: hubspot',
  '    type: hubspot',
  '    accessToken: "${PROPSYNC_ACME_HUBSPOT_TOKEN}"',
];
const SALESFORCE = [
  '  - name: salesforce',
  '    type: salesforce',
  '    instanceUrl: https://acme.my.salesforce.com',
  '    accessToken: "${PROPSYNC_ACME_SF_TOKEN}"',
];

async function load(text: string, files: Record<string, string> = {}) {
  const dir = await testdir({ 'tenant.yaml': text, ...files });
  return { dir, config: await loadTenantConfig('tenant.yaml', { redactor, env: ENV, cwd: dir }) };
}

async function problems(text: string): Promise<string> {
  const error = await load(text).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe('CONFIG_INVALID');
  return (error as ValidationError).message;
}

describe('objects: which kinds a connection syncs', () => {
  it('is contacts alone by default, with the connection’s settings', async () => {
    const { config } = await load(yamlLines(...HEAD, ...HUBSPOT, '    conflictPolicy: manual'));
    expect(config.connections[0]?.objects).toEqual([
      expect.objectContaining({
        kind: 'contacts',
        mapping: join(REPO, 'mappings/hubspot.contacts.yaml'),
        keyProperty: 'propstreet_id',
        conflictPolicy: 'manual',
      }),
    ]);
  });

  it('runs companies before contacts, whatever order the file lists them in', async () => {
    const { config } = await load(yamlLines(...HEAD, ...HUBSPOT, '    objects: [contacts, companies]'));
    expect(config.connections[0]?.objects.map((o) => o.kind)).toEqual(['companies', 'contacts']);
  });

  it('gives companies the connection’s settings and the kind’s own defaults (HubSpot)', async () => {
    const { config } = await load(
      yamlLines(
        ...HEAD,
        ...HUBSPOT,
        '    objects: [companies, contacts]',
        '    direction: to-crm',
        '    conflictPolicy: propstreet-wins',
        '    match: [externalRef, key, email]',
        '    keyProperty: acme_propstreet_id',
        '    deletes: { fromPropstreet: unlink, maxShare: 0.2 }',
      ),
    );
    const [companies, contacts] = config.connections[0]?.objects ?? [];
    expect(companies).toEqual({
      kind: 'companies',
      mapping: join(REPO, 'mappings/hubspot.companies.yaml'),
      mappingIsDefault: true,
      mappingOverrides: undefined,
      mappingOverridesAt: ['connections', 0, 'mappingOverrides'],
      // The connection's keyProperty is the contacts' (a companies key is the kind's own).
      keyProperty: 'propstreet_id',
      direction: 'to-crm',
      conflictPolicy: 'propstreet-wins',
      // email pairs contacts only.
      match: ['externalRef', 'key'],
      deletes: {
        fromPropstreet: 'unlink',
        fromCrm: 'unlink',
        againstEdit: 'keep-edited',
        recreate: false,
        maxShare: 0.2,
        maxCount: 500,
        window: '24h',
      },
    });
    expect(contacts).toMatchObject({
      keyProperty: 'acme_propstreet_id',
      match: ['externalRef', 'key', 'email'],
    });
  });

  it('Salesforce companies are Accounts: their mapping and external-id field by default', async () => {
    const { config } = await load(yamlLines(...HEAD, ...SALESFORCE, '    objects: [companies]'));
    expect(config.connections[0]?.objects).toEqual([
      expect.objectContaining({
        kind: 'companies',
        mapping: join(REPO, 'mappings/salesforce.accounts.yaml'),
        keyProperty: 'Propstreet_Id__c',
      }),
    ]);
  });

  it('a kind’s block sets its own keys; the deletes it leaves out are the connection’s', async () => {
    const { dir, config } = await load(
      yamlLines(
        ...HEAD,
        ...SALESFORCE,
        '    objects: [contacts, companies]',
        '    conflictPolicy: newest-wins',
        '    deletes: { fromCrm: ignore, maxCount: 50 }',
        '    companies:',
        '      mapping: ./accounts.yaml',
        '      mappingOverrides: { remove: [website] }',
        '      externalIdField: Acme_Key__c',
        '      direction: from-crm',
        '      conflictPolicy: crm-wins',
        '      match: [externalRef, key]',
        '      deletes: { fromPropstreet: ignore }',
      ),
      { 'accounts.yaml': 'fields: []\n' },
    );
    const companies = findObject(config.connections[0]!, 'companies');
    expect(companies).toMatchObject({
      mapping: join(dir, 'accounts.yaml'),
      mappingIsDefault: false,
      mappingOverrides: { remove: ['website'] },
      mappingOverridesAt: ['connections', 0, 'companies', 'mappingOverrides'],
      keyProperty: 'Acme_Key__c',
      direction: 'from-crm',
      conflictPolicy: 'crm-wins',
      deletes: { fromPropstreet: 'ignore', fromCrm: 'ignore', maxCount: 50, maxShare: 0.1 },
    });
    expect(findObject(config.connections[0]!, 'contacts')).toMatchObject({
      keyProperty: 'Propstreet_Id__c',
      direction: 'bidirectional',
      conflictPolicy: 'newest-wins',
      deletes: { fromPropstreet: 'archive', fromCrm: 'ignore', maxCount: 50 },
    });
    expect(toSyncSettings(config, 'salesforce', 'companies')).toMatchObject({
      connection: 'salesforce',
      direction: 'from-crm',
      conflictPolicy: 'crm-wins',
      deletes: { fromPropstreet: 'ignore', fromCrm: 'ignore', maxCount: 50 },
    });
    expect(toSyncSettings(config, 'salesforce')).toMatchObject({ conflictPolicy: 'newest-wins' });
  });

  it('a contacts block is the same as the connection’s contacts keys', async () => {
    const { config } = await load(
      yamlLines(
        ...HEAD,
        ...HUBSPOT,
        '    contacts:',
        '      keyProperty: acme_id',
        '      match: [key, email]',
      ),
    );
    expect(config.connections[0]?.objects).toEqual([
      expect.objectContaining({ kind: 'contacts', keyProperty: 'acme_id', match: ['key', 'email'] }),
    ]);
  });

  it('settings of a kind the connection does not sync are a lookup error, not contacts’ settings', async () => {
    const { config } = await load(yamlLines(...HEAD, ...HUBSPOT));
    expect(() => toSyncSettings(config, 'hubspot', 'companies')).toThrow(
      'connection hubspot does not sync companies (its objects: contacts)',
    );
  });
});

describe('objects: mistakes, at their line', () => {
  it('an unknown kind, with the nearest known one', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    objects: [contacts, compnies]'))).toBe(
      'tenant.yaml:8:25 connections[0].objects[1]: expected one of contacts | companies | links, got "compnies" (did you mean "companies"?)',
    );
  });

  it('an unknown kind with no near one lists the kinds', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    objects: [deals]'))).toBe(
      'tenant.yaml:8:15 connections[0].objects[0]: expected one of contacts | companies | links, got "deals"',
    );
  });

  it('a kind listed twice, and an empty list', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    objects: [contacts, contacts]'))).toBe(
      'tenant.yaml:8:25 connections[0].objects[1]: expected each object kind once, got "contacts" again (also objects[0])',
    );
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    objects: []'))).toBe(
      'tenant.yaml:8:14 connections[0].objects: expected at least one object kind, got an empty list',
    );
  });

  it('a misspelt block is an unknown key, with a suggestion', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    compnies: { match: [key] }'))).toBe(
      'tenant.yaml:8:5 connections[0].compnies: expected a known key, got unknown key "compnies" (did you mean "companies"?)',
    );
  });

  it('a block for a kind the connection does not sync', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    companies: { match: [key] }'))).toBe(
      'tenant.yaml:8:5 connections[0].companies: expected companies in objects to configure it, got a companies block while the connection syncs contacts',
    );
  });

  it('the connection’s contacts keys without contacts, or twice', async () => {
    expect(
      await problems(yamlLines(...HEAD, ...HUBSPOT, '    objects: [companies]', '    keyProperty: acme_id')),
    ).toBe(
      "tenant.yaml:9:5 connections[0].keyProperty: expected keyProperty here only when the connection syncs contacts (it is the contacts kind's; other kinds set theirs in their block, e.g. companies.keyProperty), got it with objects companies",
    );
    expect(
      await problems(
        yamlLines(
          ...HEAD,
          ...HUBSPOT,
          '    keyProperty: acme_id',
          '    contacts:',
          '      keyProperty: other_id',
        ),
      ),
    ).toBe(
      'tenant.yaml:10:7 connections[0].contacts.keyProperty: expected either connections[0].keyProperty or connections[0].contacts.keyProperty, got both',
    );
  });

  it('a match rule the kind has no field for', async () => {
    expect(
      await problems(
        yamlLines(
          ...HEAD,
          ...HUBSPOT,
          '    objects: [companies, contacts]',
          '    companies: { match: [key, email] }',
        ),
      ),
    ).toBe(
      'tenant.yaml:9:31 connections[0].companies.match[1]: expected a match rule for companies (externalRef | key | domain | name), got "email"',
    );
    expect(
      await problems(yamlLines(...HEAD, ...HUBSPOT, '    objects: [companies]', '    match: [key, email]')),
    ).toBe(
      'tenant.yaml:9:18 connections[0].match[1]: expected a match rule of the object kinds synced (companies: externalRef | key | domain | name), got "email"',
    );
  });

  it('a companies key that is one of the CRM’s own company/Account fields', async () => {
    expect(
      await problems(
        yamlLines(...HEAD, ...HUBSPOT, '    objects: [companies]', '    companies: { keyProperty: domain }'),
      ),
    ).toMatch(
      /^tenant\.yaml:9:31 connections\[0\]\.companies\.keyProperty: expected a property of its own .*got "domain", one of HubSpot's own company properties/,
    );
    expect(
      await problems(
        yamlLines(
          ...HEAD,
          ...SALESFORCE,
          '    objects: [companies]',
          '    companies: { externalIdField: AccountNumber }',
        ),
      ),
    ).toMatch(
      /^tenant\.yaml:10:35 connections\[0\]\.companies\.externalIdField: expected a custom External ID field .*got "AccountNumber", a standard Account field/,
    );
  });

  it('a kind’s mapping file that is not there', async () => {
    expect(
      await problems(
        yamlLines(...HEAD, ...HUBSPOT, '    objects: [companies]', '    companies: { mapping: ./nope.yaml }'),
      ),
    ).toMatch(
      /^tenant\.yaml:9:27 connections\[0\]\.companies\.mapping: expected a mapping file .*got "\.\/nope\.yaml"/,
    );
  });
});
