// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { ValidationError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { testdir, yamlLines } from './testdir.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const ENV = {
  PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-0123456789',
  PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN: 'pat-na1-0123456789',
};

/** Loads `text` as tenant.yaml in a temp dir and returns the CONFIG_INVALID message. */
async function problems(text: string, env: Record<string, string> = ENV): Promise<string> {
  const dir = await testdir({ 'tenant.yaml': text });
  try {
    await loadTenantConfig('tenant.yaml', { redactor, env, cwd: dir });
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).code).toBe('CONFIG_INVALID');
    return (e as ValidationError).message;
  }
  throw new Error('expected the config to be rejected');
}

const HEAD = ['tenant: acme', 'propstreet:', '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"', 'connections:'];
const HUBSPOT = [
  '  - name: hubspot',
  '    type: hubspot',
  '    accessToken: "${PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN}"',
];

describe('broken tenant configs: one line per problem, file:line:col key.path: expected …, got …', () => {
  it('unknown key, with a suggestion', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    directon: to-crm'))).toBe(
      'tenant.yaml:8:5 connections[0].directon: expected a known key, got unknown key "directon" (did you mean "direction"?)',
    );
  });

  it('propstreet.batchUpsertPath must be an API path', async () => {
    const withPath = (path: string) =>
      problems(
        yamlLines(
          'tenant: acme',
          'propstreet:',
          '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
          `  batchUpsertPath: ${path}`,
          'connections:',
          ...HUBSPOT,
        ),
      );
    expect(await withPath('https://x.example/batch')).toMatch(
      /^tenant\.yaml:4:\d+ propstreet\.batchUpsertPath: expected an API path starting with \/ \(no query\)/,
    );
    expect(await withPath('"/api/v1/network/contacts/batch?x=1"')).toMatch(
      /propstreet\.batchUpsertPath: expected an API path/,
    );
  });

  it('unknown key without a near match lists the known keys', async () => {
    expect(
      await problems(
        yamlLines(
          'tenant: acme',
          'propstreet:',
          '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
          '  rpm: 60',
          'connections:',
          ...HUBSPOT,
        ),
      ),
    ).toBe(
      'tenant.yaml:4:3 propstreet.rpm: expected one of baseUrl, token, clientId, clientSecret, tokenUrl, requestsPerMinute, batchUpsertPath, got unknown key "rpm"',
    );
  });

  it('wrong enum value', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    conflictPolicy: wins'))).toBe(
      'tenant.yaml:8:21 connections[0].conflictPolicy: expected one of propstreet-wins | crm-wins | newest-wins | manual, got "wins"',
    );
  });

  it('missing tenant points at the document start', async () => {
    expect(await problems(yamlLines(...HEAD.slice(1), ...HUBSPOT))).toBe(
      'tenant.yaml:1:1 tenant: expected a tenant id (lowercase letters, digits and -), got nothing',
    );
  });

  it('bad cron expression, with croner’s reason', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, 'schedule: "61 * * * *"'))).toBe(
      'tenant.yaml:8:11 schedule: expected a cron expression like "*/15 * * * *" (Invalid value for minute: 61), got "61 * * * *"',
    );
  });

  it('literal token: never echoed, with the fix', async () => {
    const message = await problems(
      yamlLines('tenant: acme', 'propstreet:', '  token: pat-literal-secret-123', 'connections:', ...HUBSPOT),
    );
    expect(message).toBe(
      'tenant.yaml:3:10 propstreet.token: expected a ${VARIABLE} reference, got a literal secret; put it in the environment: token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
    );
    expect(message).not.toContain('pat-literal-secret-123');
  });

  it('literal access token suggests a variable named after the connection', async () => {
    expect(
      await problems(
        yamlLines(...HEAD, '  - name: eu-portal', '    type: hubspot', '    accessToken: pat-na1-literal'),
      ),
    ).toBe(
      'tenant.yaml:7:18 connections[0].accessToken: expected a ${VARIABLE} reference, got a literal secret; put it in the environment: accessToken: "${PROPSYNC_ACME_EU_PORTAL_ACCESS_TOKEN}"',
    );
  });

  it('missing environment variable names the key and the variable', async () => {
    expect(
      await problems(yamlLines(...HEAD, ...HUBSPOT), {
        PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-0123456789',
      }),
    ).toBe(
      'tenant.yaml:7:18 connections[0].accessToken: expected environment variable PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN to be set (in the environment or a .env file), got nothing',
    );
  });

  it('duplicate connection name', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, ...HUBSPOT))).toBe(
      'tenant.yaml:8:11 connections[1].name: expected a connection name unique in this tenant, got "hubspot" (also connections[0])',
    );
  });

  it('duplicate namespace (case-insensitive, as Propstreet matches them)', async () => {
    const second = [
      '  - name: second',
      '    type: hubspot',
      '    namespace: HubSpot',
      '    accessToken: "${PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN}"',
    ];
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, ...second))).toBe(
      'tenant.yaml:10:16 connections[1].namespace: expected a namespace unique in this tenant, got "HubSpot" (also used by connections[0])',
    );
  });

  it('salesforce without instanceUrl points at the connection', async () => {
    const sf = [
      '  - name: salesforce',
      '    type: salesforce',
      '    accessToken: "${PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN}"',
    ];
    expect(await problems(yamlLines(...HEAD, ...sf))).toBe(
      'tenant.yaml:5:5 connections[0].instanceUrl: expected an http(s) URL, got nothing',
    );
  });

  it('maxShare 2', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    deletes: { maxShare: 2 }'))).toBe(
      'tenant.yaml:8:26 connections[0].deletes.maxShare: expected a share in (0, 1], got 2',
    );
  });

  it('YAML syntax error with its line', async () => {
    expect(await problems(yamlLines(...HEAD, '  - name: [hubspot', '    type: hubspot'))).toBe(
      'tenant.yaml:6:5 (syntax): expected valid YAML, got: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('duplicate YAML key is a syntax error', async () => {
    expect(await problems(yamlLines('tenant: acme', 'tenant: other', ...HEAD.slice(1), ...HUBSPOT))).toBe(
      'tenant.yaml:2:1 (syntax): expected valid YAML, got: Map keys must be unique',
    );
  });

  it('!!js/function and other non-core tags are rejected, not executed', async () => {
    const text = yamlLines(
      ...HEAD,
      '  - name: !!js/function "function () { globalThis.pwned = true }"',
      '    type: hubspot',
    );
    expect(await problems(text)).toBe(
      'tenant.yaml:5:5 connections[0].accessToken: expected accessToken (private app) or clientId + clientSecret + refreshToken (OAuth app), got neither\n' +
        'tenant.yaml:5:25 connections[0].name: expected plain YAML data (config files cannot run code or use custom tags), got tag !!js/function',
    );
    expect(await problems(yamlLines('tenant: !!binary YWNtZQ==', ...HEAD.slice(1), ...HUBSPOT))).toBe(
      'tenant.yaml:1:18 tenant: expected plain YAML data (config files cannot run code or use custom tags), got tag !!binary',
    );
    expect((globalThis as { pwned?: boolean }).pwned).toBeUndefined();
  });

  it('a secret written as a number is not shown either', async () => {
    const message = await problems(
      yamlLines('tenant: acme', 'propstreet:', '  token: 981234567890', 'connections:', ...HUBSPOT),
    );
    expect(message).toBe('tenant.yaml:3:10 propstreet.token: expected a string, got a hidden number');
  });

  it('a value YAML reads as a number where a string belongs: quote it', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    keyProperty: 42'))).toBe(
      'tenant.yaml:8:18 connections[0].keyProperty: expected a string, got 42 (quote it)',
    );
  });

  it('wrong type for chunkSize', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, '    chunkSize: "500"'))).toBe(
      'tenant.yaml:8:16 connections[0].chunkSize: expected a whole number, got "500"',
    );
  });

  it('state: both sqlite and postgres, and a literal database password', async () => {
    expect(
      await problems(
        yamlLines(
          ...HEAD,
          ...HUBSPOT,
          'state:',
          '  sqlite: ./a.db',
          '  postgres: postgres://app:hunter2pass@db/propsync',
        ),
      ),
    ).toBe(
      'tenant.yaml:10:3 state.postgres: expected exactly one of sqlite or postgres, got both\n' +
        'tenant.yaml:10:13 state.postgres: expected the password as a ${VARIABLE} reference, got a literal password; put it in the environment: postgres: "${PROPSYNC_ACME_DATABASE_URL}"',
    );
  });

  it('a mapping path that does not exist', async () => {
    const message = await problems(yamlLines(...HEAD, ...HUBSPOT, '    mapping: mappings/missing.yaml'));
    expect(message).toMatch(
      /^tenant\.yaml:8:14 connections\[0\]\.mapping: expected a mapping file \(relative to the config file\), got "mappings\/missing\.yaml" \(no file at .*missing\.yaml\)$/,
    );
  });

  it('reports every problem at once, sorted by position', async () => {
    const text = yamlLines(
      'tenant: Acme',
      'propstreet:',
      '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
      'connections:',
      ...HUBSPOT,
      '    chunkSize: 0',
      'log: { level: loud }',
    );
    expect((await problems(text)).split('\n')).toEqual([
      'tenant.yaml:1:9 tenant: expected a tenant id (lowercase letters, digits and -), got "Acme"',
      'tenant.yaml:8:16 connections[0].chunkSize: expected a whole number ≥ 1, got 0',
      'tenant.yaml:9:15 log.level: expected one of fatal | error | warn | info | debug | trace | silent, got "loud"',
    ]);
  });

  it('an empty file', async () => {
    expect(await problems('')).toBe('tenant.yaml:1:1 (top level): expected a mapping, got an empty file');
  });

  it('a missing file', async () => {
    const dir = await testdir({});
    await expect(loadTenantConfig('nope.yaml', { redactor, env: ENV, cwd: dir })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `no such file: ${join(dir, 'nope.yaml')}`,
    });
  });

  it('fieldErrors are keyed by path', async () => {
    const dir = await testdir({ 'tenant.yaml': yamlLines(...HEAD, ...HUBSPOT, '    chunkSize: -1') });
    const error = await loadTenantConfig('tenant.yaml', { redactor, env: ENV, cwd: dir }).catch(
      (e: unknown) => e,
    );
    expect((error as ValidationError).fieldErrors).toEqual({
      'connections[0].chunkSize': ['expected a whole number ≥ 1, got -1'],
    });
  });
});

