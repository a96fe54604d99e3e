// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
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
  PROPSYNC_ACME_HUBSPOT_CLIENT_SECRET: 'hs-client-secret-0123456789',
  PROPSYNC_ACME_HUBSPOT_REFRESH_TOKEN: 'hs-refresh-token-0123456789',
};
const HEAD = ['tenant: acme', 'propstreet:', '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"', 'connections:'];
const HUBSPOT = ['  - name: hubspot', '    type: hubspot'];
const OAUTH = {
  clientId: '    clientId: 5f1c-app-client-id',
  clientSecret: '    clientSecret: "${PROPSYNC_ACME_HUBSPOT_CLIENT_SECRET}"',
  refreshToken: '    refreshToken: "${PROPSYNC_ACME_HUBSPOT_REFRESH_TOKEN}"',
};

async function load(text: string) {
  const dir = await testdir({ 'tenant.yaml': text });
  return loadTenantConfig('tenant.yaml', { redactor, env: ENV, cwd: dir });
}

async function problems(text: string): Promise<string> {
  const error = await load(text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).message;
}

describe('HubSpot auth config: a private app (accessToken) or an OAuth app, exactly one', () => {
  it('an OAuth app loads as oauth credentials, and its secrets are registered for redaction', async () => {
    const config = await load(yamlLines(...HEAD, ...HUBSPOT, ...Object.values(OAUTH)));
    const c = config.connections[0];
    expect(c?.type).toBe('hubspot');
    if (c?.type !== 'hubspot') return;
    expect(c.accessToken).toBeUndefined();
    expect(c.oauth).toEqual({
      clientId: '5f1c-app-client-id',
      clientSecret: ENV.PROPSYNC_ACME_HUBSPOT_CLIENT_SECRET,
      refreshToken: ENV.PROPSYNC_ACME_HUBSPOT_REFRESH_TOKEN,
      tokenEndpoint: '2026-03',
    });
    expect(
      redactor.redact(
        `x ${ENV.PROPSYNC_ACME_HUBSPOT_REFRESH_TOKEN} ${ENV.PROPSYNC_ACME_HUBSPOT_CLIENT_SECRET}`,
      ),
    ).toBe('x [REDACTED] [REDACTED]');
  });

  it('a private app keeps accessToken and has no oauth', async () => {
    const config = await load(
      yamlLines(...HEAD, ...HUBSPOT, '    accessToken: "${PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN}"'),
    );
    const c = config.connections[0];
    expect(c?.type === 'hubspot' && c.oauth).toBe(undefined);
    expect(c?.accessToken).toBe(ENV.PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN);
  });

  it('both modes at once are rejected', async () => {
    expect(
      await problems(
        yamlLines(
          ...HEAD,
          ...HUBSPOT,
          '    accessToken: "${PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN}"',
          ...Object.values(OAUTH),
        ),
      ),
    ).toBe(
      'tenant.yaml:8:5 connections[0].clientId: expected either accessToken (private app) or clientId + clientSecret + refreshToken (OAuth app), got both',
    );
  });

  it('an OAuth app missing its refresh token is rejected, naming the key', async () => {
    expect(await problems(yamlLines(...HEAD, ...HUBSPOT, OAUTH.clientId, OAUTH.clientSecret))).toBe(
      'tenant.yaml:5:5 connections[0].refreshToken: expected refreshToken with an OAuth app (clientId + clientSecret + refreshToken), got nothing',
    );
  });

  it('a literal refresh token in the file is rejected like any secret', async () => {
    expect(
      await problems(
        yamlLines(
          ...HEAD,
          ...HUBSPOT,
          OAUTH.clientId,
          OAUTH.clientSecret,
          '    refreshToken: na1-literal-refresh',
        ),
      ),
    ).toContain(
      'connections[0].refreshToken: expected a ${VARIABLE} reference, got a literal secret; put it in the environment: refreshToken: "${PROPSYNC_ACME_HUBSPOT_REFRESH_TOKEN}"',
    );
  });

  it('oauthTokenEndpoint picks the token endpoint of an OAuth app', async () => {
    const config = await load(
      yamlLines(...HEAD, ...HUBSPOT, ...Object.values(OAUTH), '    oauthTokenEndpoint: v1'),
    );
    const c = config.connections[0];
    expect(c?.type === 'hubspot' && c.oauth?.tokenEndpoint).toBe('v1');
  });

  it('an unknown oauthTokenEndpoint is rejected with the values it takes', async () => {
    expect(
      await problems(yamlLines(...HEAD, ...HUBSPOT, ...Object.values(OAUTH), '    oauthTokenEndpoint: v2')),
    ).toBe('tenant.yaml:10:25 connections[0].oauthTokenEndpoint: expected 2026-03, v3 or v1, got "v2"');
  });

  it('oauthTokenEndpoint with a private app is rejected: there is no token to refresh', async () => {
    expect(
      await problems(
        yamlLines(
          ...HEAD,
          ...HUBSPOT,
          '    accessToken: "${PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN}"',
          '    oauthTokenEndpoint: 2026-03',
        ),
      ),
    ).toBe(
      'tenant.yaml:8:5 connections[0].oauthTokenEndpoint: expected oauthTokenEndpoint only with an OAuth app (clientId + clientSecret + refreshToken), got it with accessToken (a private app has no token to refresh)',
    );
  });
});
