// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { loadTenantConfigs } from '../../src/config/load-tenant-configs.js';
import { findConnection, toSyncSettings } from '../../src/config/to-sync-settings.js';
import { Redactor } from '../../src/core/redact.js';
import { testdir, yamlLines } from './testdir.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

/** Each tenant reads its own variables (PROPSYNC_<TENANT>_…). */
const ENV = Object.fromEntries(
  ['ACME', 'GLOBEX', 'INITECH'].flatMap((t) => [
    [`PROPSYNC_${t}_PROPSTREET_TOKEN`, 'ps-token-0123456789'],
    [`PROPSYNC_${t}_HUBSPOT_ACCESS_TOKEN`, 'pat-na1-0123456789'],
  ]),
);
const tenant = (id: string, extra: string[] = []) => {
  const prefix = `PROPSYNC_${id.toUpperCase().replace(/-/g, '_')}_`;
  return yamlLines(
    `tenant: ${id}`,
    'propstreet:',
    `  token: "\${${prefix}PROPSTREET_TOKEN}"`,
    'connections:',
    '  - name: hubspot',
    '    type: hubspot',
    `    accessToken: "\${${prefix}HUBSPOT_ACCESS_TOKEN}"`,
    ...extra,
  );
};

describe('loadTenantConfigs', () => {
  it('loads every .yaml/.yml, reports broken files and duplicate tenants without stopping', async () => {
    const dir = await testdir({
      'a.yaml': tenant('acme'),
      'b.yml': tenant('globex', ['schedule: "0 * * * *"']),
      'c.yaml': tenant('acme'),
      'd.yaml': tenant('initech', ['    chunkSize: none']),
      'notes.txt': 'not a config',
    });
    const { configs, errors } = await loadTenantConfigs(dir, { redactor, env: ENV, cwd: dir });
    expect(configs.map((c) => c.tenant)).toEqual(['acme', 'globex']);
    expect(errors.map((e) => [e.file, e.error.code, e.error.message])).toEqual([
      [
        join(dir, 'c.yaml'),
        'CONFIG_INVALID',
        `${join(dir, 'c.yaml')}:1:1 tenant: expected a tenant id unique across files, got "acme" (also in ${join(dir, 'a.yaml')})`,
      ],
      [
        join(dir, 'd.yaml'),
        'CONFIG_INVALID',
        `${join(dir, 'd.yaml')}:8:16 connections[0].chunkSize: expected a whole number, got "none"`,
      ],
    ]);
  });
});

describe('loadTenantConfigs: tenants whose variable prefixes nest', () => {
  it('a tenant may not read the variables of a tenant loaded beside it under a longer prefix (acme and acme-eu)', async () => {
    const env = {
      ...ENV,
      PROPSYNC_ACME_EU_PROPSTREET_TOKEN: 'acme-eu-propstreet-token',
      PROPSYNC_ACME_EU_HUBSPOT_ACCESS_TOKEN: 'acme-eu-hubspot-token',
    };
    // acme's file borrows acme-eu's HubSpot token: PROPSYNC_ACME_ starts its name.
    const borrowing = yamlLines(
      'tenant: acme',
      'propstreet:',
      '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
      'connections:',
      '  - name: hubspot',
      '    type: hubspot',
      '    accessToken: "${PROPSYNC_ACME_EU_HUBSPOT_ACCESS_TOKEN}"',
    );
    const dir = await testdir({ 'acme.yaml': borrowing, 'acme-eu.yaml': tenant('acme-eu') });
    const { configs, errors } = await loadTenantConfigs(dir, { redactor, env, cwd: dir });
    expect(configs.map((c) => c.tenant)).toEqual(['acme-eu']);
    expect(errors.map((e) => e.message)).toEqual([
      `${join(dir, 'acme.yaml')}:7:18 connections[0].accessToken: expected a variable of tenant acme, named PROPSYNC_ACME_… and not one of tenant acme-eu (PROPSYNC_ACME_EU_…), loaded beside it, got \${PROPSYNC_ACME_EU_HUBSPOT_ACCESS_TOKEN}`,
    ]);
    // Loaded alone, the file cannot know its neighbours (README "Secrets" says so).
    await expect(
      loadTenantConfig(join(dir, 'acme.yaml'), { redactor, env, cwd: dir }),
    ).resolves.toMatchObject({
      tenant: 'acme',
    });
  });
});

describe('toSyncSettings', () => {
  it('maps a connection to the engine settings, seconds to milliseconds', async () => {
    const dir = await testdir({
      't.yaml': tenant('acme', [
        '    namespace: hs-eu',
        '    direction: to-crm',
        '    conflictPolicy: manual',
        '    match: [externalRef, email]',
        '    deletes: { fromPropstreet: unlink, fromCrm: ignore, againstEdit: delete, recreate: true, maxShare: 0.5, maxCount: 10, window: 90m }',
        '    ownChangeOrigins: [propsync-bot]',
        '    overlapSeconds: 60',
        '    chunkSize: 100',
        '    propstreetConcurrency: 2',
        '    maxAttempts: 3',
        '    retryBaseSeconds: 30',
      ]),
    });
    const config = await loadTenantConfig('t.yaml', { redactor, env: ENV, cwd: dir });
    expect(toSyncSettings(config, 'hubspot')).toEqual({
      tenant: 'acme',
      connection: 'hubspot',
      namespace: 'hs-eu',
      direction: 'to-crm',
      conflictPolicy: 'manual',
      match: ['externalRef', 'email'],
      deletes: {
        fromPropstreet: 'unlink',
        fromCrm: 'ignore',
        againstEdit: 'delete',
        recreate: true,
        maxShare: 0.5,
        maxCount: 10,
        windowMs: 5_400_000,
      },
      ownChangeOrigins: ['propsync-bot'],
      overlapMs: 60_000,
      recheckCrmAfterMs: 60_000,
      reconcileEveryMs: 7 * 86_400_000,
      chunkSize: 100,
      propstreetConcurrency: 2,
      maxAttempts: 3,
      retryBaseMs: 30_000,
      refDrainMs: 600_000,
    });
    expect(toSyncSettings(config, config.connections[0]!)).toEqual(toSyncSettings(config, 'hubspot'));
    expect(() => findConnection(config, 'salesforce')).toThrow(
      'tenant acme has no connection "salesforce" (it has: hubspot)',
    );
  });
});
