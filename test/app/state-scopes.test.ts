// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
/** Which state scopes a command works on: every (connection, kind) of the tenant, or those named. */
import { describe, expect, it } from 'vitest';
import { openSalesforceSession, sessionScope } from '../../src/app/salesforce-session.js';
import { scopesOf } from '../../src/app/state-scopes.js';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { testdir, yamlLines } from '../config/testdir.js';
import { memoryStore } from '../support/memory-store.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const ENV = {
  PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-0123456789',
  PROPSYNC_ACME_HUBSPOT_TOKEN: 'pat-na1-0123456789',
  PROPSYNC_ACME_SF_TOKEN: '00Dx!0123456789',
  PROPSYNC_ACME_SF_REFRESH: '5Aep861-refresh-0123',
};

async function tenant() {
  const dir = await testdir({
    'tenant.yaml': yamlLines(
      'tenant: acme',
      'propstreet:',
      '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
      'connections:',
      '  - name: hubspot',
      '    type: hubspot',
      '    accessToken: "${PROPSYNC_ACME_HUBSPOT_TOKEN}"',
      '    objects: [contacts, companies]',
      '  - name: salesforce',
      '    type: salesforce',
      '    instanceUrl: https://acme.my.salesforce.com',
      '    accessToken: "${PROPSYNC_ACME_SF_TOKEN}"',
      '    refreshToken: "${PROPSYNC_ACME_SF_REFRESH}"',
      '    clientId: acme-app',
    ),
  });
  return loadTenantConfig('tenant.yaml', { redactor, env: ENV, cwd: dir });
}

describe('scopesOf', () => {
  it('lists every kind of every connection: connections in file order, kinds in run order', async () => {
    const config = await tenant();
    expect(scopesOf(config).map((s) => `${s.connection}/${s.kind}`)).toEqual([
      'hubspot/companies',
      'hubspot/contacts',
      'salesforce/contacts',
    ]);
    expect(scopesOf(config, { kinds: ['contacts'] }).map((s) => s.connection)).toEqual([
      'hubspot',
      'salesforce',
    ]);
    expect(scopesOf(config, { connections: ['hubspot'], kinds: ['companies'] })).toEqual([
      { tenant: 'acme', connection: 'hubspot', kind: 'companies' },
    ]);
  });

  it('refuses a connection or a kind the tenant does not have', async () => {
    const config = await tenant();
    expect(() => scopesOf(config, { connections: ['pipedrive'] })).toThrow(
      '--connection pipedrive: expected one of hubspot, salesforce',
    );
    expect(() => scopesOf(config, { connections: ['salesforce'], kinds: ['companies'] })).toThrow(
      '--kind companies: expected one of contacts (the object kinds the connection syncs)',
    );
  });
});

describe('a Salesforce session shared by a connection’s kinds', () => {
  it('opens each kind’s adapter with the latest refresh, kept in the contacts scope', async () => {
    const config = await tenant();
    const connection = config.connections[1];
    if (connection?.type !== 'salesforce') throw new Error('expected the Salesforce connection');
    const store = await memoryStore();
    const key = Buffer.alloc(32, 7);
    const scope = sessionScope('acme', 'salesforce');
    const session = await openSalesforceSession(store, scope, connection, key, silentLogger, redactor);
    expect(session.current()).toEqual({
      accessToken: '00Dx!0123456789',
      refreshToken: '5Aep861-refresh-0123',
    });
    session.onRefreshed({ accessToken: 'fresh-access', refreshToken: 'rotated-refresh' });
    expect(session.current()).toEqual({ accessToken: 'fresh-access', refreshToken: 'rotated-refresh' });
    await session.flush();
    expect(scope.kind).toBe('contacts');
    expect(await store.getMeta(scope, 'salesforce.session')).toEqual(expect.any(String));
    await store.close();
  });
});
