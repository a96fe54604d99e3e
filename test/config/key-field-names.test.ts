// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
/**
 * Regression (RELIABILITY.md, bugs: "a key property that is a data field"): `keyProperty:
 * website|email` and `externalIdField: Email|Phone|Id` passed `validate`, and `run` then
 * overwrote people's websites and emails with Propstreet ids. Such names are now refused
 * before any API is called, at the key's file:line:col.
 */
import { describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { ValidationError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { testdir, yamlLines } from './testdir.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

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

async function load(text: string) {
  const dir = await testdir({ 'tenant.yaml': text });
  return loadTenantConfig('tenant.yaml', { redactor, env: ENV, cwd: dir });
}

async function problems(text: string): Promise<string> {
  const error = await load(text).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).message;
}

describe('a CRM key that names a data field is refused offline', () => {
  it.each(['website', 'email', 'phone', 'firstname', 'hs_object_id', 'hs_linkedin_url'])(
    'HubSpot keyProperty: %s',
    async (name) => {
      expect(await problems(yamlLines(...HEAD, ...HUBSPOT, `    keyProperty: ${name}`))).toMatch(
        new RegExp(
          `^tenant\\.yaml:8:18 connections\\[0\\]\\.keyProperty: expected a property of its own for Propstreet ids .*got "${name}", one of HubSpot's own contact properties`,
        ),
      );
    },
  );

  it.each(['Email', 'Phone', 'Id', 'Name', 'AccountNumber'])(
    'Salesforce externalIdField: %s',
    async (name) => {
      expect(await problems(yamlLines(...HEAD, ...SALESFORCE, `    externalIdField: ${name}`))).toMatch(
        new RegExp(
          `^tenant\\.yaml:9:22 connections\\[0\\]\\.externalIdField: expected a custom External ID field .*got "${name}", a standard Contact field`,
        ),
      );
    },
  );

  it('accepts dedicated keys (the defaults and custom names)', async () => {
    const config = await load(
      yamlLines(
        ...HEAD,
        ...HUBSPOT,
        '    keyProperty: acme_propstreet_id',
        ...SALESFORCE,
        '    externalIdField: Acme_Propstreet_Key__c',
      ),
    );
    expect(config.connections.map((c) => c.objects.map((o) => o.keyProperty))).toEqual([
      ['acme_propstreet_id'],
      ['Acme_Propstreet_Key__c'],
    ]);
  });
});