/**
 * Regression: every string of a tenant file was interpolated, so `default: "${AWS_SECRET_ACCESS_KEY}"`
 * in a mapping override wrote that key into a HubSpot field, and a `${…}` in `baseUrl` sent it
 * in a request path and printed it in an abort message. Only secret fields read variables now,
 * only the tenant's own, and the rest is refused where it is written.
 */
describe('${VAR} only in secret fields, only from the tenant’s own variables', () => {
  const AWS = 'aws-secret-key-wJalrXUtnFEMI-K7MDENG';
  const env = { ...ENV, AWS_SECRET_ACCESS_KEY: AWS };

  it('a mapping override default that reads the environment is refused at its line', async () => {
    const message = await problems(
      yamlLines(
        ...HEAD,
        ...HUBSPOT,
        '    mappingOverrides:',
        '      fields:',
        '        phone: { default: "${AWS_SECRET_ACCESS_KEY}" }',
      ),
      env,
    );
    expect(message).toBe(
      'tenant.yaml:10:27 connections[0].mappingOverrides.fields.phone.default: expected no ${…} here (only secret fields read the environment; write $${…} for a literal), got "${AWS_SECRET_ACCESS_KEY}"',
    );
    expect(message).not.toContain(AWS);
  });

  it('a base URL that reads the environment is refused at its line', async () => {
    const message = await problems(
      yamlLines(
        'tenant: acme',
        'propstreet:',
        '  baseUrl: "https://app.propstreet.com/${AWS_SECRET_ACCESS_KEY}"',
        '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
        'connections:',
        ...HUBSPOT,
      ),
      env,
    );
    expect(message).toBe(
      'tenant.yaml:3:12 propstreet.baseUrl: expected no ${…} here (only secret fields read the environment; write $${…} for a literal), got "${AWS_SECRET_ACCESS_KEY}"',
    );
    expect(message).not.toContain(AWS);
  });

  it('a secret field may not read a variable that is not the tenant’s', async () => {
    const text = yamlLines(
      ...HEAD,
      '  - name: hubspot',
      '    type: hubspot',
      '    accessToken: "${AWS_SECRET_ACCESS_KEY}"',
    );
    expect(await problems(text, env)).toBe(
      'tenant.yaml:7:18 connections[0].accessToken: expected a variable of tenant acme, named PROPSYNC_ACME_…, got ${AWS_SECRET_ACCESS_KEY}',
    );
  });

  it('$${…} is a literal anywhere, and a secret read by interpolation is redacted whole', async () => {
    const dir = await testdir({
      'tenant.yaml': yamlLines(
        ...HEAD,
        ...HUBSPOT,
        '    mappingOverrides: { fields: { phone: { default: "$${NOT_A_VARIABLE}" } } }',
        'state: { postgres: "${PROPSYNC_ACME_DATABASE_URL}" }',
      ),
    });
    const url = 'postgres://sync@db.internal.example:5432/acme_state';
    const config = await loadTenantConfig('tenant.yaml', {
      redactor,
      env: { ...ENV, PROPSYNC_ACME_DATABASE_URL: url },
      cwd: dir,
    });
    expect(config.connections[0]?.objects[0]?.mappingOverrides).toEqual({
      fields: { phone: { default: '${NOT_A_VARIABLE}' } },
    });
    expect(config.state).toMatchObject({ kind: 'postgres', url });
    expect(redactor.redact(`could not connect to ${url}`)).toBe('could not connect to [REDACTED]');
  });
});
