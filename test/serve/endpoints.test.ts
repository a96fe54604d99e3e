import { describe, expect, it } from 'vitest';
import { isPropsyncError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { buildEndpoints, webhookSecretVariable } from '../../src/serve/endpoints.js';
import { newWhsec } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const tenant = {
  tenant: 'acme-eu',
  connections: [
    { name: 'hubspot', type: 'hubspot' as const },
    { name: 'sf-main', type: 'salesforce' as const },
  ],
};

describe('webhook endpoints from the environment', () => {
  it('names each secret variable after the tenant, the connection and the sender', () => {
    expect(webhookSecretVariable('acme-eu', 'hubspot', 'hubspot')).toBe(
      'PROPSYNC_ACME_EU_HUBSPOT_HUBSPOT_WEBHOOK_SECRET',
    );
    expect(webhookSecretVariable('acme-eu', 'sf-main', 'propstreet')).toBe(
      'PROPSYNC_ACME_EU_SF_MAIN_PROPSTREET_WEBHOOK_SECRET',
    );
    expect(webhookSecretVariable('acme-eu', undefined, 'propstreet')).toBe(
      'PROPSYNC_ACME_EU_PROPSTREET_WEBHOOK_SECRET',
    );
  });

  it('makes an endpoint only where a secret is set; no CRM endpoint for Salesforce', () => {
    const endpoints = buildEndpoints(
      [tenant],
      {
        PROPSYNC_ACME_EU_PROPSTREET_WEBHOOK_SECRET: newWhsec(),
        PROPSYNC_ACME_EU_SF_MAIN_PROPSTREET_WEBHOOK_SECRET: newWhsec(),
        PROPSYNC_ACME_EU_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: 'client-secret',
        PROPSYNC_ACME_EU_SF_MAIN_HUBSPOT_WEBHOOK_SECRET: 'ignored',
        PROPSYNC_OTHER_PROPSTREET_WEBHOOK_SECRET: newWhsec(),
      },
      redactor,
    );
    expect(endpoints.map((e) => [e.path, e.connections])).toEqual([
      ['/webhooks/acme-eu/propstreet', ['hubspot', 'sf-main']],
      ['/webhooks/acme-eu/hubspot/hubspot', ['hubspot']],
      ['/webhooks/acme-eu/sf-main/propstreet', ['sf-main']],
    ]);
  });

  it('refuses two endpoints that would read one secret variable: a delivery signed for one tenant would run the other', () => {
    // Tenant acme's connection eu and tenant acme-eu's tenant-wide endpoint both read
    // PROPSYNC_ACME_EU_PROPSTREET_WEBHOOK_SECRET, and a Propstreet signature does not cover the URL.
    const configs = [
      { tenant: 'acme', connections: [{ name: 'eu', type: 'hubspot' as const }] },
      { tenant: 'acme-eu', connections: [{ name: 'hubspot', type: 'hubspot' as const }] },
    ];
    const env = { PROPSYNC_ACME_EU_PROPSTREET_WEBHOOK_SECRET: newWhsec() };
    let error: unknown;
    try {
      buildEndpoints(configs, env, redactor);
    } catch (e) {
      error = e;
    }
    expect(isPropsyncError(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toBe(
      'PROPSYNC_ACME_EU_PROPSTREET_WEBHOOK_SECRET is the webhook secret of both /webhooks/acme/eu/propstreet and /webhooks/acme-eu/propstreet: a delivery signed for one would run the other',
    );
    // Each tenant alone is fine (as `serve` builds them, one tenant at a time, then checks them together).
    expect(buildEndpoints([configs[1]!], env, redactor).map((e) => e.path)).toEqual([
      '/webhooks/acme-eu/propstreet',
    ]);
  });

  it('takes several secrets (a rotation) and hides every one of them from logs', () => {
    const a = newWhsec();
    const b = newWhsec();
    const [endpoint] = buildEndpoints(
      [tenant],
      {
        PROPSYNC_ACME_EU_PROPSTREET_WEBHOOK_SECRET: ` ${a}, ${b} `,
      },
      redactor,
    );
    expect(endpoint?.path).toBe('/webhooks/acme-eu/propstreet');
    expect(redactor.redact(`got ${a} and ${b}`)).not.toContain(a.slice(6));
    expect(redactor.redact(`got ${b}`)).not.toContain(b.slice(6));
  });

  it('a Propstreet secret that is not whsec_ + base64 is a config error naming the variable, not the value', () => {
    try {
      buildEndpoints([tenant], { PROPSYNC_ACME_EU_HUBSPOT_PROPSTREET_WEBHOOK_SECRET: 'whsec_' }, redactor);
      expect.unreachable();
    } catch (error) {
      expect(isPropsyncError(error) && error.code).toBe('CONFIG_INVALID');
      expect((error as Error).message).toBe(
        'PROPSYNC_ACME_EU_HUBSPOT_PROPSTREET_WEBHOOK_SECRET: not a usable webhook secret',
      );
    }
  });
});
