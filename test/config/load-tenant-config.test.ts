// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { Redactor } from '../../src/core/redact.js';
import { testdir, yamlLines } from './testdir.js';

/** This file's own: what the loader registers with and scrubs by. */
const redactor = new Redactor();

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENV = {
  PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-0123456789',
  PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN: 'pat-na1-0123456789',
};

const MINIMAL = yamlLines(
  'tenant: acme',
  'propstreet:',
  '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
  'connections:',
  '  - name: hubspot',
  '    type: hubspot',
  '    accessToken: "${PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN}"',
);

describe('loadTenantConfig: valid files', () => {
  it('takes propstreet.batchUpsertPath as written (unset: one upsert per contact)', async () => {
    const dir = await testdir({
      'acme.yaml': MINIMAL.replace(
        'propstreet:\n',
        'propstreet:\n  batchUpsertPath: /api/v1/network/contacts/batch\n',
      ),
    });
    const config = await loadTenantConfig(join(dir, 'acme.yaml'), { redactor, env: ENV, cwd: dir });
    expect(config.propstreet.batchUpsertPath).toBe('/api/v1/network/contacts/batch');
  });

  it('fills every default and resolves paths against the config file', async () => {
    const dir = await testdir({ 'tenants/acme.yaml': MINIMAL });
    const config = await loadTenantConfig(join(dir, 'tenants/acme.yaml'), { redactor, env: ENV, cwd: dir });
    expect(config).toEqual({
      file: join(dir, 'tenants/acme.yaml'),
      tenant: 'acme',
      propstreet: {
        baseUrl: 'https://app.propstreet.com',
        requestsPerMinute: 600,
        auth: { kind: 'token', token: 'ps-token-0123456789' },
      },
      connections: [
        {
          type: 'hubspot',
          name: 'hubspot',
          namespace: 'hubspot',
          objects: [
            {
              kind: 'contacts',
              mapping: join(REPO, 'mappings/hubspot.contacts.yaml'),
              mappingIsDefault: true,
              mappingOverrides: undefined,
              mappingOverridesAt: ['connections', 0, 'mappingOverrides'],
              keyProperty: 'propstreet_id',
              direction: 'bidirectional',
              conflictPolicy: 'newest-wins',
              match: ['externalRef', 'key'],
              deletes: {
                fromPropstreet: 'archive',
                fromCrm: 'unlink',
                againstEdit: 'keep-edited',
                recreate: false,
                maxShare: 0.1,
                maxCount: 500,
                window: '24h',
              },
            },
          ],
          ownChangeOrigins: [],
          overlapSeconds: 300,
          recheckCrmAfter: '60s',
          reconcileEvery: '7d',
          chunkSize: 500,
          propstreetConcurrency: 4,
          maxAttempts: 5,
          retryBaseSeconds: 60,
          refWriteBacks: { drainFor: '10m' },
          baseUrl: 'https://api.hubapi.com',
          accessToken: 'pat-na1-0123456789',
          oauth: undefined,
          archivedScanMinutes: 0,
          links: undefined,
        },
      ],
      state: { kind: 'sqlite', path: join(dir, 'tenants/.propsync/acme.db') },
      schedule: undefined,
      log: { level: 'info' },
    });
  });

  it('salesforce defaults, client credentials, explicit mapping and overrides', async () => {
    const text = yamlLines(
      'tenant: globex',
      'propstreet:',
      '  baseUrl: http://127.0.0.1:4010/',
      '  clientId: bot',
      '  clientSecret: "${PROPSYNC_GLOBEX_PS_SECRET}"',
      'connections:',
      '  - name: sf',
      '    type: salesforce',
      '    instanceUrl: https://globex.my.salesforce.com/',
      '    accessToken: "${PROPSYNC_GLOBEX_SF_TOKEN}"',
      '    mapping: ../mappings/sf.yaml',
      '    mappingOverrides: { remove: [phone] }',
      'state: { sqlite: ../state/globex.db }',
      'schedule: "@hourly"',
    );
    const dir = await testdir({ 'conf/globex.yaml': text, 'mappings/sf.yaml': 'fields: []\n' });
    const env = {
      PROPSYNC_GLOBEX_PS_SECRET: 'ps-secret-0123456789',
      PROPSYNC_GLOBEX_SF_TOKEN: '00D-token-0123',
    };
    const config = await loadTenantConfig('conf/globex.yaml', { redactor, env, cwd: dir });
    expect(config.propstreet.auth).toEqual({
      kind: 'client-credentials',
      clientId: 'bot',
      clientSecret: 'ps-secret-0123456789',
      tokenUrl: 'http://127.0.0.1:4010/openid/token',
    });
    expect(config.connections[0]).toMatchObject({
      type: 'salesforce',
      namespace: 'sf',
      instanceUrl: 'https://globex.my.salesforce.com',
      loginUrl: 'https://login.salesforce.com',
      apiVersion: '62.0',
      dailyBudgetShare: 0.8,
      duplicateRules: 'allow',
      refreshToken: undefined,
      objects: [
        {
          kind: 'contacts',
          keyProperty: 'Propstreet_Id__c',
          mapping: join(dir, 'mappings/sf.yaml'),
          mappingIsDefault: false,
          mappingOverrides: { remove: ['phone'] },
        },
      ],
    });
    expect(config.state).toEqual({ kind: 'sqlite', path: join(dir, 'state/globex.db') });
    expect(config.schedule).toBe('@hourly');
  });

  it('PROPSYNC_DATABASE_URL overrides state, keeping the configured schema', async () => {
    const dir = await testdir({
      't.yaml': `${MINIMAL}state: { postgres: "\${PROPSYNC_ACME_PG_URL}", schema: tenant_acme }\n`,
    });
    const env = {
      ...ENV,
      PROPSYNC_ACME_PG_URL: 'postgres://a@h/x',
      PROPSYNC_DATABASE_URL: 'postgres://app:db-pass-0123@pg:5432/sync',
    };
    const config = await loadTenantConfig('t.yaml', { redactor, env, cwd: dir });
    expect(config.state).toEqual({
      kind: 'postgres',
      url: 'postgres://app:db-pass-0123@pg:5432/sync',
      schema: 'tenant_acme',
      from: 'env',
    });
  });

  it('a postgres URL without a password may be literal', async () => {
    const dir = await testdir({
      't.yaml': `${MINIMAL}state: { postgres: "postgres://app@127.0.0.1/sync" }\n`,
    });
    const config = await loadTenantConfig('t.yaml', { redactor, env: ENV, cwd: dir });
    expect(config.state).toEqual({
      kind: 'postgres',
      url: 'postgres://app@127.0.0.1/sync',
      schema: 'propsync',
      from: 'config',
    });
  });

  it('registers every secret for redaction', async () => {
    const dir = await testdir({
      't.yaml': `${MINIMAL}state: { postgres: "postgres://app:\${PROPSYNC_ACME_PGPASS}@db/sync" }\n`,
    });
    const env = {
      ...ENV,
      PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-registered-1',
      PROPSYNC_ACME_PGPASS: 'pg-pass-registered-1',
    };
    await loadTenantConfig('t.yaml', { redactor, env, cwd: dir });
    expect(redactor.redact('a ps-token-registered-1 b pat-na1-0123456789 c pg-pass-registered-1')).toBe(
      'a [REDACTED] b [REDACTED] c [REDACTED]',
    );
  });

  it('registers them with the redactor it is given, and only there', async () => {
    const dir = await testdir({ 't.yaml': MINIMAL });
    const env = { ...ENV, PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-given-redactor-1' };
    const given = new Redactor();
    await loadTenantConfig('t.yaml', { env, cwd: dir, redactor: given });
    expect(given.redact('a ps-token-given-redactor-1 b')).toBe('a [REDACTED] b');
    expect(redactor.redact('a ps-token-given-redactor-1 b')).toBe('a ps-token-given-redactor-1 b');
  });

  it.each(['example-hubspot.yaml', 'example-salesforce.yaml', 'example-bridge.yaml'])(
    'the shipped tenants/%s loads with the variables of .env.example',
    async (name) => {
      const { parse } = await import('dotenv');
      const { readFile } = await import('node:fs/promises');
      const example = parse(await readFile(join(REPO, '.env.example'), 'utf8'));
      const env = Object.fromEntries(Object.keys(example).map((k) => [k, `value-of-${k}`]));
      env.PROPSYNC_DATABASE_URL = 'postgres://app@127.0.0.1/propsync';
      const dir = await testdir({});
      const config = await loadTenantConfig(join(REPO, 'tenants', name), { redactor, env, cwd: dir });
      expect(config.connections.length).toBeGreaterThan(0);
      expect(config.schedule).toBeDefined();
    },
  );

  it('the shipped examples show companies beside contacts, each with its own settings', async () => {
    const { parse } = await import('dotenv');
    const { readFile } = await import('node:fs/promises');
    const example = parse(await readFile(join(REPO, '.env.example'), 'utf8'));
    const env = { ...Object.fromEntries(Object.keys(example).map((k) => [k, `value-of-${k}`])) };
    env.PROPSYNC_DATABASE_URL = 'postgres://app@127.0.0.1/propsync';
    const dir = await testdir({});
    const load = (name: string) => loadTenantConfig(join(REPO, 'tenants', name), { redactor, env, cwd: dir });
    const [hubspot] = (await load('example-hubspot.yaml')).connections;
    expect(hubspot?.objects.map((o) => [o.kind, o.match, o.deletes.fromPropstreet])).toEqual([
      ['companies', ['externalRef', 'key', 'domain'], 'unlink'],
      ['contacts', ['externalRef', 'key'], 'archive'],
    ]);
    const [salesforce] = (await load('example-salesforce.yaml')).connections;
    expect(
      salesforce?.objects.map((o) => [
        o.kind,
        o.conflictPolicy,
        o.mapping.endsWith('salesforce.accounts.yaml'),
      ]),
    ).toEqual([
      ['companies', 'crm-wins', true],
      ['contacts', 'propstreet-wins', false],
    ]);
  });
});
